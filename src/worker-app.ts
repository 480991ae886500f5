import path from "node:path";
import type { Logger } from "pino";
import { ConfigError, type ServiceConfig } from "./config/config.js";
import { type AccessKey, loadAccessKeys } from "./identity/keys.js";
import { JobRunner } from "./jobs/job-runner.js";
import { ThreadPool } from "./jobs/worker-pool.js";
import { QueuedTaskPool } from "./queue/queued-task-pool.js";
import { TaskExecutor } from "./queue/task-executor.js";
import { TaskPayloads } from "./queue/task-payloads.js";
import { openTaskQueue } from "./queue/task-queue.js";
import type { Services } from "./resources/context.js";
import { DataFiles } from "./resources/data-files.js";
import { jobHandlers } from "./resources/handlers.js";
import { PageTokens } from "./resources/pagination.js";
import { ObjectStore } from "./storage/object-store.js";
import { openStateStore } from "./store/state-store.js";

/** The bucket holding task inputs and results (under tasks/), on the deployment's S3 endpoint. */
export const TASK_BUCKET = "openforecast-internal";

export interface RunningWorker {
  jobs: JobRunner;
  executor: TaskExecutor;
  close(): Promise<void>;
}

/**
 * Composes a worker process of a scale-out deployment: no HTTP, no state of its own. It claims jobs from the
 * shared state store (each under the store's lease) and runs their pipelines, whose numeric tasks go on the
 * pg-boss queue; and it runs queued tasks, any job's, on its threads. Its data dir is scratch only.
 */
export async function startWorker(
  config: ServiceConfig,
  env: NodeJS.ProcessEnv,
  log: Logger,
): Promise<RunningWorker> {
  if (!config.databaseUrl) {
    throw new ConfigError("worker needs --database-url (the PostgreSQL database the API processes use)");
  }
  if (!config.s3Endpoint) {
    throw new ConfigError("worker needs --s3-endpoint (the S3 endpoint the API processes use)");
  }
  if (!env.OPENFORECAST_CREDENTIALS_FILE && !env.OPENFORECAST_ACCESS_KEY_ID) {
    throw new ConfigError(
      "worker needs the accounts' access keys (OPENFORECAST_CREDENTIALS_FILE or OPENFORECAST_ACCESS_KEY_ID and " +
        "OPENFORECAST_SECRET_ACCESS_KEY), the same as the API processes: jobs read and write S3 as their account",
    );
  }
  const s3Endpoint = config.s3Endpoint;
  const { keys } = await loadAccessKeys({ dataDir: config.dataDir, env, log: (m) => log.info(m) });
  const state = await openStateStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const store = state.resources;
  const externalCredentials =
    env.OPENFORECAST_S3_ACCESS_KEY_ID && env.OPENFORECAST_S3_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.OPENFORECAST_S3_ACCESS_KEY_ID,
          secretAccessKey: env.OPENFORECAST_S3_SECRET_ACCESS_KEY,
        }
      : undefined;
  const objectStores = new Map<string, ObjectStore>();
  const objectStoreFor = (accountId: string): ObjectStore => {
    let objectStore = objectStores.get(accountId);
    if (!objectStore) {
      const key = keys.find((k) => k.accountId === accountId) as AccessKey;
      objectStore = new ObjectStore({
        endpoint: s3Endpoint,
        region: config.s3Region,
        credentials: externalCredentials ?? {
          accessKeyId: key.accessKeyId,
          secretAccessKey: key.secretAccessKey,
        },
        forcePathStyle: true,
      });
      objectStores.set(accountId, objectStore);
    }
    return objectStore;
  };
  const taskObjects = objectStoreFor((keys[0] as AccessKey).accountId);
  if (!(await taskObjects.bucketExists(TASK_BUCKET))) await taskObjects.createBucket(TASK_BUCKET);
  const dataFiles = new DataFiles(config.dataDir);
  const payloads = new TaskPayloads(taskObjects, TASK_BUCKET, path.join(config.dataDir, "tmp", "tasks"));

  const boss = await openTaskQueue({
    databaseUrl: config.databaseUrl,
    taskLeaseSeconds: config.taskLeaseSeconds,
  });
  const threads = new ThreadPool(config.workerThreads);
  const pool = new QueuedTaskPool(boss, payloads, config.taskParallelism, log);
  const jobs = new JobRunner(store, config.jobConcurrency, log, {
    dataDir: config.dataDir,
    singleRunner: false,
  });
  const services: Services = {
    config,
    store,
    iamRoles: state.iamRoles,
    jobs,
    pool,
    tokens: await PageTokens.open(store),
    dataFiles,
    log,
    objectStoreFor,
  };
  for (const [kind, handler] of Object.entries(jobHandlers(services))) jobs.register(kind, handler);
  const executor = new TaskExecutor(boss, payloads, threads, config.workerThreads, log);
  executor.start();
  await jobs.start();
  return {
    jobs,
    executor,
    async close() {
      await jobs.close();
      await pool.close();
      await executor.close();
      await threads.close();
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      await state.close();
    },
  };
}
