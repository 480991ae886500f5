import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import type { Logger } from "pino";
import type { PublishWrites, ResourceRecord, ResourceStore } from "../store/resource-store.js";
import { JobEvents } from "./job-events.js";
import { jobScope } from "./job-scope.js";
import { internalRoots, publicMessage } from "./public-message.js";
import { STATUS } from "./statuses.js";

/** A failure whose message is meant for the user: it becomes the resource's `Message` as it is. */
export class JobFailure extends Error {}

export interface JobContext {
  /** The resource as it was when the job was claimed. */
  record: ResourceRecord;
  /** Aborted when the user stops the resource or the service shuts down. */
  signal: AbortSignal;
  /** Records progress attributes (e.g. EstimatedTimeRemainingInMinutes) without changing the status. */
  progress(attrs: Record<string, unknown>): Promise<void>;
}

export interface JobHandler {
  /** Does the work. Resolves with attributes to store on the now ACTIVE resource. */
  run(ctx: JobContext): Promise<Record<string, unknown> | undefined>;
  /**
   * What the job publishes besides its own attributes (say, a dataset's current data file): written in the
   * transaction that makes the resource ACTIVE, so that it becomes visible at the same instant.
   */
  publish?(record: ResourceRecord, result: Record<string, unknown> | undefined): Promise<PublishWrites>;
  /** Removes what a failed or stopped run left behind. Must tolerate running twice. */
  cleanup?(record: ResourceRecord): Promise<void>;
  /** Removes a deleted resource's data. Must tolerate running twice. */
  remove?(record: ResourceRecord): Promise<void>;
}

const SHUTDOWN = "shutdown";
const STOP = "stop";
/** Another runner took the job over after this one's lease expired: leave everything to it. */
const LEASE_LOST = "lease-lost";

export interface JobRunnerOptions {
  /** How long a claim holds without a heartbeat (default 60 s). */
  leaseMs?: number;
  /** How often leases are renewed (default a third of the lease). */
  heartbeatMs?: number;
  /**
   * How often, when other runners share the store, expired leases are looked for and waiting jobs polled
   * (default a tenth of the lease, at most 5 s).
   */
  sweepMs?: number;
  /**
   * The only runner on this store (embedded SQLite, whose data dir is locked to one process): at start it takes
   * back every interrupted job at once, without waiting for leases to expire, and it never sweeps.
   */
  singleRunner?: boolean;
  /** Directories whose paths never reach a client in a Message (see public-message.ts). */
  dataDir?: string;
  /**
   * False for an API process of a scale-out deployment: it records jobs (a CREATE_PENDING resource is a job
   * waiting), stops and deletes them, and never claims one; the worker processes do.
   */
  runsJobs?: boolean;
}

/**
 * The durable job engine. The queue is the store itself: a resource in CREATE_PENDING is a job waiting, one in
 * CREATE_IN_PROGRESS is running under a runner's lease, DELETE_PENDING is a delete waiting. A runner claims a job
 * with a lease and renews it while it works; when a lease expires (the runner died, kill -9 or host gone), any
 * runner's sweep puts the job back to waiting and it runs again from the start. Handlers write their output under
 * temporary names and publish it in the ACTIVE transaction, which makes re-running safe; every write a runner
 * makes about a job it claimed requires that it still holds the lease, so a runner that lost its job (a long
 * pause) cannot overwrite the work of the one that took it over.
 */
