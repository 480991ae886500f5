import os from "node:os";
import { Piscina } from "piscina";
import type { WorkerTaskName, WorkerTasks } from "./worker-tasks.js";

/**
 * The threads that do numeric work (training, forecasting, explaining) so that the event loop keeps answering
 * API calls meanwhile. One pool per process, sized to the cores.
 */
export class WorkerPool {
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

  /** Threads running a task now (at most `threads`); the rest of `tasks` wait in the pool's queue. */
  get busy(): number {
    return Math.min(this.tasks, this.threads);
  }

  /** Tasks waiting for a free thread. */
  get queued(): number {
    return Math.max(0, this.tasks - this.threads);
  }

  /** Runs one named task in a worker; aborting the signal ends the task (its thread is replaced). */
  run<N extends WorkerTaskName>(
    name: N,
    input: Parameters<WorkerTasks[N]>[0],
    signal?: AbortSignal,
  ): Promise<Awaited<ReturnType<WorkerTasks[N]>>> {
    this.tasks++;
    return this.pool.run(input, { name, signal }).finally(() => {
      this.tasks--;
    });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
