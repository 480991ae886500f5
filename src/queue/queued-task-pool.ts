import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { jobScope } from "../jobs/job-scope.js";
import type { TaskInput, TaskResult, WorkerPool } from "../jobs/worker-pool.js";
import type { WorkerTaskName } from "../jobs/worker-tasks.js";
import type { PgBoss } from "./pg-boss.js";
import { decodeTaskValue, encodeTaskValue } from "./task-codec.js";
import type { TaskPayloads } from "./task-payloads.js";
import { TASK_QUEUE, type TaskMessage, type TaskOutcome } from "./task-queue.js";

/** How often a waiting task's state is read from the queue. */
const POLL_MS = 400;

/**
 * The scale-out WorkerPool: a task is put on the pg-boss queue for any worker process, its input in object
 * storage under a fresh task id (only the id travels in the message), and its result read back from object
 * storage once a worker has finished it. Aborting the signal cancels the queued task, which the worker running
 * it notices within a second (task-executor.ts) wherever it runs.
 */
export class QueuedTaskPool implements WorkerPool {
  private closed = false;
  /** Tasks run on worker hosts: nothing they write to local disk reaches the caller. */
  readonly sharesDisk = false;
  /** Tasks of this process on the queue now; the rest wait here, unencoded (see run). */
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  /** Tasks of this process on the queue (sent, not yet finished by a worker). */
  get busy(): number {
    return this.inFlight;
  }

  /** Tasks of this process waiting for a place on the queue. */
  get queued(): number {
    return this.waiting.length;
  }

  constructor(
    private readonly boss: PgBoss,
    private readonly payloads: TaskPayloads,
    /**
     * The parallelism pipelines plan for (how many chunks a training is cut into depends on it): a setting, never
     * the count of workers alive, so that a run's chunks and therefore its results do not depend on which workers
     * happened to be up.
     */
    readonly threads: number,
    private readonly log: Logger,
  ) {}

  /**
   * At most twice `threads` tasks of this process are on the queue at once: a training of 1,000,000 series has
   * 4,000 chunks, and encoding, uploading and polling them all at once would cost memory, S3 space and database
   * queries in proportion to the series count rather than to the deployment's parallelism.
   */
  async run<N extends WorkerTaskName>(
    name: N,
    input: TaskInput<N>,
    signal?: AbortSignal,
  ): Promise<TaskResult<N>> {
    signal?.throwIfAborted();
    while (this.inFlight >= 2 * this.threads) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (signal?.aborted) {
        // The free place this wake-up was for goes to the next waiting task.
        this.waiting.shift()?.();
        throw signal.reason;
      }
    }
    this.inFlight++;
    try {
      return await this.runQueued(name, input, signal);
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  private async runQueued<N extends WorkerTaskName>(
    name: N,
    input: TaskInput<N>,
    signal?: AbortSignal,
  ): Promise<TaskResult<N>> {
    const taskId = randomUUID();
    await this.payloads.put(this.payloads.inputKey(taskId), encodeTaskValue(input));
    try {
      const message: TaskMessage = { taskId, name, jobArn: jobScope.getStore()?.arn };
      const jobId = await this.boss.send(TASK_QUEUE, message);
      if (!jobId) throw new Error(`the queue refused task ${name}`);
      const outcome = await this.outcome(jobId, signal);
      if (outcome.error) {
        const error = new Error(outcome.error.message);
        error.name = outcome.error.name;
        throw error;
      }
      return decodeTaskValue<TaskResult<N>>(await this.payloads.get(this.payloads.resultKey(taskId)));
    } finally {
      await this.payloads
        .deleteTask(taskId)
        .catch((error: unknown) => this.log.warn({ err: error, taskId }, "removing a task's objects failed"));
    }
  }

  /** Waits for the task to end: completed (by a worker), failed (every attempt's worker died) or aborted here. */
  private async outcome(jobId: string, signal?: AbortSignal): Promise<TaskOutcome> {
    for (;;) {
      if (signal?.aborted) {
        await this.boss.cancel(TASK_QUEUE, jobId).catch(() => undefined);
        throw signal.reason;
      }
      if (this.closed) throw new Error("the task pool is closed");
      const job = await this.boss.getJobById(TASK_QUEUE, jobId, { includeArchive: true });
      if (!job) throw new Error(`task ${jobId} is no longer on the queue`);
      if (job.state === "completed") return (job.output ?? {}) as TaskOutcome;
      if (job.state === "failed") {
        // pg-boss's own failures (an attempt that outlived --task-lease-seconds) say why under `value`.
        const output = job.output as { message?: string; value?: { message?: string } } | undefined;
        const why = output?.value?.message ?? output?.message ?? "its workers stopped";
        throw new Error(
          `a worker task failed on every attempt (${job.retryCount + 1}): ${why}; if the tasks take longer than ` +
            "--task-lease-seconds, raise it",
        );
      }
      if (job.state === "cancelled") throw signal?.reason ?? new Error("the task was cancelled");
      await sleep(POLL_MS, signal);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
