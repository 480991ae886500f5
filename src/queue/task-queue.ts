import { PgBoss } from "./pg-boss.js";

/** The one queue of worker tasks (chunks of training, forecasting and explaining) on pg-boss. */
export const TASK_QUEUE = "openforecast-tasks";

/** What a queue message says: which task, with its input under `tasks/<taskId>/input` in object storage. */
export interface TaskMessage {
  taskId: string;
  name: string;
  /** The job the task is part of (for logs: which worker ran which job's tasks). */
  jobArn?: string;
}

/** What a finished task leaves as its pg-boss output: its result is in object storage, or it failed. */
export interface TaskOutcome {
  error?: { name: string; message: string };
}

export interface TaskQueueOptions {
  databaseUrl: string;
  /**
   * How long a worker may hold a task before pg-boss takes it back and gives it to another worker (the task's
   * lease). Longer than the longest chunk: pg-boss 10 has no heartbeat, a task still running at expiry runs twice
   * (its result is written once all the same: see task-executor.ts).
   */
  taskLeaseSeconds: number;
  /** Attempts after the first when a worker dies holding the task. */
  retries?: number;
}

/**
 * Starts pg-boss on the service's PostgreSQL database, in its own schema (`pgboss`), and makes sure the task
 * queue exists. Every process that sends or runs tasks starts one; they share the maintenance (expiry of tasks
 * whose worker is gone) through pg-boss's own coordination.
 */
export async function openTaskQueue(options: TaskQueueOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: options.databaseUrl,
    schema: "pgboss",
    application_name: "openforecast-queue",
    max: 4,
    // Expired tasks are found by maintenance: run it often enough that a dead worker's task waits at most a
    // fraction of its lease more.
    maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.floor(options.taskLeaseSeconds / 4))),
    monitorStateIntervalSeconds: 60,
    schedule: false,
  });
  // pg-boss reports lost connections here; an unhandled "error" event would end the process.
  boss.on("error", () => undefined);
  await boss.start();
  const existing = await boss.getQueue(TASK_QUEUE);
  const policy = {
    name: TASK_QUEUE,
    expireInSeconds: options.taskLeaseSeconds,
    retryLimit: options.retries ?? 3,
    retryDelay: 0,
    retentionMinutes: 60,
  };
  if (!existing) {
    try {
      await boss.createQueue(TASK_QUEUE, policy);
    } catch (error) {
      // Another process created it at the same moment.
      if (!(await boss.getQueue(TASK_QUEUE))) throw error;
    }
  } else {
    // The lease may have been reconfigured since the queue was made; the last process to start sets it.
    await boss.updateQueue(TASK_QUEUE, policy);
  }
  return boss;
}
