import type { DuckDBConnection } from "@duckdb/node-api";
import { rawColumn } from "./csv-source.js";
import { duckdbMessage, ImportError } from "./import-error.js";
import type { SchemaAttribute } from "./schema.js";
import { sqlIdent, sqlString, sqlStringList } from "./sql.js";

/** Parquet inputs matched to the schema: which source column feeds each attribute, and its type. */
export interface ParquetColumns {
  names: string[];
  types: string[];
}

async function describe(
  connection: DuckDBConnection,
  from: string,
): Promise<{ name: string; type: string }[]> {
  const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`);
  return reader
    .getRowObjectsJS()
    .map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
}

/**
 * Parquet columns are matched to attributes by name (case-insensitively), not by position: Parquet files
 * carry names, and tools that write them do not promise an order. Every file must have exactly the schema's
 * columns; which types they have is checked value by value later.
 */
export async function matchParquetColumns(
  connection: DuckDBConnection,
  files: readonly { path: string; label: string }[],
  schema: readonly SchemaAttribute[],
): Promise<ParquetColumns> {
  const wanted = schema.map((a) => a.AttributeName);
  for (const file of files) {
    let columns: { name: string }[];
    try {
      columns = await describe(connection, `read_parquet(${sqlString(file.path)})`);
    } catch (error) {
      throw new ImportError(
        "FILE_UNREADABLE",
        `${file.label} is not a readable Parquet file: ${duckdbMessage(error, [{ path: file.path, name: file.label }])}`,
        {
          file: file.label,
        },
      );
    }
    const have = columns.map((c) => c.name);
    const missing = wanted.filter((w) => !have.some((h) => h.toLowerCase() === w.toLowerCase()));
    const extra = have.filter((h) => !wanted.some((w) => h.toLowerCase() === w.toLowerCase()));
    if (missing.length > 0 || extra.length > 0) {
      const parts = [
        missing.length > 0 ? `lacks ${missing.join(", ")}` : "",
        extra.length > 0 ? `has columns not in the dataset schema: ${extra.join(", ")}` : "",
      ].filter((p) => p !== "");
      throw new ImportError(
        "COLUMNS_MISMATCH",
        `${file.label} ${parts.join(" and ")} (the dataset schema is ${wanted.join(", ")})`,
        { file: file.label },
      );
    }
  }
  // Files may differ in type for the same column (INT in one, DOUBLE in another); by name, DuckDB unifies them.
  const union = await describe(connection, parquetScan(files.map((f) => f.path)));
  const byName = new Map(union.map((c) => [c.name.toLowerCase(), c]));
  const matched = wanted.map((w) => byName.get(w.toLowerCase()) as { name: string; type: string });
  return { names: matched.map((c) => c.name), types: matched.map((c) => c.type) };
}

function parquetScan(paths: readonly string[], withPosition = false): string {
  const position = withPosition ? ", filename = true, file_row_number = true" : "";
  return `read_parquet(${sqlStringList(paths)}, union_by_name = true${position})`;
}

/** Raw columns c0..cn of all files; empty text counts as missing, as an empty CSV field does. */
function rawColumns(columns: ParquetColumns): string {
  return columns.names
    .map((name, i) =>
      columns.types[i] === "VARCHAR"
        ? `NULLIF(${sqlIdent(name)}, '') AS ${rawColumn(i)}`
        : `${sqlIdent(name)} AS ${rawColumn(i)}`,
    )
    .join(", ");
}

/** A relation of the raw columns of all files, in schema order. */
export function parquetRelation(paths: readonly string[], columns: ParquetColumns): string {
  return `(SELECT ${rawColumns(columns)} FROM ${parquetScan(paths)})`;
}

/**
 * The same relation with each row's position: `file_index` (into `paths`) and `file_row` (1-based, the row
 * as a Parquet viewer numbers it).
 */
export function parquetRelationWithPosition(paths: readonly string[], columns: ParquetColumns): string {
  return `(SELECT list_position(${sqlStringList(paths)}, filename) - 1 AS file_index, file_row_number + 1 AS file_row, ${rawColumns(columns)} FROM ${parquetScan(paths, true)})`;
}
