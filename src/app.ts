import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { ServiceConfig } from "./config/config.js";
import { IAM_PROTOCOL, STS_PROTOCOL } from "./gateway/aws-query.js";
import { buildGateway } from "./gateway/server.js";
import { type AccessKey, loadAccessKeys } from "./identity/keys.js";
import { createVerifier } from "./identity/sigv4.js";
import { JobRunner } from "./jobs/job-runner.js";
import { ThreadPool } from "./jobs/worker-pool.js";
import type { Services } from "./resources/context.js";
import { DataFiles } from "./resources/data-files.js";
import { forecastHandlers, forecastQueryHandlers, jobHandlers } from "./resources/handlers.js";
import { iamActions } from "./resources/iam-roles.js";
import { PageTokens } from "./resources/pagination.js";
import { stsActions } from "./resources/sts.js";
import { startEmbeddedS3 } from "./storage/embedded-s3.js";
import { ObjectStore } from "./storage/object-store.js";
import { openStateStore } from "./store/state-store.js";

export interface RunningService {
  forecastEndpoint: string;
  s3Endpoint: string;
  keys: AccessKey[];
  /** True when this start generated the access key (first start without configured keys). */
  generatedKey: boolean;
  /** Where the keys are (a file path or environment variables), for the banner. */
  keysLocation: string;
  /** The keys are the generated ones in the data dir (not configured by an operator). */
  keysInDataDir: boolean;
  services: Services;
  gateway: FastifyInstance;
  close(): Promise<void>;
}

/**
 * Composes the service: keys, storage (embedded S3 unless an external endpoint is configured), the state store,
 * the job engine and the HTTP gateway. The one place that knows every part.
 */
export async function startService(
  config: ServiceConfig,
  env: NodeJS.ProcessEnv,
  log: Logger,
): Promise<RunningService> {
  const { keys, generated, location, inDataDir } = await loadAccessKeys({
    dataDir: config.dataDir,
    env,
    log: (m) => log.info(m),
  });
  const embedded = config.s3Endpoint
    ? undefined
    : await startEmbeddedS3({
        host: config.s3Host,
        port: config.s3Port,
        directory: path.join(config.dataDir, "s3"),
        keys,
        log: (message) => log.warn(message),
      });
  const s3Endpoint = config.s3Endpoint ?? (embedded?.endpoint as string);

  const state = await openStateStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const store = state.resources;
  const jobs = new JobRunner(store, config.jobConcurrency, log, {
    dataDir: config.dataDir,
    singleRunner: state.singleRunner,
    runsJobs: config.runJobs,
  });
  // An API process of a scale-out deployment runs no pipelines: its pool is never used (and starts no thread).
  const pool = new ThreadPool(config.runJobs ? config.workerThreads : 1);
  const objectStores = new Map<string, ObjectStore>();
  const externalCredentials =
    env.OPENFORECAST_S3_ACCESS_KEY_ID && env.OPENFORECAST_S3_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.OPENFORECAST_S3_ACCESS_KEY_ID,
          secretAccessKey: env.OPENFORECAST_S3_SECRET_ACCESS_KEY,
        }
      : undefined;
  if (config.s3Endpoint && externalCredentials && new Set(keys.map((k) => k.accountId)).size > 1) {
    log.warn(
      "All accounts reach the external S3 with the one OPENFORECAST_S3_ACCESS_KEY_ID: accounts are not isolated from " +
        "each other in S3 (any account can import from and export to any bucket that key reaches). Leave those " +
        "variables unset to have each account use its own key on the S3 store.",
    );
  }
  const dataFiles = new DataFiles(config.dataDir);
  await dataFiles.clearScratch();
  const services: Services = {
    config,
    store,
    iamRoles: state.iamRoles,
    jobs,
    pool,
    tokens: await PageTokens.open(store),
    dataFiles,
    log,
    objectStoreFor(accountId) {
      let objectStore = objectStores.get(accountId);
      if (!objectStore) {
        // On the embedded endpoint a job acts with its account's own key; on an external S3 with the configured
        // S3 credentials when given, else with the account's key (MinIO and friends set up with the same keys).
        const key = keys.find((k) => k.accountId === accountId) as AccessKey;
        objectStore = new ObjectStore({
          endpoint: s3Endpoint,
          region: config.s3Region,
          credentials: (embedded ? undefined : externalCredentials) ?? {
            accessKeyId: key.accessKeyId,
            secretAccessKey: key.secretAccessKey,
          },
          forcePathStyle: true,
        });
        objectStores.set(accountId, objectStore);
      }
      return objectStore;
    },
  };
  for (const [kind, handler] of Object.entries(jobHandlers(services))) jobs.register(kind, handler);

  const verifier = createVerifier({ keys, services: ["forecast"] });
  // STS and IAM answer on the same port; their requests are signed for their own service names.
  const queryVerifier = createVerifier({
    keys,
    services: [STS_PROTOCOL.signingName, IAM_PROTOCOL.signingName],
  });
  const gateway = buildGateway({
    services,
    handlers: { forecast: forecastHandlers, forecastquery: forecastQueryHandlers },
    verify: (req) => verifier.verify(req),
    awsQuery: {
      services,
      queryServices: [
        { ...STS_PROTOCOL, actions: stsActions },
        { ...IAM_PROTOCOL, actions: iamActions },
      ],
      verify: (req) => queryVerifier.verify(req),
      log,
    },
    keys,
    log,
  });
  await gateway.listen({ host: config.host, port: config.port });
  const address = gateway.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  await jobs.start();

  return {
    forecastEndpoint: `http://${config.host}:${port}`,
    s3Endpoint,
    keys,
    generatedKey: generated,
    keysLocation: location,
    keysInDataDir: inDataDir,
    services,
    gateway,
    async close() {
      await gateway.close();
      await jobs.close();
      await pool.close();
      await embedded?.close();
      await state.close();
    },
  };
}
