import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import type { Logger } from "pino";
import type { ResourceRecord, ResourceStore } from "../store/resource-store.js";
import { JobEvents } from "./job-events.js";
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
  progress(attrs: Record<string, unknown>): void;
}

export interface JobHandler {
  /** Does the work. Resolves with attributes to store on the now ACTIVE resource. */
  run(ctx: JobContext): Promise<Record<string, unknown> | undefined>;
  /**
   * Runs inside the transaction that makes the resource ACTIVE, so that what the job publishes (say, a dataset's
   * current data file) becomes visible at the same instant as the ACTIVE status.
   */
  publish?(record: ResourceRecord, result: Record<string, unknown> | undefined): void;
  /** Removes what a failed or stopped run left behind. Must tolerate running twice. */
  cleanup?(record: ResourceRecord): Promise<void>;
  /** Removes a deleted resource's data. Must tolerate running twice. */
  remove?(record: ResourceRecord): Promise<void>;
}

const SHUTDOWN = "shutdown";
const STOP = "stop";
const LEASE_MS = 60_000;

/**
 * The durable job engine. The queue is the store itself: a resource in CREATE_PENDING is a job waiting, one in
 * CREATE_IN_PROGRESS is running under this runner's lease, DELETE_PENDING is a delete waiting. So a restart, even
 * after kill -9, finds every interrupted job by its status and runs it again from the start; handlers write their
 * output under temporary names and publish it in the ACTIVE transaction, which makes re-running safe.
 */
