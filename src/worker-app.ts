import path from "node:path";
import type { Logger } from "pino";
import { ConfigError, DEFAULT_BLOB_BUCKET, type ServiceConfig } from "./config/config.js";
import { loadAccessKeys } from "./identity/keys.js";
import { JobRunner } from "./jobs/job-runner.js";
import { ThreadPool } from "./jobs/worker-pool.js";
import { QueuedTaskPool } from "./queue/queued-task-pool.js";
import { TaskExecutor } from "./queue/task-executor.js";
import { TaskPayloads } from "./queue/task-payloads.js";
import { openTaskQueue } from "./queue/task-queue.js";
import { buildServices } from "./services.js";
import { openStateStore } from "./store/state-store.js";

export interface RunningWorker {
  jobs: JobRunner;
  executor: TaskExecutor;
  close(): Promise<void>;
}

/**
 * Composes a worker process of a scale-out deployment: no HTTP, no state of its own. It claims jobs from the
 * shared state store (each under the store's lease) and runs their pipelines, whose numeric tasks go on the
 * pg-boss queue; and it runs queued tasks, any job's, on its threads. Its data dir is scratch only: bulk data is
 * in the internal bucket on the S3 endpoint, task inputs and results under its `tasks/` prefix.
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
  const { keys } = await loadAccessKeys({ dataDir: config.dataDir, env, log: (m) => log.info(m) });
  const state = await openStateStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const boss = await openTaskQueue({
    databaseUrl: config.databaseUrl,
    taskLeaseSeconds: config.taskLeaseSeconds,
  });
  const jobs = new JobRunner(state.resources, config.jobConcurrency, log, {
    dataDir: config.dataDir,
    singleRunner: false,
    leaseMs: config.jobLeaseSeconds * 1000,
  });
  const threads = new ThreadPool(config.workerThreads);
  const { services, blobObjects } = await buildServices({
    config,
    env,
    log,
    keys,
    s3Endpoint: config.s3Endpoint,
    state,
    jobs,
    pool: (objects) =>
      new QueuedTaskPool(
        boss,
        new TaskPayloads(
          objects,
          config.blobBucket ?? DEFAULT_BLOB_BUCKET,
          path.join(config.dataDir, "tmp", "tasks"),
        ),
        config.taskParallelism,
        log,
      ),
  });
  const pool = services.pool;
  const payloads = new TaskPayloads(
    blobObjects,
    config.blobBucket ?? DEFAULT_BLOB_BUCKET,
    path.join(config.dataDir, "tmp", "tasks"),
  );
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
      blobObjects.close();
      await state.close();
    },
  };
}
