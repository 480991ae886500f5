import type { Logger } from "pino";
import type { ServiceConfig } from "../config/config.js";
import type { JobRunner } from "../jobs/job-runner.js";
import type { WorkerPool } from "../jobs/worker-pool.js";
import type { BlobStore } from "../storage/blob-store.js";
import type { ObjectStore } from "../storage/object-store.js";
import type { IamRoleStore } from "../store/iam-role-store.js";
import type { ResourceStore, Scope } from "../store/resource-store.js";
import type { PageTokens } from "./pagination.js";

/** What the resource modules use; built once at start and shared by every request. */
export interface Services {
  config: ServiceConfig;
  store: ResourceStore;
  /** Roles of the IAM stand-in; Forecast RoleArns are checked against them (see checkRoleArn). */
  iamRoles: IamRoleStore;
  jobs: JobRunner;
  /** Worker threads for numeric work. */
  pool: WorkerPool;
  tokens: PageTokens;
  /** The service's own bulk data (datasets, models, forecasts, impacts) by key, and per-job scratch. */
  blobs: BlobStore;
  /** The S3 client a job uses for the given account (its own keys on the embedded endpoint). */
  objectStoreFor(accountId: string): ObjectStore;
  log: Logger;
}

/** One authenticated request: who calls, in which region, and the services. */
export interface RequestContext extends Scope {
  accessKeyId: string;
  services: Services;
}

/**
 * One operation. `Input` is the generated request type; the gateway has checked the input against the service
 * model before the handler sees it, so the handler may rely on its shape.
 */
export type OperationHandler<Input = never> = (ctx: RequestContext, input: Input) => Promise<object>;
