import { randomUUID } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { compressionOf } from "./compressed-input.js";
import { convertedRowsSql } from "./converted-rows.js";
import { type DatasetMetadata, kvMetadataSql } from "./dataset-metadata.js";
import { withConnection } from "./duckdb.js";
import { computeFieldStatistics, type Statistics } from "./field-statistics.js";
import { duckdbMessage, ImportError, type LocalName, withLocalNames } from "./import-error.js";
import { planImport } from "./import-plan.js";
import { type ImportSource, type InputFile, importSource } from "./import-source.js";
import { type DatasetType, type ImportFormat, type SchemaAttribute, STORAGE_TYPE } from "./schema.js";
import { sqlIdent, sqlString } from "./sql.js";

export interface ImportFilesOptions {
  /** Local paths, in the order to read them. */
  files: string[];
  format: ImportFormat;
  schema: SchemaAttribute[];
  timestampFormat?: string;
  timeZone?: string;
  useGeolocationForTimeZone?: boolean;
  geolocationFormat?: string;
  datasetType: DatasetType;
  dataFrequency?: string;
  /** The dataset's current canonical Parquet file; given for an INCREMENTAL import, whose rows are appended. */
  previous?: string;
  /** Where the canonical Parquet file goes; it appears only once complete. */
  output: string;
  /** What to call each file in messages (its s3:// URI); the paths when absent. */
  fileLabels?: string[];
  signal?: AbortSignal;
}

export interface ImportFilesResult {
  /** Rows imported from the files. */
  rowCount: number;
  /** Rows in the output: rowCount plus the previous rows of an INCREMENTAL import. */
  totalRowCount: number;
  /** Sum of the input file sizes. */
  dataSizeBytes: number;
  /** Statistics of the imported rows (not of rows kept from before), by attribute name. */
  fieldStatistics: Record<string, Statistics>;
}

/**
 * COPY options of every canonical file. Row order in it carries no meaning (readers sort by what they need),
 * so DuckDB may write in whatever order its threads finish, which took about a sixth off the write here.
 */
const PARQUET_OPTIONS = (metadata: DatasetMetadata): string =>
  ` (FORMAT parquet, PRESERVE_ORDER false, KV_METADATA ${kvMetadataSql(metadata)})`;

/**
 * Sizes of the inputs; a missing, empty or compressed file fails the import before any work. Amazon documents
 * imports of CSV and Parquet files and nothing about compressed ones (docs/decisions.md), so a gzip-compressed
 * CSV is refused with a message that says so rather than read.
 */
async function inputSizes(files: readonly InputFile[]): Promise<number> {
  let total = 0;
  for (const file of files) {
    let size: number;
    try {
      size = (await stat(file.path)).size;
    } catch (error) {
      const why = duckdbMessage(error, [{ path: file.path, name: file.label }]);
      throw new ImportError("FILE_UNREADABLE", `Could not read ${file.label}: ${why}`, {
        file: file.label,
      });
    }
    if (size === 0) throw new ImportError("EMPTY", `${file.label} is empty`, { file: file.label });
    const compression = await compressionOf(file.path);
    if (compression) {
      throw new ImportError(
        "COMPRESSED",
        `${file.label} is ${compression.name}-compressed; imports read uncompressed CSV or Parquet files only. ` +
          `Decompress it (${compression.decompress}) and import the result.`,
        { file: file.label },
      );
    }
    total += size;
  }
  return total;
}

/** Writes the typed rows of the source; on a bad value, finds and throws the first one. Returns the row count. */
async function writeRows(
  connection: DuckDBConnection,
  source: ImportSource,
  target: string,
  metadata: DatasetMetadata,
  signal: AbortSignal | undefined,
): Promise<number> {
  try {
    const reader = await connection.runAndReadAll(
      `COPY (${convertedRowsSql(source.relation, source.conversions)}) TO ${sqlString(target)} ${PARQUET_OPTIONS(metadata)}`,
    );
    return Number(reader.getRows()[0]?.[0] ?? 0);
  } catch (error) {
    if (signal?.aborted) throw error;
    // When the search fails too (the file cannot be read at all), the original error says why.
    const problem = await source.firstProblem().catch(() => undefined);
    if (problem) throw problem;
    throw new ImportError(
      "FILE_UNREADABLE",
      `Could not import the data: ${duckdbMessage(error, [])}`,
      {},
      { cause: error },
    );
  }
}

/** Applies the parts of the value rules that are judged on the written columns' statistics. */
async function checkWrittenColumns(
  source: ImportSource,
  statistics: Record<string, Statistics>,
): Promise<void> {
  const failed = source.conversions.some((c) => {
    const columnStatistics = statistics[c.attribute.AttributeName];
    return columnStatistics !== undefined && c.writtenColumnFails(columnStatistics);
  });
  if (!failed) return;
  throw (
    (await source.firstProblem()) ??
    new ImportError("VALUE_INVALID", "The data has values that do not fit the dataset schema")
  );
}

