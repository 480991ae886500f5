/** Why an import failed, for callers that want more than the message (tests, logs, metrics). */
export type ImportFailure =
  | "BAD_OPTION"
  | "FILE_UNREADABLE"
  | "EMPTY"
  | "CSV_SYNTAX"
  | "COLUMN_COUNT"
  | "HEADER_ORDER"
  | "COLUMNS_MISMATCH"
  | "VALUE_MISSING"
  | "VALUE_INVALID"
  | "PREVIOUS_MISMATCH";

/** Where a failure was found; absent parts did not apply. */
export interface ImportErrorLocation {
  file?: string;
  row?: number;
  column?: string;
  value?: string;
}

/**
 * A failed import. Deliberately not a ServiceError: the request was accepted, the job failed, and the
 * message becomes the job's `Message` as the user sees it in DescribeDatasetImportJob.
 */
export class ImportError extends Error {
  readonly failure: ImportFailure;
  readonly location: ImportErrorLocation;

  constructor(
    failure: ImportFailure,
    message: string,
    location: ImportErrorLocation = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "ImportError";
    this.failure = failure;
    this.location = location;
  }
}

/** The first line of an error's message: DuckDB's messages go on with hints that mean nothing to our users. */
export const firstLineOf = (error: unknown): string =>
  String(error instanceof Error ? error.message : error).split("\n")[0] ?? "";
