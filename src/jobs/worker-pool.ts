import os from "node:os";
import { Piscina } from "piscina";
import type { WorkerTaskName, WorkerTasks } from "./worker-tasks.js";

/** What a worker task takes and gives back. */
export type TaskInput<N extends WorkerTaskName> = Parameters<WorkerTasks[N]>[0];
export type TaskResult<N extends WorkerTaskName> = Awaited<ReturnType<WorkerTasks[N]>>;

/**
 * Where the pipelines send their numeric work (training chunks, the global model, forecast and explanation
 * chunks). The seam between a job and the machines that compute it: the embedded deployment runs each task on a
 * thread of this process (ThreadPool), the scale-out deployment puts it on the queue for any worker process
 * (src/queue/queued-task-pool.ts). A pipeline never knows which.
 */
export interface WorkerPool {
  /** How many tasks run at once (threads here, or worker slots across the deployment as configured). */
  readonly threads: number;
  /** Tasks of this process running now, and waiting for a place (for the metrics endpoint). */
  readonly busy: number;
  readonly queued: number;
  /**
   * Whether tasks run on this host, so a task could leave files in the caller's scratch for the caller to read.
   * False for the task queue, whose tasks run on any worker host. No pipeline relies on it: what a task leaves its
   * job goes to object storage as task objects (task-objects.ts), on any pool.
   */
  readonly sharesDisk: boolean;
  /** Runs one named task; aborting the signal ends the task wherever it runs. */
  run<N extends WorkerTaskName>(name: N, input: TaskInput<N>, signal?: AbortSignal): Promise<TaskResult<N>>;
  close(): Promise<void>;
}

/**
 * The threads that do numeric work (training, forecasting, explaining) so that the event loop keeps answering
 * API calls meanwhile. One pool per process, sized to the cores.
 */
export class ThreadPool implements WorkerPool {
  private readonly pool: Piscina;
  /** Tasks handed to the pool and not yet settled (running or queued), for the utilization metric. */
  private tasks = 0;

  constructor(threads = Math.max(1, os.availableParallelism())) {
    this.pool = new Piscina({
      filename: new URL("./worker-tasks.js", import.meta.url).href,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: 30_000,
    });
  }

  get threads(): number {
    return this.pool.options.maxThreads;
  }

  readonly sharesDisk = true;

  /** Threads running a task now (at most `threads`); the rest of `tasks` wait in the pool's queue. */
  get busy(): number {
    return Math.min(this.tasks, this.threads);
  }

  /** Tasks waiting for a free thread. */
  get queued(): number {
    return Math.max(0, this.tasks - this.threads);
  }

  /** Runs one named task in a worker; aborting the signal ends the task (its thread is replaced). */
  run<N extends WorkerTaskName>(name: N, input: TaskInput<N>, signal?: AbortSignal): Promise<TaskResult<N>> {
    this.tasks++;
    return this.pool.run(input, { name, signal }).finally(() => {
      this.tasks--;
    });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
