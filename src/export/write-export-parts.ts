import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withConnection } from "../data/duckdb.js";
import type { ObjectStore } from "../storage/object-store.js";
import { formatS3Path } from "../storage/s3-path.js";
import { StorageError } from "../storage/storage-error.js";
import { bucketMissingMessage } from "../storage/translate-s3-error.js";
import { ExportError, firstLine } from "./export-error.js";
import { CONTENT_TYPE, checkColumns, type ExportColumn, type ExportFormat } from "./export-format.js";
import { folderPrefix, partKey } from "./export-naming.js";
import type { PartPlan } from "./local-part.js";
import { PartUploader } from "./part-uploader.js";
import { writeRowsSourceParts } from "./rows-source-parts.js";
import { writeSqlSourceParts } from "./sql-source-parts.js";

/**
 * Where the rows come from: a DuckDB query yielding the export's columns in order (it may read local files),
 * or row batches from JS, each row an array of values in column order.
 */
export type ExportSource =
  | { kind: "sql"; sql: string }
  | { kind: "rows"; batches: AsyncIterable<unknown[][]> };

export interface WriteExportPartsOptions {
  store: ObjectStore;
  bucket: string;
  /** The path part of the user's s3://bucket/path, taken as a folder ("" for the bucket's root). */
  prefix: string;
  /** The file name before `_part<N>`, e.g. `<ExportName>_<yyyy-MM-ddTHH-mm-ssZ>`. */
  baseName: string;
  format: ExportFormat;
  columns: readonly ExportColumn[];
  source: ExportSource;
  /** Rows per part file at most. */
  maxRowsPerPart?: number;
  /** Every object is written with SSE-KMS under this key. */
  kmsKeyArn?: string;
  /** Where the local part files are written (a private directory is made inside); the OS temp dir if absent. */
  scratchDir?: string;
  /** Uploads running at once while later parts are written. */
  uploadsInFlight?: number;
  signal?: AbortSignal;
}

export interface ExportResult {
  /** The objects written, in part order. */
  keys: string[];
  rows: number;
  /** Bytes of all parts together. */
  bytes: number;
}

export const DEFAULT_MAX_ROWS_PER_PART = 1_000_000;

/**
 * Writes an export as part files `<prefix>/<baseName>_part<N>.csv|.parquet` (N from 0) of at most
 * `maxRowsPerPart` rows each, every CSV part with a header row. Parts are written one at a time to local files
 * and uploaded while the next one is written, so neither memory nor the scratch disk holds the whole export
 * (a SQL source is staged once as compressed Parquet).
 *
 * All or nothing: when anything fails or `signal` aborts, every object this call uploaded is deleted and the
 * local files removed before the error is thrown: a StorageError as it is, the signal's reason on abort, any
 * other error as an ExportError (also when the clean-up itself fails, naming the objects left behind).
 */
export async function writeExportParts(options: WriteExportPartsOptions): Promise<ExportResult> {
  const { store, bucket, format, columns, signal } = options;
  const maxRowsPerPart = options.maxRowsPerPart ?? DEFAULT_MAX_ROWS_PER_PART;
  checkColumns(columns);
  if (!Number.isSafeInteger(maxRowsPerPart) || maxRowsPerPart < 1) {
    throw new RangeError(`maxRowsPerPart must be a positive integer, not ${maxRowsPerPart}`);
  }
  if (options.baseName === "") throw new RangeError("An export needs a base name for its files");
  signal?.throwIfAborted();

  const uploader = new PartUploader({
    store,
    bucket,
    kmsKeyArn: options.kmsKeyArn,
    contentType: CONTENT_TYPE[format],
    maxInFlight: options.uploadsInFlight,
  });
  const interruptUploads = (): void => uploader.interrupt(signal?.reason);
  signal?.addEventListener("abort", interruptUploads, { once: true });
  let directory: string | undefined;
  try {
    await requireBucket(store, bucket);
    directory = await mkdtemp(join(options.scratchDir ?? tmpdir(), "openforecast-export-"));
    const plan: PartPlan = { columns, format, maxRowsPerPart, directory, signal };
    const sink = (part: { index: number; file: string }): Promise<void> =>
      uploader.upload(partKey(options.prefix, options.baseName, part.index, format), part.file);
    const { source } = options;
    const rows = await withConnection(signal, (connection) =>
      source.kind === "sql"
        ? writeSqlSourceParts(connection, source.sql, plan, sink)
        : writeRowsSourceParts(connection, source.batches, plan, sink),
    );
    await uploader.finish();
    // A stop that came after the last upload still means the export must not stay.
    signal?.throwIfAborted();
    return { keys: [...uploader.keys], rows, bytes: uploader.bytes };
  } catch (error) {
    const cleanupError = await uploader.abandon(signal?.aborted ? signal.reason : error).then(
      () => undefined,
      // Where the bucket itself is gone, nothing of the export can remain.
      (failure: unknown) =>
        failure instanceof StorageError && failure.kind === "NoSuchBucket"
          ? undefined
          : (failure ?? new Error("unknown clean-up failure")),
    );
    throw exportFailure(error, cleanupError, uploader.keys, options);
  } finally {
    signal?.removeEventListener("abort", interruptUploads);
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  }
}

/**
 * Fails at once when the bucket does not exist: that should not cost the whole export's work before the first
 * upload fails. A role may be allowed to write objects but not to look at the bucket (HeadBucket answers 403);
 * then the uploads will tell.
 */
async function requireBucket(store: ObjectStore, bucket: string): Promise<void> {
  let exists: boolean;
  try {
    exists = await store.bucketExists(bucket);
  } catch (error) {
    if (error instanceof StorageError && error.kind === "AccessDenied") return;
    throw error;
  }
  if (!exists) {
    throw new StorageError("NoSuchBucket", bucketMissingMessage(bucket, store.endpointName), {
      bucket,
      endpoint: store.endpointName,
    });
  }
}

/** The error a failed export throws; see writeExportParts. */
function exportFailure(
  error: unknown,
  cleanupError: unknown,
  keys: readonly string[],
  options: WriteExportPartsOptions,
): unknown {
  const { signal, bucket } = options;
  const where = formatS3Path(bucket, folderPrefix(options.prefix));
  const reason = signal?.aborted ? signal.reason : error;
  if (cleanupError !== undefined) {
    const what = signal?.aborted ? "was stopped" : `failed (${firstLine(error)})`;
    return new ExportError(
      `The export "${options.baseName}" to ${where} ${what}, and removing the ${keys.length} objects it had ` +
        `written failed as well (${firstLine(cleanupError)}); these may remain: ${keys.join(", ")}`,
      { cause: reason, leftoverKeys: keys },
    );
  }
  if (signal?.aborted || error instanceof StorageError) return reason;
  return new ExportError(`The export "${options.baseName}" to ${where} failed: ${firstLine(error)}`, {
    cause: error,
  });
}
