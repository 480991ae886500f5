import { alreadyExists, inUse, invalidInput, limitExceeded, notFound } from "../errors.js";
import { DELETABLE_STATUSES, STATUS } from "../jobs/statuses.js";
import type { InsertGuard, InsertOutcome, ResourceRecord } from "../store/resource-store.js";
import { kmsKeyArnScope, parseArn, roleArnAccount } from "./arn.js";
import type { RequestContext } from "./context.js";
import { findRoleByArn } from "./iam-roles.js";

/** Amazon's limit on user tags per resource. */
export const MAX_USER_TAGS = 50;

export interface Tag {
  Key: string;
  Value: string;
}

/** Timestamps travel as epoch seconds on the wire. */
export const epochSeconds = (ms: number): number => ms / 1000;

export const KIND_LABEL: Record<string, string> = {
  "dataset-group": "dataset group",
  dataset: "dataset",
  "dataset-import-job": "dataset import job",
  predictor: "predictor",
  "predictor-backtest-export-job": "predictor backtest export job",
  forecast: "forecast",
  "forecast-export-job": "forecast export job",
  explainability: "explainability",
  "explainability-export": "explainability export",
  monitor: "monitor",
  "what-if-analysis": "what-if analysis",
  "what-if-forecast": "what-if forecast",
  "what-if-forecast-export": "what-if forecast export",
};

/** Record kinds that exist only inside the service (see monitor-evaluations.ts). */
const INTERNAL_KINDS = new Set(["monitor-check", "monitor-evaluation"]);

/**
 * The caller's resource with this ARN. A resource of another account or region is reported as missing, exactly
 * like one that does not exist, so that nothing leaks across accounts.
 */
export async function findResource(ctx: RequestContext, arn: string): Promise<ResourceRecord | undefined> {
  const parsed = parseArn(arn);
  if (!parsed || parsed.accountId !== ctx.accountId || parsed.region !== ctx.region) return undefined;
  const record = await ctx.services.store.get(arn);
  if (!record || record.accountId !== ctx.accountId || record.region !== ctx.region) return undefined;
  // Monitor evaluations and the jobs that make them are internal records, never resources a client names.
  if (INTERNAL_KINDS.has(record.kind)) return undefined;
  return record;
}

/**
 * The ResourceNotFoundException Amazon answers for an ARN that names nothing the caller owns, in its words
 * ("No resource found <arn>", as recorded by moto's Forecast tests), which clients may match on.
 */
export const resourceNotFound = (arn: string) => notFound(`No resource found ${arn}`);

/** Like findResource, but the resource must exist and be of one of the given kinds. */
export async function requireResource(
  ctx: RequestContext,
  arn: string,
  kinds: readonly string[],
): Promise<ResourceRecord> {
  const record = await findResource(ctx, arn);
  if (!record || !kinds.includes(record.kind)) throw resourceNotFound(arn);
  return record;
}

/**
 * Inserts a new record with its references and creation tags (checked by checkUserTags beforehand), in one
 * atomic step, or answers ResourceAlreadyExistsException naming the taken name. With a guard, the outcome of a
 * failed guard is returned for the caller to turn into its own error; otherwise the outcome is `inserted`.
 */
export async function insertNew(
  ctx: RequestContext,
  record: ResourceRecord,
  options: { refs?: readonly string[]; tags?: readonly Tag[]; guard?: InsertGuard } = {},
): Promise<InsertOutcome> {
  const outcome = await ctx.services.store.insert({ record, ...options });
  if (!outcome.inserted && outcome.reason === "exists") {
    // Amazon's wording, as moto's Forecast backend records it.
    throw alreadyExists(
      `A ${KIND_LABEL[record.kind] ?? record.kind} already exists with the arn: ${record.arn}`,
    );
  }
  return outcome;
}

/**
 * The checks that open a Create operation on a resource made from another, in this order: the creation tags
 * (checkUserTags), the parent among the caller's resources of `kinds` (requireResource), the kind's own refusals of
 * that parent (`check`), and the parent ACTIVE, else ResourceInUseException saying who needs it so ("forecasts").
 */
export async function checkCreate(
  ctx: RequestContext,
  input: {
    tags: readonly Tag[] | undefined;
    parentArn: string;
    kinds: readonly string[];
    needs: string;
    check?: (parent: ResourceRecord) => void;
  },
): Promise<{ tags: readonly Tag[]; parent: ResourceRecord }> {
  const tags = checkUserTags(input.tags);
  const parent = await requireResource(ctx, input.parentArn, input.kinds);
  input.check?.(parent);
  if (parent.status !== STATUS.ACTIVE) {
    throw inUse(
      `The ${KIND_LABEL[parent.kind] ?? parent.kind} ${parent.arn} is ${parent.status}; ${input.needs} need it ACTIVE.`,
    );
  }
  return { tags, parent };
}

