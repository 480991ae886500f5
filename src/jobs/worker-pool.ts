import os from "node:os";
import { Piscina } from "piscina";
import type { WorkerTaskName, WorkerTasks } from "./worker-tasks.js";

/**
 * The threads that do numeric work (training, forecasting, explaining) so that the event loop keeps answering
 * API calls meanwhile. One pool per process, sized to the cores.
 */
export class WorkerPool {
  private readonly pool: Piscina;

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

  /** Runs one named task in a worker; aborting the signal ends the task (its thread is replaced). */
  run<N extends WorkerTaskName>(
    name: N,
    input: Parameters<WorkerTasks[N]>[0],
    signal?: AbortSignal,
  ): Promise<Awaited<ReturnType<WorkerTasks[N]>>> {
    return this.pool.run(input, { name, signal });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
