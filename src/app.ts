import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { ServiceConfig } from "./config/config.js";
import { IAM_PROTOCOL, STS_PROTOCOL } from "./gateway/aws-query.js";
import { buildGateway } from "./gateway/server.js";
import { type AccessKey, loadAccessKeys } from "./identity/keys.js";
import { createVerifier } from "./identity/sigv4.js";
import { JobRunner } from "./jobs/job-runner.js";
import { STATUS } from "./jobs/statuses.js";
import { ThreadPool } from "./jobs/worker-pool.js";
import { ServiceMetrics } from "./ops/service-metrics.js";
import type { Services } from "./resources/context.js";
import { forecastHandlers, forecastQueryHandlers } from "./resources/handlers.js";
import { iamActions } from "./resources/iam-roles.js";
import { stsActions } from "./resources/sts.js";
import { buildServices } from "./services.js";
import { startEmbeddedS3 } from "./storage/embedded-s3.js";
import { internalKey } from "./storage/internal-bucket.js";
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
  // The state store first: on SQLite it locks the data dir, so a second process stops before starting anything.
  const state = await openStateStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  // On the embedded endpoint the service's own bucket belongs to an account no user key has (internal-bucket.ts).
  const ownKey = internalKey();
  const embedded = config.s3Endpoint
    ? undefined
    : await startEmbeddedS3({
        host: config.s3Host,
        port: config.s3Port,
        directory: path.join(config.dataDir, "s3"),
        keys: [...keys, ownKey],
        log: (message) => log.warn(message),
      });
  const s3Endpoint = config.s3Endpoint ?? (embedded?.endpoint as string);

  const jobs = new JobRunner(state.resources, config.jobConcurrency, log, {
    dataDir: config.dataDir,
    singleRunner: state.singleRunner,
    leaseMs: config.jobLeaseSeconds * 1000,
    runsJobs: config.runJobs,
  });
  // An API process of a scale-out deployment runs no pipelines: its pool is never used (and starts no thread).
  const pool = new ThreadPool(config.runJobs ? config.workerThreads : 1);
  const { services, blobObjects } = await buildServices({
    config,
    env,
    log,
    keys,
    s3Endpoint,
    ownKey: embedded ? ownKey : undefined,
    embeddedFiles: embedded?.files,
    state,
    jobs,
    pool: () => pool,
  });
  const metrics = config.metrics
    ? new ServiceMetrics({
        pendingJobs: async () => [
          ...(await state.resources.withStatus(STATUS.CREATE_PENDING)),
          ...(await state.resources.withStatus(STATUS.DELETE_PENDING)),
        ],
        runningJobs: () => jobs.events.runningByKind(),
        workers: pool,
      })
    : undefined;
  if (metrics) jobs.events.add(metrics);

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
    metrics,
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
      blobObjects.close();
      await embedded?.close();
      await state.close();
    },
  };
}