/** Writes previous rows followed by the new ones into `target`; returns the row count of the result. */
async function appendRows(
  connection: DuckDBConnection,
  previous: string,
  newRows: string,
  target: string,
  schema: readonly SchemaAttribute[],
  metadata: DatasetMetadata,
): Promise<number> {
  let columns: { name: string; type: string }[];
  try {
    const reader = await connection.runAndReadAll(
      `DESCRIBE SELECT * FROM read_parquet(${sqlString(previous)})`,
    );
    columns = reader
      .getRowObjectsJS()
      .map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  } catch (error) {
    throw new ImportError(
      "PREVIOUS_MISMATCH",
      `The dataset's existing data could not be read: ${duckdbMessage(error, [])}`,
    );
  }
  const expected = schema.map((a) => ({ name: a.AttributeName, type: STORAGE_TYPE[a.AttributeType] }));
  const same =
    columns.length === expected.length &&
    expected.every((e, i) => columns[i]?.name === e.name && columns[i]?.type === e.type);
  if (!same) {
    throw new ImportError(
      "PREVIOUS_MISMATCH",
      `The dataset's existing data has the columns ${columns.map((c) => `${c.name} ${c.type}`).join(", ")}, which do not match the schema ${expected.map((c) => `${c.name} ${c.type}`).join(", ")}`,
    );
  }
  const list = schema.map((a) => sqlIdent(a.AttributeName)).join(", ");
  const reader = await connection.runAndReadAll(
    `COPY (SELECT ${list} FROM read_parquet(${sqlString(previous)}) UNION ALL SELECT ${list} FROM read_parquet(${sqlString(newRows)})) TO ${sqlString(target)} ${PARQUET_OPTIONS(metadata)}`,
  );
  return Number(reader.getRows()[0]?.[0] ?? 0);
}

/**
 * The error an import fails with, as the user may read it: an ImportError with local paths named as the user
 * knows them; any other error (DuckDB's, the file system's) becomes one, translated by duckdbMessage. An abort
 * stays what it is.
 */
function userFacing(error: unknown, names: readonly LocalName[], signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return error;
  if (error instanceof ImportError) {
    const message = withLocalNames(error.message, names);
    if (message === error.message) return error;
    return new ImportError(error.failure, message, error.location, { cause: error });
  }
  return new ImportError(
    "FILE_UNREADABLE",
    `Could not import the data: ${duckdbMessage(error, names)}`,
    {},
    { cause: error },
  );
}

/**
 * Imports CSV or Parquet files into one canonical Parquet file: one column per schema attribute, under its
 * name, typed as the attribute type says. FULL (no `previous`) writes the new rows only; INCREMENTAL appends
 * them to the previous rows. Either all of it is written or nothing: work happens in temporary files next to
 * `output`, renamed into place at the end and removed on failure. Fails with an ImportError.
 */
export async function importFiles(options: ImportFilesOptions): Promise<ImportFilesResult> {
  const { signal, schema } = options;
  const plan = planImport(options);
  const labels = options.fileLabels ?? options.files;
  if (labels.length !== options.files.length) {
    throw new ImportError("BAD_OPTION", "fileLabels must name each file once");
  }
  if (options.files.length === 0) throw new ImportError("EMPTY", "There are no files to import");
  const files = options.files.map((file, i) => ({ path: file, label: labels[i] as string }));
  const dataSizeBytes = await inputSizes(files);
  signal?.throwIfAborted();

  await mkdir(path.dirname(options.output), { recursive: true });
  const stem = `${options.output}.${randomUUID()}`;
  const newRows = `${stem}.new.tmp`;
  const combined = `${stem}.all.tmp`;
  // Every message names files as the user knows them: inputs by their labels, ours in words, never a local path.
  const localNames: LocalName[] = [
    ...files.map((f) => ({ path: f.path, name: f.label })),
    { path: stem, name: "the dataset's new data file" },
    { path: options.output, name: "the dataset's new data file" },
    { path: options.previous ?? "", name: "the dataset's existing data" },
  ];
  try {
    return await withConnection(signal, async (connection) => {
      const source = await importSource(connection, options.format, files, schema, plan.conversion);
      signal?.throwIfAborted();
      const rowCount = await writeRows(connection, source, newRows, plan.metadata, signal);
      if (rowCount === 0) {
        throw new ImportError("EMPTY", `No data rows were found in ${labels.join(", ")}`);
      }
      signal?.throwIfAborted();
      const fieldStatistics = await computeFieldStatistics(connection, newRows, schema);
      await checkWrittenColumns(source, fieldStatistics);
      signal?.throwIfAborted();
      let totalRowCount = rowCount;
      if (options.previous === undefined) {
        await rename(newRows, options.output);
      } else {
        totalRowCount = await appendRows(
          connection,
          options.previous,
          newRows,
          combined,
          schema,
          plan.metadata,
        );
        signal?.throwIfAborted();
        await rename(combined, options.output);
      }
      return { rowCount, totalRowCount, dataSizeBytes, fieldStatistics };
    });
  } catch (error) {
    throw userFacing(error, localNames, signal);
  } finally {
    await rm(newRows, { force: true });
    await rm(combined, { force: true });
  }
}