/**
 * The end of a Create operation whose resource is a job: the record goes in CREATE_PENDING under its parent, with
 * its creation tags (checked by checkUserTags beforehand) and guard, atomically (insertNew), and the job runner is
 * woken. The outcome of a failed guard is returned for the caller to turn into its own error.
 */
export async function createJob(
  ctx: RequestContext,
  fields: { arn: string; kind: string; name: string; parentArn: string; attrs: object },
  options: { tags: readonly Tag[]; refs?: readonly string[]; guard?: InsertGuard },
): Promise<InsertOutcome> {
  const record = newRecord(ctx, { ...fields, status: STATUS.CREATE_PENDING });
  const outcome = await insertNew(ctx, record, options);
  if (outcome.inserted) ctx.services.jobs.kick();
  return outcome;
}

/**
 * DeleteX of a resource whose creation was a job: refused while `dependent` (what must go first, and how it relates,
 * "is used by") exists, or while the job runs (ResourceInUseException); otherwise its deletion is queued.
 */
export async function deleteJobResource(
  ctx: RequestContext,
  record: ResourceRecord,
  dependent?: { relation: string; record: ResourceRecord | undefined },
): Promise<void> {
  const label = KIND_LABEL[record.kind] ?? record.kind;
  if (dependent?.record) {
    const blocker = dependent.record;
    throw inUse(
      `The ${label} ${record.arn} ${dependent.relation} the ${KIND_LABEL[blocker.kind] ?? blocker.kind} ` +
        `${blocker.arn}; delete that first, or the whole tree with DeleteResourceTree.`,
    );
  }
  if (!(await ctx.services.jobs.delete(record.arn, DELETABLE_STATUSES))) {
    throw inUse(`The ${label} ${record.arn} is ${record.status}; stop it or wait before deleting it.`);
  }
}

/** Tags a user may write: at most 50 and none under the reserved aws: prefix. */
export function checkUserTags(tags: readonly Tag[] | undefined): readonly Tag[] {
  const list = tags ?? [];
  for (const tag of list) {
    if (tag.Key.toLowerCase().startsWith("aws:")) {
      throw invalidInput(`Tag keys starting with "aws:" are reserved for AWS use: ${tag.Key}.`);
    }
  }
  if (new Set(list.map((t) => t.Key)).size > MAX_USER_TAGS) {
    throw limitExceeded(`A resource can have at most ${MAX_USER_TAGS} tags; ${list.length} were given.`);
  }
  return list;
}

/** A role passed for S3 access must be an IAM role of the caller's own account. */
export async function checkRoleArn(ctx: RequestContext, roleArn: string): Promise<void> {
  const account = roleArnAccount(roleArn);
  if (account === undefined) throw invalidInput(`${roleArn} is not an IAM role ARN.`);
  if (account !== ctx.accountId) {
    throw invalidInput(
      `Passing a role across accounts is not allowed: the role ${roleArn} belongs to account ${account}, ` +
        `the request comes from account ${ctx.accountId}.`,
    );
  }
  // Accounts that never used the IAM stand-in keep working with any role ARN of their own; once an account has
  // roles, a RoleArn must name one of them, as on AWS (docs/decisions.md, "STS and IAM").
  if ((await ctx.services.iamRoles.count(ctx.accountId)) > 0 && !(await findRoleByArn(ctx, roleArn))) {
    throw invalidInput(
      `Could not assume the role ${roleArn}: account ${ctx.accountId} has no such IAM role. Create it with ` +
        "CreateRole, or pass the ARN of one of the account's roles.",
    );
  }
}

/** A KMS key must be one of the caller's account and region. */
export function checkKmsKeyArn(ctx: RequestContext, keyArn: string): void {
  const scope = kmsKeyArnScope(keyArn);
  if (!scope) throw invalidInput(`${keyArn} is not a KMS key ARN.`);
  if (scope.accountId !== ctx.accountId || scope.region !== ctx.region) {
    throw invalidInput(
      `The KMS key ${keyArn} must belong to account ${ctx.accountId} in region ${ctx.region}, where the request comes from.`,
    );
  }
}

let lastCreatedAt = 0;

/**
 * Creation times strictly increase within the process, so that "newest first" is a total order even for
 * resources created in the same millisecond.
 */
export function nextCreationTime(): number {
  lastCreatedAt = Math.max(Date.now(), lastCreatedAt + 1);
  return lastCreatedAt;
}

/** A new record in the caller's scope, with the common columns filled. */
export function newRecord(
  ctx: RequestContext,
  fields: {
    arn: string;
    kind: string;
    name: string;
    parentArn?: string | null;
    status: string;
    attrs: object;
  },
): ResourceRecord {
  const now = nextCreationTime();
  return {
    arn: fields.arn,
    accountId: ctx.accountId,
    region: ctx.region,
    kind: fields.kind,
    name: fields.name,
    parentArn: fields.parentArn ?? null,
    status: fields.status,
    message: null,
    createdAt: now,
    modifiedAt: now,
    attrs: fields.attrs as Record<string, unknown>,
  };
}
