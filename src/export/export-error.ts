/**
 * A failed export other than an S3 failure (those stay `StorageError`s): the message says which export and
 * what went wrong, and can go into a job's failure reason; `cause` keeps the original error for the logs.
 */
export class ExportError extends Error {
  /** Keys that could not be removed after the failure (empty when the clean-up worked). */
  readonly leftoverKeys: readonly string[];

  constructor(message: string, options: { cause?: unknown; leftoverKeys?: readonly string[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ExportError";
    this.leftoverKeys = options.leftoverKeys ?? [];
  }
}

/** The first line of an error's message: DuckDB's go on with hints and context lines. */
export const firstLine = (error: unknown): string =>
  String(error instanceof Error ? error.message : error).split("\n")[0] ?? "";
