import path from "node:path";
import type { Logger } from "pino";
import { DEFAULT_BLOB_BUCKET, type ServiceConfig } from "./config/config.js";
import type { AccessKey } from "./identity/keys.js";
import type { JobRunner } from "./jobs/job-runner.js";
import type { WorkerPool } from "./jobs/worker-pool.js";
import { JobLog } from "./ops/job-log.js";
import { jobHandlers } from "./pipelines/index.js";
import type { Services } from "./resources/context.js";
import { withInitialEstimate } from "./resources/job-estimates.js";
import { PageTokens } from "./resources/pagination.js";
import { BlobStore } from "./storage/blob-store.js";
import { ObjectStore } from "./storage/object-store.js";
import type { S3FileStore } from "./storage/s3-file-store.js";
import type { StateStore } from "./store/state-store.js";

export interface ServiceParts {
  config: ServiceConfig;
  env: NodeJS.ProcessEnv;
  log: Logger;
  keys: AccessKey[];
  s3Endpoint: string;
  /** The embedded endpoint's internal key, when this process serves the embedded endpoint (internal-bucket.ts). */
  ownKey?: AccessKey;
  /** The embedded endpoint's files, when this process serves it: the blob store puts and gets bytes there directly. */
  embeddedFiles?: S3FileStore;
  state: StateStore;
  jobs: JobRunner;
  /** Where pipelines send their tasks; given the blob layer's S3 client (task payloads live beside the blobs). */
  pool(blobObjects: ObjectStore): WorkerPool;
}

/**
 * The services every process of the deployment shares the shape of (an API process, a worker, the embedded
 * whole): the stores, the blob layer on the S3 endpoint, the per-account S3 clients, and the job handlers
 * registered on the job runner. Built the same way in each, so a worker runs a pipeline exactly as the embedded
 * service does.
 */
export async function buildServices(
  parts: ServiceParts,
): Promise<{ services: Services; blobObjects: ObjectStore }> {
  const { config, env, log, keys, s3Endpoint, ownKey, embeddedFiles, state, jobs, pool } = parts;
  const embedded = ownKey !== undefined;
  const externalCredentials =
    env.OPENFORECAST_S3_ACCESS_KEY_ID && env.OPENFORECAST_S3_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.OPENFORECAST_S3_ACCESS_KEY_ID,
          secretAccessKey: env.OPENFORECAST_S3_SECRET_ACCESS_KEY,
        }
      : undefined;
  if (!embedded && externalCredentials && new Set(keys.map((k) => k.accountId)).size > 1) {
    log.warn(
      "All accounts reach the external S3 with the one OPENFORECAST_S3_ACCESS_KEY_ID: accounts are not isolated from " +
        "each other in S3 (any account can import from and export to any bucket that key reaches). Leave those " +
        "variables unset to have each account use its own key on the S3 store.",
    );
  }
  const blobObjects = new ObjectStore({
    endpoint: s3Endpoint,
    region: config.s3Region,
    credentials: ownKey ?? externalCredentials ?? (keys[0] as AccessKey),
    forcePathStyle: true,
  });
  const blobs = new BlobStore({
    objects: blobObjects,
    bucket: config.blobBucket ?? DEFAULT_BLOB_BUCKET,
    scratchRoot: path.join(config.dataDir, "tmp"),
    legacyRoot: config.dataDir,
    ...(embeddedFiles ? { local: embeddedFiles } : {}),
  });
  await blobs.start();
  const objectStores = new Map<string, ObjectStore>();
  const store = state.resources;
  const services: Services = {
    config,
    store,
    iamRoles: state.iamRoles,
    jobs,
    pool: pool(blobObjects),
    tokens: await PageTokens.open(store),
    blobs,
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
  for (const [kind, handler] of Object.entries(jobHandlers(services)))
    jobs.register(kind, withInitialEstimate(services, handler, kind));
  jobs.events.add(new JobLog(log));
  return { services, blobObjects };
}
