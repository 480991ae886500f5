import type { ResourceRecord } from "../store/resource-store.js";
import { STATUS } from "./statuses.js";

/** One job as observers see it: what it works on, for whom, and when it was claimed. */
export interface JobInfo {
  arn: string;
  kind: string;
  accountId: string;
  /** A create job builds the resource; a delete job removes it. */
  operation: "create" | "delete";
  /** performance.now() at claim time. */
  startedAt: number;
}

/**
 * How a job ended: ACTIVE, CREATE_FAILED, CREATE_STOPPED or DELETE_FAILED as the resource now says; `deleted`
 * when a delete removed it; `interrupted` when the service shut down mid-job (the next start runs it again).
 */
export interface JobEnd {
  outcome: string;
  durationMs: number;
  /** The resource after the job (absent once deleted): its attributes hold the counts a job reports. */
  record?: ResourceRecord;
}

/**
 * What the job engine tells the outside about its jobs (logs, metrics). Observers must not throw and must not
 * block: the engine calls them inline.
 */
export interface JobObserver {
  started?(job: JobInfo): void;
  progressed?(job: JobInfo, attrs: Record<string, unknown>): void;
  ended?(job: JobInfo, end: JobEnd): void;
}

/** The engine's side: fans each event out to the registered observers. Kept apart so the runner changes little. */
export class JobEvents {
  private readonly observers: JobObserver[] = [];
  private readonly jobs = new Map<string, JobInfo>();

  add(observer: JobObserver): void {
    this.observers.push(observer);
  }

  started(record: ResourceRecord, deleting: boolean): void {
    const job: JobInfo = {
      arn: record.arn,
      kind: record.kind,
      accountId: record.accountId,
      operation: deleting ? "delete" : "create",
      startedAt: performance.now(),
    };
    this.jobs.set(record.arn, job);
    for (const o of this.observers) o.started?.(job);
  }

  progressed(arn: string, attrs: Record<string, unknown>): void {
    const job = this.jobs.get(arn);
    if (job) for (const o of this.observers) o.progressed?.(job, attrs);
  }

  /** Called once the job has settled; `read` gives the resource as the store now holds it (undefined once gone). */
  async ended(
    arn: string,
    read: () => ResourceRecord | undefined | Promise<ResourceRecord | undefined>,
  ): Promise<void> {
    const job = this.jobs.get(arn);
    if (!job) return;
    this.jobs.delete(arn);
    let after: ResourceRecord | undefined;
    try {
      after = await read();
    } catch {
      // The store is closing: report the end without the resource.
      after = undefined;
    }
    const outcome = !after
      ? "deleted"
      : after.status === STATUS.CREATE_IN_PROGRESS || after.status === STATUS.DELETE_IN_PROGRESS
        ? "interrupted"
        : after.status;
    const end: JobEnd = { outcome, durationMs: performance.now() - job.startedAt, record: after };
    for (const o of this.observers) o.ended?.(job, end);
  }

  /** Jobs running now, per kind (for the metrics). */
  runningByKind(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const job of this.jobs.values()) counts.set(job.kind, (counts.get(job.kind) ?? 0) + 1);
    return counts;
  }
}
