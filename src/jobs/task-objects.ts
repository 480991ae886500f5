// Objects a worker task leaves in the internal bucket for its job (a training chunk's spilled component
// forecasts). A task cannot write to object storage itself: worker threads hold no S3 client, and in scale-out the
// task runs on a host its caller never sees. So the task returns them in its result as `objects`, bytes by the key
// its input named, and the process that ran the task stores them and takes them out of the result before the
// result goes back: the task executor of a worker process (src/queue/task-executor.ts; once per key, before the
// result), and in the embedded process `storingTaskObjects` around the thread pool. When `run()` resolves the
// caller finds its keys in object storage, whichever WorkerPool ran the task, and the bytes never travel back with
// the result.

import type { TaskInput, TaskResult, WorkerPool } from "./worker-pool.js";
import type { WorkerTaskName } from "./worker-tasks.js";

/** The part of a task's result that goes to object storage instead of back to the caller. */
export interface TaskObjects {
  objects?: Record<string, Uint8Array>;
}

/** Takes a result's objects out of it (in place): what is left goes back to the caller. */
export function takeTaskObjects(result: unknown): [string, Uint8Array][] {
  if (result === null || typeof result !== "object" || !("objects" in result)) return [];
  const { objects } = result as TaskObjects;
  delete (result as TaskObjects).objects;
  return Object.entries(objects ?? {});
}

/**
 * `pool` with its tasks' objects stored through `put` before each result is returned. Around a pool whose
 * results already come without them (the task queue's: its executor stored them) it changes nothing.
 */
export function storingTaskObjects(
  pool: WorkerPool,
  put: (key: string, bytes: Uint8Array) => Promise<void>,
): WorkerPool {
  return {
    get threads() {
      return pool.threads;
    },
    get busy() {
      return pool.busy;
    },
    get queued() {
      return pool.queued;
    },
    get sharesDisk() {
      return pool.sharesDisk;
    },
    async run<N extends WorkerTaskName>(
      name: N,
      input: TaskInput<N>,
      signal?: AbortSignal,
    ): Promise<TaskResult<N>> {
      const result = await pool.run(name, input, signal);
      for (const [key, bytes] of takeTaskObjects(result)) await put(key, bytes);
      return result;
    },
    close: () => pool.close(),
  };
}
