import { ImportError } from "../data/import-error.js";
import { JobFailure } from "../jobs/job-runner.js";
import { StorageError } from "../storage/storage-error.js";

/** Turns what storage or the data layer threw into a failure whose message the user reads as the job's Message. */
export function toJobFailure(error: unknown, where: string): Error {
  if (error instanceof JobFailure) return error;
  if (error instanceof StorageError || error instanceof ImportError) return new JobFailure(error.message);
  if (!(error instanceof Error)) return new JobFailure(`Could not process ${where}: ${String(error)}`);
  if (error.name === "AbortError") return error;
  return new JobFailure(`Could not process ${where}: ${error.message}`);
}
