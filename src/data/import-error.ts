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
  | "PREVIOUS_MISMATCH"
  | "COMPRESSED";

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

/** A local file and what the user calls it (an input's s3:// URI, "the dataset's existing data", ...). */
export interface LocalName {
  path: string;
  name: string;
}

/**
 * `text` with every local path in `names` replaced by its name, longest path first (a temporary file's path
 * starts with its target's). Plain string replacement: no pattern is run over the message.
 */
export function withLocalNames(text: string, names: readonly LocalName[]): string {
  let result = text;
  for (const { path, name } of [...names].sort((a, b) => b.path.length - a.path.length)) {
    if (path !== "") result = result.split(path).join(name);
  }
  return result;
}

/** DuckDB's words that mean nothing to a user, and what to say instead. */
const DUCKDB_WORDING: readonly { says: string; means: string }[] = [
  {
    says: "No magic bytes found at end of file",
    means: "it does not end with PAR1, the marker that ends every Parquet file",
  },
];

/**
 * What DuckDB said about a file, for the job's Message: the first line, or for a CSV error ("CSV Error on
 * Line: 1") also the line after it, which says what is wrong; known wording translated; local paths named as
 * the user knows them. The hints, options and SQL that DuckDB appends are dropped.
 */
export function duckdbMessage(error: unknown, names: readonly LocalName[]): string {
  const lines = String(error instanceof Error ? error.message : error).split("\n", 3);
  let text = (lines[0] ?? "").replace(/^[A-Za-z ]{1,40} Error: /, "");
  const detail = lines[1]?.trim();
  if (text.startsWith("CSV Error on Line") && detail && !detail.startsWith("Possible Solution")) {
    text = `${text}: ${detail}`;
  }
  for (const { says, means } of DUCKDB_WORDING) {
    if (text.startsWith(says)) text = means;
  }
  return withLocalNames(text, names);
}
