import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { JobEnd, JobInfo, JobObserver } from "../jobs/job-events.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { RequestTally } from "./request-tally.js";

/** What the metrics read at scrape time. The store may answer asynchronously (it is becoming async). */
export interface MetricSources {
  pendingJobs(): readonly ResourceRecord[] | Promise<readonly ResourceRecord[]>;
  runningJobs(): ReadonlyMap<string, number>;
  workers: { readonly threads: number; readonly busy: number; readonly queued: number };
}

/** Request latencies from 1 ms (a Describe) to 10 s (a slow List or a stalled client). */
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
/** Job durations from a tenth of a second (a small import) to two hours (a large training). */
const JOB_BUCKETS = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200];

/**
 * The Prometheus metrics of one service process (docs/operations.md lists them). Requests are counted by the
 * gateway, jobs through the job engine's events; queue depth and worker use are read when scraped.
 */
export class ServiceMetrics implements JobObserver {
  readonly registry = new Registry();
  private readonly requests: RequestTally;
  private readonly jobs: Counter<"kind" | "operation" | "outcome">;
  private readonly jobSeconds: Histogram<"kind" | "operation" | "outcome">;
  private readonly jobsStarted: Counter<"kind" | "operation">;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    // Counted on every API request: its own cheap tallies, exposed through the same registry (request-tally.ts).
    this.requests = new RequestTally(
      this.registry,
      {
        counter: "openforecast_requests_total",
        counterHelp: "API requests answered, by service, operation and error type (empty when it succeeded).",
        histogram: "openforecast_request_duration_seconds",
        histogramHelp: "Time from receiving an API request to the end of its answer.",
      },
      REQUEST_BUCKETS,
    );
    this.jobsStarted = new Counter({
      name: "openforecast_jobs_started_total",
      help: "Jobs claimed by the job engine, by resource kind and operation (create or delete).",
      labelNames: ["kind", "operation"],
      registers,
    });
    this.jobs = new Counter({
      name: "openforecast_jobs_total",
      help: "Jobs ended, by kind, operation and outcome (ACTIVE, CREATE_FAILED, CREATE_STOPPED, deleted, ...).",
      labelNames: ["kind", "operation", "outcome"],
      registers,
    });
    this.jobSeconds = new Histogram({
      name: "openforecast_job_duration_seconds",
      help: "Time from claiming a job to its end, by kind, operation and outcome.",
      labelNames: ["kind", "operation", "outcome"],
      buckets: JOB_BUCKETS,
      registers,
    });
    new Gauge({
      name: "openforecast_job_queue_depth",
      help: "Jobs waiting to be claimed (CREATE_PENDING or DELETE_PENDING), by resource kind.",
      labelNames: ["kind"],
      registers,
      async collect() {
        this.reset();
        for (const record of await sources.pendingJobs()) this.inc({ kind: record.kind });
      },
    });
    new Gauge({
      name: "openforecast_jobs_running",
      help: "Jobs running now in this process, by resource kind.",
      labelNames: ["kind"],
      registers,
      collect() {
        this.reset();
        for (const [kind, n] of sources.runningJobs()) this.set({ kind }, n);
      },
    });
    new Gauge({
      name: "openforecast_worker_threads",
      help: "Worker threads for numeric work (training, forecasting, explaining): the pool's size.",
      registers,
      collect() {
        this.set(sources.workers.threads);
      },
    });
    new Gauge({
      name: "openforecast_worker_threads_busy",
      help: "Worker threads running a task now; divided by openforecast_worker_threads it is the utilization.",
      registers,
      collect() {
        this.set(sources.workers.busy);
      },
    });
    new Gauge({
      name: "openforecast_worker_tasks_queued",
      help: "Worker tasks waiting for a free thread.",
      registers,
      collect() {
        this.set(sources.workers.queued);
      },
    });
  }

  requestDone(service: string, operation: string, errorType: string, seconds: number): void {
    this.requests.record(service, operation, errorType, seconds);
  }

  started(job: JobInfo): void {
    this.jobsStarted.inc({ kind: job.kind, operation: job.operation });
  }

  ended(job: JobInfo, end: JobEnd): void {
    const labels = { kind: job.kind, operation: job.operation, outcome: end.outcome };
    this.jobs.inc(labels);
    this.jobSeconds.observe(labels, end.durationMs / 1000);
  }

  /** The exposition text and its content type, for GET /metrics. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
