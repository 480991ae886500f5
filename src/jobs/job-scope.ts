import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The job whose work is running, for whatever that work reaches without being handed it: the task queue labels
 * each task with its job, so a worker's log says which job a task belongs to.
 */
export const jobScope = new AsyncLocalStorage<{ arn: string }>();
