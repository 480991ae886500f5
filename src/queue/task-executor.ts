import type { Logger } from "pino";
import { takeTaskObjects } from "../jobs/task-objects.js";
import type { WorkerPool } from "../jobs/worker-pool.js";
import type { WorkerTaskName } from "../jobs/worker-tasks.js";
import type { PgBoss, PgBossJob } from "./pg-boss.js";
import { decodeTaskValue, encodeTaskValue } from "./task-codec.js";
import type { TaskPayloads } from "./task-payloads.js";
import { TASK_QUEUE, type TaskMessage, type TaskOutcome } from "./task-queue.js";

/** How often an idle slot asks the queue for a task. */
const IDLE_POLL_MS = 500;
/** How often a running task's state is checked (cancelled by a stop, or taken back after its lease). */
const WATCH_MS = 1_000;

/**
 * Runs queued worker tasks on this process's threads, one per slot. A task's lease is pg-boss's: if this process
 * dies, the task expires after the queue's lease and pg-boss hands it to another worker (up to its retries). The
 * result is written once: an attempt that finds the result already in object storage (an earlier attempt wrote
 * it, then died before telling the queue) completes without computing or writing it again, and an attempt whose
 * task was cancelled or taken back meanwhile stops without writing. The objects a task leaves for its job
 * (jobs/task-objects.ts: a training chunk's spilled forecasts) are stored before its result, each key once: a key
 * an earlier attempt already wrote is left as it is (the attempts compute the same bytes), and an attempt whose
 * task is no longer its own writes none.
 */
export class TaskExecutor {
  private closed = false;
  private readonly running = new Set<Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  /** Tasks this process has started (for tests and logs). */
  started = 0;

  constructor(
    private readonly boss: PgBoss,
    private readonly payloads: TaskPayloads,
    private readonly threads: WorkerPool,
    private readonly slots: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    for (let slot = 0; slot < this.slots; slot++) this.running.add(this.loop(slot));
  }

  private async loop(slot: number): Promise<void> {
    while (!this.closed) {
      let job: PgBossJob<TaskMessage> | undefined;
      try {
        [job] = await this.boss.fetch<TaskMessage>(TASK_QUEUE, { batchSize: 1, includeMetadata: true });
      } catch (error) {
        if (this.closed) return;
        this.log.warn({ err: error }, "fetching a task failed; trying again");
      }
      if (!job) {
        await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
        continue;
      }
      await this.execute(job, slot);
    }
  }

  private async execute(job: PgBossJob<TaskMessage>, slot: number): Promise<void> {
    const { taskId, name, jobArn } = job.data;
    const resultKey = this.payloads.resultKey(taskId);
    const controller = new AbortController();
    this.controllers.add(controller);
    const startedOn = job.startedOn.getTime();
    const watch = setInterval(() => void this.watch(job.id, startedOn, controller), WATCH_MS);
    this.started++;
    this.log.info({ taskId, task: name, jobArn, slot, attempt: job.retryCount }, "task started");
    let objects = 0;
    try {
      if (!(await this.payloads.exists(resultKey))) {
        const input = decodeTaskValue<never>(await this.payloads.get(this.payloads.inputKey(taskId)));
        const result = await this.threads.run(name as WorkerTaskName, input, controller.signal);
        const leaves = takeTaskObjects(result);
        // A stop that came while the task computed: its job is cleaning up, and must not find objects written after.
        if (leaves.length > 0) await this.watch(job.id, startedOn, controller);
        if (controller.signal.aborted) return;
        for (const [key, bytes] of leaves) {
          if (await this.payloads.exists(key)) continue;
          await this.payloads.put(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
          objects++;
        }
        if (!(await this.payloads.exists(resultKey)))
          await this.payloads.put(resultKey, encodeTaskValue(result));
      }
      await this.boss.complete(TASK_QUEUE, job.id, {} satisfies TaskOutcome);
      this.log.info({ taskId, task: name, jobArn, slot, objects }, "task finished");
    } catch (error) {
      if (controller.signal.aborted) {
        this.log.info(
          { taskId, task: name, jobArn, reason: String(controller.signal.reason) },
          "task abandoned",
        );
        return;
      }
      const err = error instanceof Error ? error : new Error(String(error));
      this.log.warn({ err, taskId, task: name }, "task failed");
      // A task that throws fails the same way on any worker: it is reported, not retried.
      await this.boss
        .complete(TASK_QUEUE, job.id, {
          error: { name: err.name, message: err.message },
        } satisfies TaskOutcome)
        .catch((e: unknown) => this.log.warn({ err: e, taskId }, "reporting a failed task failed"));
    } finally {
      clearInterval(watch);
      this.controllers.delete(controller);
    }
  }

  /** Aborts a running task that is no longer this worker's: cancelled (a stop) or expired and handed on. */
  private async watch(jobId: string, startedOn: number, controller: AbortController): Promise<void> {
    if (controller.signal.aborted) return;
    try {
      const job = await this.boss.getJobById(TASK_QUEUE, jobId, { includeArchive: true });
      if (!job || job.state === "cancelled") controller.abort("cancelled");
      // Expired (this process paused past the lease) and handed on: another attempt, started later, owns it now.
      else if (job.state !== "active" || job.startedOn.getTime() !== startedOn)
        controller.abort("lease-lost");
    } catch {
      // The database is briefly unreachable: keep computing, the next check decides.
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.controllers) controller.abort("shutdown");
    await Promise.allSettled([...this.running]);
  }
}