export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly running = new Map<string, AbortController>();
  private readonly finished = new Map<string, Promise<void>>();
  readonly owner = `runner-${randomUUID()}`;
  private heartbeat?: NodeJS.Timeout;
  private sweeper?: NodeJS.Timeout;
  private closed = false;
  private kicking?: Promise<void>;
  private kickAgain = false;
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly sweepMs: number;
  private readonly singleRunner: boolean;
  private readonly runsJobs: boolean;
  /** Jobs this runner took back from another runner whose lease expired (for tests and metrics). */
  recovered = 0;
  /** Start, progress and end of every job, for the logs and metrics (see job-events.ts). */
  readonly events = new JobEvents();

  /** Directories whose paths never reach a client in a Message (see public-message.ts). */
  private readonly internalPaths: readonly string[];

  constructor(
    private readonly store: ResourceStore,
    private readonly concurrency: number,
    private readonly log: Logger,
    options: JobRunnerOptions = {},
  ) {
    this.internalPaths = internalRoots(options.dataDir);
    this.leaseMs = options.leaseMs ?? 60_000;
    this.heartbeatMs = options.heartbeatMs ?? Math.floor(this.leaseMs / 3);
    this.sweepMs = options.sweepMs ?? Math.min(5_000, Math.floor(this.leaseMs / 10));
    this.singleRunner = options.singleRunner ?? false;
    this.runsJobs = options.runsJobs ?? true;
  }

  /**
   * Every failure a client can read goes through here: whatever a handler threw (ours, DuckDB's, the file
   * system's), its message is stripped of this installation's paths before it is stored.
   */
  private async failed(arn: string, status: string, message: string, expected?: string[]): Promise<void> {
    await this.store.update(
      arn,
      { status, message: publicMessage(message, this.internalPaths) },
      { status: expected, leaseOwner: this.owner },
    );
  }

  register(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  /**
   * Takes over work interrupted by a previous process and starts the heartbeat. The single runner of an embedded
   * data dir takes back every interrupted job at once (no other process can hold one); runners sharing a store
   * take back only jobs whose lease has expired, now and then by a periodic sweep.
   */
  async start(): Promise<void> {
    if (!this.runsJobs) return;
    await this.sweep(this.singleRunner);
    this.heartbeat = setInterval(() => void this.renewLeases(), this.heartbeatMs);
    this.heartbeat.unref();
    if (!this.singleRunner) {
      this.sweeper = setInterval(() => void this.sweep(false), this.sweepMs);
      this.sweeper.unref();
    }
  }

  /** Takes back jobs whose runner is gone, finishes their stops, and starts waiting jobs. */
  private async sweep(all: boolean): Promise<void> {
    if (this.closed) return;
    try {
      const { requeued, stopping } = await this.store.recoverExpired(this.owner, this.leaseMs, { all });
      for (const arn of requeued) {
        this.recovered++;
        this.log.info({ arn }, "taking over a job whose runner is gone; it runs again from the start");
      }
      for (const record of stopping) void this.finishStop(record);
    } catch (error) {
      this.log.error({ err: error }, "lease sweep failed");
    }
    this.kick();
  }

  /** Starts as many waiting jobs as the concurrency allows. Call after inserting a CREATE_PENDING resource. */
  kick(): void {
    if (this.closed || !this.runsJobs) return;
    if (this.kicking) {
      this.kickAgain = true;
      return;
    }
    this.kicking = this.fill()
      .catch((error: unknown) => this.log.error({ err: error }, "claiming a job failed"))
      .finally(() => {
        this.kicking = undefined;
        if (this.kickAgain) {
          this.kickAgain = false;
          this.kick();
        }
      });
  }

  private async fill(): Promise<void> {
    while (!this.closed && this.running.size < this.concurrency) {
      const next = await this.store.claimNext(this.owner, this.leaseMs, [...this.running.keys()]);
      if (!next) return;
      this.launch(next.record, next.deleting);
    }
  }

  /** Resolves when the claims under way have been made (for tests). */
  async idle(): Promise<void> {
    while (this.kicking) await this.kicking;
  }

  /**
   * Stops a job: a waiting one is stopped at once; a running one ends CREATE_STOPPED once its runner (this
   * process's at once, another's at its next heartbeat) has aborted it and cleaned up.
   */
  async stop(arn: string): Promise<void> {
    const pending = await this.store.update(
      arn,
      { status: STATUS.CREATE_STOPPED },
      { status: [STATUS.CREATE_PENDING] },
    );
    if (pending) return;
    const stopping = await this.store.update(
      arn,
      { status: STATUS.CREATE_STOPPING },
      { status: [STATUS.CREATE_IN_PROGRESS] },
    );
    if (stopping) this.running.get(arn)?.abort(STOP);
  }

  /** Marks a resource for deletion; the runner removes its data and then its record. */
  async delete(arn: string, fromStatuses: readonly string[]): Promise<boolean> {
    return (await this.deleteAll([arn], fromStatuses)).length > 0;
  }

  /** Marks these resources (those in one of the statuses) for deletion at once; returns the ARNs marked. */
  async deleteAll(arns: readonly string[], fromStatuses: readonly string[]): Promise<string[]> {
    const marked = await this.store.transition(arns, STATUS.DELETE_PENDING, fromStatuses);
    if (marked.length > 0) this.kick();
    return marked;
  }

  /** Resolves when the job for this ARN (if running) has settled. For tests and shutdown. */
  async settled(arn: string): Promise<void> {
    await this.finished.get(arn);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.sweeper) clearInterval(this.sweeper);
    await this.kicking;
    for (const controller of this.running.values()) controller.abort(SHUTDOWN);
    await Promise.allSettled([...this.finished.values()]);
  }

  /**
   * Renews this runner's leases. A job whose lease is gone was taken over by another runner (this one paused
   * longer than a lease): it is abandoned without a write. A job now CREATE_STOPPING was stopped through another
   * API process: it is aborted here, where it runs.
   */
  private async renewLeases(): Promise<void> {
    const arns = [...this.running.keys()];
    if (arns.length === 0 || this.closed) return;
    try {
      const held = new Map(
        (await this.store.renewLeases(this.owner, arns, this.leaseMs)).map((h) => [h.arn, h.status]),
      );
      for (const arn of arns) {
        const status = held.get(arn);
        const controller = this.running.get(arn);
        if (!controller || controller.signal.aborted) continue;
        if (status === undefined) {
          this.log.warn({ arn }, "lost the lease on a job to another runner; abandoning it here");
          controller.abort(LEASE_LOST);
        } else if (status === STATUS.CREATE_STOPPING) {
          controller.abort(STOP);
        }
      }
    } catch (error) {
      this.log.error({ err: error }, "renewing job leases failed");
    }
  }

  private launch(record: ResourceRecord, deleting: boolean): void {
    const controller = new AbortController();
    // A job hands its signal to many parallel worker tasks, each listening for the abort.
    setMaxListeners(0, controller.signal);
    this.running.set(record.arn, controller);
    this.events.started(record, deleting);
    const work = (deleting ? this.runDelete(record) : this.runCreate(record, controller))
      .catch((error: unknown) => this.log.error({ err: error, arn: record.arn }, "job engine error"))
      .finally(() => {
        void this.events.ended(record.arn, () => this.store.get(record.arn));
        this.running.delete(record.arn);
        this.finished.delete(record.arn);
        this.kick();
      });
    this.finished.set(record.arn, work);
  }

  private handlerFor(record: ResourceRecord): JobHandler | undefined {
    return this.handlers.get(record.kind);
  }

  private async runCreate(record: ResourceRecord, controller: AbortController): Promise<void> {
    const handler = this.handlerFor(record);
    if (!handler) {
      await this.failed(record.arn, STATUS.CREATE_FAILED, `No job handler for ${record.kind}.`);
      return;
    }
    const ctx: JobContext = {
      record,
      signal: controller.signal,
      // Progress is advisory: a failed write is logged, never a reason to fail the job.
      progress: (attrs) => {
        this.events.progressed(record.arn, attrs);
        return this.store
          .update(
            record.arn,
            { attrs, touch: false },
            { status: [STATUS.CREATE_IN_PROGRESS], leaseOwner: this.owner },
          )
          .then(
            () => undefined,
            (error: unknown) => this.log.warn({ err: error, arn: record.arn }, "recording progress failed"),
          );
      },
    };
    try {
      const result = await jobScope.run({ arn: record.arn }, () => handler.run(ctx));
      if (controller.signal.aborted) throw controller.signal.reason;
      const published = await this.store.complete(
        record.arn,
        { status: STATUS.ACTIVE, message: null, attrs: { ...result, EstimatedTimeRemainingInMinutes: 0 } },
        { status: [STATUS.CREATE_IN_PROGRESS], leaseOwner: this.owner },
        await handler.publish?.(record, result),
      );
      if (!published) await this.finishStop(record, handler);
    } catch (error) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
      // Shut down: left CREATE_IN_PROGRESS on purpose, the next start (or another runner) runs it again. Lease
      // lost: the runner that took it over owns its files and its status now.
      if (reason === SHUTDOWN || reason === LEASE_LOST) return;
      if (reason === STOP) {
        await this.finishStop(record, handler);
        return;
      }
      await handler.cleanup?.(record).catch((e: unknown) => this.log.warn({ err: e }, "cleanup failed"));
      const message =
        error instanceof JobFailure
          ? error.message
          : `Internal error while creating the resource: ${error instanceof Error ? error.message : String(error)}`;
      if (!(error instanceof JobFailure))
        this.log.error({ err: error, arn: record.arn }, "job failed unexpectedly");
      await this.failed(record.arn, STATUS.CREATE_FAILED, message, [STATUS.CREATE_IN_PROGRESS]);
    }
  }

  /** Cleans up after a stopped job and marks it CREATE_STOPPED, if this runner still holds it. */
  private async finishStop(record: ResourceRecord, handler = this.handlerFor(record)): Promise<void> {
    const lease = await this.store.lease(record.arn);
    if (lease?.owner !== this.owner) return;
    await handler?.cleanup?.(record).catch((e: unknown) => this.log.warn({ err: e }, "cleanup failed"));
    await this.store.update(
      record.arn,
      { status: STATUS.CREATE_STOPPED, message: "Stopped by StopResource." },
      { status: [STATUS.CREATE_STOPPING, STATUS.CREATE_IN_PROGRESS], leaseOwner: this.owner },
    );
  }

  private async runDelete(record: ResourceRecord): Promise<void> {
    const handler = this.handlerFor(record);
    try {
      await handler?.remove?.(record);
      await this.store.delete(record.arn);
    } catch (error) {
      this.log.error({ err: error, arn: record.arn }, "delete failed");
      await this.failed(
        record.arn,
        STATUS.DELETE_FAILED,
        `Delete failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