export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly running = new Map<string, AbortController>();
  private readonly finished = new Map<string, Promise<void>>();
  private readonly owner = `runner-${randomUUID()}`;
  private heartbeat?: NodeJS.Timeout;
  private closed = false;
  /** Start, progress and end of every job, for the logs and metrics (see job-events.ts). */
  readonly events = new JobEvents();

  /** Directories whose paths never reach a client in a Message (see public-message.ts). */
  private readonly internalPaths: readonly string[];

  constructor(
    private readonly store: ResourceStore,
    private readonly concurrency: number,
    private readonly log: Logger,
    dataDir?: string,
  ) {
    this.internalPaths = internalRoots(dataDir);
  }

  /**
   * Every failure a client can read goes through here: whatever a handler threw (ours, DuckDB's, the file
   * system's), its message is stripped of this installation's paths before it is stored.
   */
  private failed(arn: string, status: string, message: string, expected?: string[]): void {
    this.store.update(arn, { status, message: publicMessage(message, this.internalPaths) }, expected);
  }

  register(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Takes over work interrupted by a previous process and starts the heartbeat. */
  start(): void {
    for (const record of this.store.withStatus(STATUS.CREATE_IN_PROGRESS)) {
      this.log.info(
        { arn: record.arn },
        "resuming a job interrupted by a restart; it runs again from the start",
      );
      this.store.update(record.arn, { status: STATUS.CREATE_PENDING, touch: false }, [
        STATUS.CREATE_IN_PROGRESS,
      ]);
    }
    for (const record of this.store.withStatus(STATUS.CREATE_STOPPING)) {
      void this.finishStop(record);
    }
    for (const record of this.store.withStatus(STATUS.DELETE_IN_PROGRESS)) {
      this.store.update(record.arn, { status: STATUS.DELETE_PENDING, touch: false }, [
        STATUS.DELETE_IN_PROGRESS,
      ]);
    }
    this.heartbeat = setInterval(() => this.renewLeases(), LEASE_MS / 3);
    this.heartbeat.unref();
    this.kick();
  }

  /** Starts as many waiting jobs as the concurrency allows. Call after inserting a CREATE_PENDING resource. */
  kick(): void {
    if (this.closed) return;
    while (this.running.size < this.concurrency) {
      const next = this.claimNext();
      if (!next) return;
      this.launch(next);
    }
  }

  /** Stops a job: a waiting one is stopped at once; a running one is aborted and ends CREATE_STOPPED. */
  stop(arn: string): void {
    const pending = this.store.update(arn, { status: STATUS.CREATE_STOPPED }, [STATUS.CREATE_PENDING]);
    if (pending) return;
    const stopping = this.store.update(arn, { status: STATUS.CREATE_STOPPING }, [STATUS.CREATE_IN_PROGRESS]);
    if (stopping) this.running.get(arn)?.abort(STOP);
  }

  /** Marks a resource for deletion; the runner removes its data and then its record. */
  delete(arn: string, fromStatuses: readonly string[]): boolean {
    const marked = this.store.update(arn, { status: STATUS.DELETE_PENDING }, fromStatuses);
    if (marked) this.kick();
    return marked !== undefined;
  }

  /** Resolves when the job for this ARN (if running) has settled. For tests and shutdown. */
  async settled(arn: string): Promise<void> {
    await this.finished.get(arn);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const controller of this.running.values()) controller.abort(SHUTDOWN);
    await Promise.allSettled([...this.finished.values()]);
  }

  private claimNext(): { record: ResourceRecord; deleting: boolean } | undefined {
    return this.store.transaction(() => {
      for (const [from, to, deleting] of [
        [STATUS.DELETE_PENDING, STATUS.DELETE_IN_PROGRESS, true],
        [STATUS.CREATE_PENDING, STATUS.CREATE_IN_PROGRESS, false],
      ] as const) {
        const candidates = this.store.withStatus(from).filter((r) => !this.running.has(r.arn));
        const record = candidates[0];
        if (!record) continue;
        this.store.setLease(record.arn, this.owner, Date.now() + LEASE_MS);
        const claimed = this.store.update(record.arn, { status: to }, [from]);
        if (claimed) return { record: claimed, deleting };
      }
      return undefined;
    });
  }

  private renewLeases(): void {
    const stmt = this.store.db.prepare(
      "UPDATE resources SET lease_until = ? WHERE arn = ? AND lease_owner = ?",
    );
    for (const arn of this.running.keys()) stmt.run(Date.now() + LEASE_MS, arn, this.owner);
  }

  private launch(claim: { record: ResourceRecord; deleting: boolean }): void {
    const { record } = claim;
    const controller = new AbortController();
    // A job hands its signal to many parallel worker tasks, each listening for the abort.
    setMaxListeners(0, controller.signal);
    this.running.set(record.arn, controller);
    this.events.started(record, claim.deleting);
    const work = (claim.deleting ? this.runDelete(record) : this.runCreate(record, controller))
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
      this.failed(record.arn, STATUS.CREATE_FAILED, `No job handler for ${record.kind}.`);
      return;
    }
    const ctx: JobContext = {
      record,
      signal: controller.signal,
      progress: (attrs) => {
        this.store.update(record.arn, { attrs, touch: false }, [STATUS.CREATE_IN_PROGRESS]);
        this.events.progressed(record.arn, attrs);
      },
    };
    try {
      const result = await handler.run(ctx);
      if (controller.signal.aborted) throw controller.signal.reason;
      const published = this.store.transaction(() => {
        const active = this.store.update(
          record.arn,
          { status: STATUS.ACTIVE, message: null, attrs: { ...result, EstimatedTimeRemainingInMinutes: 0 } },
          [STATUS.CREATE_IN_PROGRESS],
        );
        if (active) handler.publish?.(active, result);
        return active;
      });
      if (!published) await this.finishStop(record, handler);
    } catch (error) {
      if (controller.signal.aborted && controller.signal.reason === SHUTDOWN) {
        // Left CREATE_IN_PROGRESS on purpose: the next start runs it again.
        return;
      }
      await handler.cleanup?.(record).catch((e: unknown) => this.log.warn({ err: e }, "cleanup failed"));
      if (controller.signal.aborted && controller.signal.reason === STOP) {
        await this.finishStop(record);
        return;
      }
      const message =
        error instanceof JobFailure
          ? error.message
          : `Internal error while creating the resource: ${error instanceof Error ? error.message : String(error)}`;
      if (!(error instanceof JobFailure))
        this.log.error({ err: error, arn: record.arn }, "job failed unexpectedly");
      this.failed(record.arn, STATUS.CREATE_FAILED, message, [STATUS.CREATE_IN_PROGRESS]);
    }
  }

  private async finishStop(record: ResourceRecord, handler = this.handlerFor(record)): Promise<void> {
    await handler?.cleanup?.(record).catch((e: unknown) => this.log.warn({ err: e }, "cleanup failed"));
    this.store.update(record.arn, { status: STATUS.CREATE_STOPPED, message: "Stopped by StopResource." }, [
      STATUS.CREATE_STOPPING,
      STATUS.CREATE_IN_PROGRESS,
    ]);
  }

  private async runDelete(record: ResourceRecord): Promise<void> {
    const handler = this.handlerFor(record);
    try {
      await handler?.remove?.(record);
      this.store.delete(record.arn);
    } catch (error) {
      this.log.error({ err: error, arn: record.arn }, "delete failed");
      this.failed(
        record.arn,
        STATUS.DELETE_FAILED,
        `Delete failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
