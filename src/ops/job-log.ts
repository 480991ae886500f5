import type { Logger } from "pino";
import type { JobEnd, JobInfo, JobObserver } from "../jobs/job-events.js";

/** A job's progress is logged at most this often (a training reports after every chunk of series). */
const PROGRESS_EVERY_MS = 10_000;

/** The sizes a finished job reports in its attributes, under the names the log uses (docs/operations.md). */
export function jobCounts(attrs: Record<string, unknown> | undefined): {
  series?: number;
  rows?: number;
  files?: number;
} {
  if (!attrs) return {};
  const number = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  const files = Array.isArray(attrs.ExportedObjects) ? attrs.ExportedObjects.length : undefined;
  const counts = {
    series: number(attrs.ItemCount) ?? number(attrs.SeriesCount),
    rows: number(attrs.RowCount) ?? number(attrs.ExportedRows),
    files,
  };
  return Object.fromEntries(Object.entries(counts).filter(([, v]) => v !== undefined));
}

/**
 * Structured log lines for every job: `job.start`, `job.progress` (throttled), `job.end`, and `job.failed` at
 * warn level, each with the job's ARN, account, kind and operation; the end with its duration and counts.
 */
export class JobLog implements JobObserver {
  private readonly lastProgress = new Map<string, number>();

  constructor(private readonly log: Logger) {}

  private fields(job: JobInfo) {
    return { arn: job.arn, account: job.accountId, kind: job.kind, operation: job.operation };
  }

  started(job: JobInfo): void {
    this.log.info({ event: "job.start", ...this.fields(job) }, `${job.kind} ${job.operation} started`);
  }

  progressed(job: JobInfo, attrs: Record<string, unknown>): void {
    const now = performance.now();
    const last = this.lastProgress.get(job.arn);
    if (last !== undefined && now - last < PROGRESS_EVERY_MS) return;
    this.lastProgress.set(job.arn, now);
    this.log.info(
      {
        event: "job.progress",
        ...this.fields(job),
        elapsedMs: Math.round(now - job.startedAt),
        estimatedMinutesRemaining: attrs.EstimatedTimeRemainingInMinutes,
      },
      `${job.kind} ${job.operation} in progress`,
    );
  }

  ended(job: JobInfo, end: JobEnd): void {
    this.lastProgress.delete(job.arn);
    const failed = end.outcome === "CREATE_FAILED" || end.outcome === "DELETE_FAILED";
    const entry = {
      event: failed ? "job.failed" : "job.end",
      ...this.fields(job),
      outcome: end.outcome,
      durationMs: Math.round(end.durationMs),
      ...jobCounts(end.record?.attrs),
      ...(failed ? { message: end.record?.message ?? undefined } : {}),
    };
    if (failed) this.log.warn(entry, `${job.kind} ${job.operation} failed`);
    else this.log.info(entry, `${job.kind} ${job.operation} ended: ${end.outcome}`);
  }
}
