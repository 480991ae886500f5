/**
 * The state store's interface for resources, their references, tags, settings and job leases. Two
 * implementations: SQLite in the data dir (sqlite-resource-store.ts, the embedded default) and PostgreSQL
 * (postgres-resource-store.ts, scale-out). Every method returns a Promise and is atomic on its own: one statement
 * or one short transaction inside the implementation. There is deliberately no general-purpose transaction: the
 * few places that must change several rows at once have an operation of their own (insert with guard, refs and
 * tags; complete a job together with what it publishes; claim the next job), which maps to a single statement or
 * a short lock-protected transaction in both engines and keeps concurrent requests correct on both.
 */

/** One resource as stored: the columns every kind shares, plus the kind's own attributes as JSON. */
export interface ResourceRecord {
  arn: string;
  accountId: string;
  region: string;
  kind: string;
  name: string;
  parentArn: string | null;
  status: string;
  message: string | null;
  /** Milliseconds since the epoch. */
  createdAt: number;
  modifiedAt: number;
  attrs: Record<string, unknown>;
}

export interface Scope {
  accountId: string;
  region: string;
}

/** A list query: kind within a scope, optional equality filters on columns or attributes, newest first. */
export interface ListQuery {
  kind: string;
  scope: Scope;
  /** Column (status, parentArn, arn, name) or attribute conditions; `equals: false` means IS_NOT. */
  conditions: { field: string; value: string; equals: boolean }[];
  /** Continue strictly after this (createdAt, arn) position. */
  after?: { createdAt: number; arn: string };
  limit: number;
}

export interface Tag {
  Key: string;
  Value: string;
}

/** A change to one resource: status, message, attributes (merged shallowly; an undefined value removes the key). */
export interface ResourceChange {
  status?: string;
  message?: string | null;
  attrs?: Record<string, unknown>;
  /** Stamp the modification time (default true). */
  touch?: boolean;
}

/** When a change applies: the resource is in one of these statuses and/or its lease is held by this owner. */
export interface ChangeCondition {
  status?: readonly string[];
  leaseOwner?: string;
}

/**
 * What must hold for an insert to go ahead, checked atomically with it:
 * - `noChild`: the parent has no child (of this kind, in one of these statuses, when given);
 * - `maxActive`: fewer than `limit` resources of this kind in the scope are in one of these statuses;
 * - `maxChildren`: the parent has fewer than `limit` children of this kind, whatever their status.
 */
export type InsertGuard =
  | { noChild: { parentArn: string; kind?: string; statuses?: readonly string[] } }
  | { maxActive: { kind: string; scope: Scope; statuses: readonly string[]; limit: number } }
  | { maxChildren: { parentArn: string; kind: string; limit: number } };

export interface NewResource {
  record: ResourceRecord;
  /** Outgoing references (e.g. the datasets of a dataset group). */
  refs?: readonly string[];
  tags?: readonly Tag[];
  guard?: InsertGuard;
}

export type InsertOutcome =
  | { inserted: true }
  | { inserted: false; reason: "exists" }
  /** The noChild guard failed: this child is in the way. */
  | { inserted: false; reason: "child"; child: ResourceRecord }
  /** The maxActive or maxChildren guard failed: this many are active, or children. */
  | { inserted: false; reason: "limit"; count: number };

/**
 * Rows a job publishes together with its ACTIVE status: other resources' attributes to update, and new
 * resources to insert (skipped when their name is taken or their guard fails).
 */
export interface PublishWrites {
  updates?: { arn: string; attrs: Record<string, unknown> }[];
  inserts?: NewResource[];
}

/** A job the runner claimed: the resource, now CREATE_IN_PROGRESS or DELETE_IN_PROGRESS under its lease. */
export interface ClaimedJob {
  record: ResourceRecord;
  deleting: boolean;
}

/** What a sweep for expired leases did. */
export interface RecoveredJobs {
  /** Put back to CREATE_PENDING or DELETE_PENDING, to be claimed again. */
  requeued: string[];
  /** CREATE_STOPPING resources whose runner is gone, now leased to the sweeper, which finishes the stop. */
  stopping: ResourceRecord[];
}

export interface ResourceStore {
  get(arn: string): Promise<ResourceRecord | undefined>;
  /** The resources whose parent this is, oldest first. */
  children(arn: string): Promise<ResourceRecord[]>;
  /** Resources that reference this one (e.g. dataset groups that contain a dataset), oldest first. */
  referrers(arn: string): Promise<ResourceRecord[]>;
  /** Resources in a status, oldest first. */
  withStatus(status: string): Promise<ResourceRecord[]>;
  list(query: ListQuery): Promise<ResourceRecord[]>;
  countActive(kind: string, scope: Scope, statuses: readonly string[]): Promise<number>;

  /** Inserts a resource with its references and tags, if its ARN is free and its guard holds. */
  insert(resource: NewResource): Promise<InsertOutcome>;
  /**
   * Applies a change (and, with `refs`, replaces the outgoing references) if the condition holds, so that, say,
   * a finishing job cannot overwrite a stop. Returns the new record, or undefined if not applied.
   */
  update(
    arn: string,
    change: ResourceChange,
    condition?: ChangeCondition,
    refs?: readonly string[],
  ): Promise<ResourceRecord | undefined>;
  /** Changes the status of each of these resources that is in one of `from`; returns the ARNs changed. */
  transition(arns: readonly string[], to: string, from: readonly string[]): Promise<string[]>;
  /** Applies `change` under `condition` and, only if it applied, the publish writes, all in one transaction. */
  complete(
    arn: string,
    change: ResourceChange,
    condition: ChangeCondition,
    writes?: PublishWrites,
  ): Promise<ResourceRecord | undefined>;
  delete(arn: string): Promise<boolean>;
  /** Deletes the children of a resource (not their own children); returns how many. */
  deleteChildren(arn: string): Promise<number>;

  tags(arn: string): Promise<Tag[]>;
  /** Adds or overwrites tags; false (nothing written) if the user tags would then number more than the maximum. */
  putTags(arn: string, tags: readonly Tag[], maxUserTags: number): Promise<boolean>;
  removeTags(arn: string, keys: readonly string[]): Promise<void>;

  /** A value generated once per installation (e.g. the key that signs pagination tokens). */
  setting(key: string, make: () => string): Promise<string>;

  /**
   * Claims the oldest DELETE_PENDING, else the oldest CREATE_PENDING resource (not one of `exclude`): moves it to
   * *_IN_PROGRESS and leases it to `owner` for `leaseMs`. Two runners never claim the same resource.
   */
  claimNext(owner: string, leaseMs: number, exclude: readonly string[]): Promise<ClaimedJob | undefined>;
  /**
   * Extends the leases `owner` holds on these resources. Returns the ones it still holds, with their status (a
   * CREATE_STOPPING one was stopped by some API process); a missing one was taken over after its lease expired.
   */
  renewLeases(
    owner: string,
    arns: readonly string[],
    leaseMs: number,
  ): Promise<{ arn: string; status: string }[]>;
  /**
   * Takes back work whose lease expired (or every lease, with `all`: the one runner of an embedded data dir at
   * its start): *_IN_PROGRESS back to *_PENDING, and CREATE_STOPPING leased to `owner` to finish the stop. Never
   * the jobs `owner` itself holds.
   */
  recoverExpired(owner: string, leaseMs: number, options: { all: boolean }): Promise<RecoveredJobs>;
  /** When the lease on a resource ends (ms since the epoch on the store's clock), and who holds it. */
  lease(arn: string): Promise<{ owner: string | null; until: number | null } | undefined>;
}
