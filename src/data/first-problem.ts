import type { DuckDBConnection } from "@duckdb/node-api";
import { checkedRowsSql } from "./converted-rows.js";
import { lineOfRecord } from "./csv-line-locator.js";
import { type CsvFile, csvFileRelation, csvReadOptions } from "./csv-source.js";
import { ImportError } from "./import-error.js";
import { type ParquetColumns, parquetRelationWithPosition } from "./parquet-source.js";
import { sqlString } from "./sql.js";
import type { ColumnConversion } from "./value-conversion.js";

const MAX_VALUE_IN_MESSAGE = 200;

const shown = (value: string): string =>
  value.length > MAX_VALUE_IN_MESSAGE ? `${value.slice(0, MAX_VALUE_IN_MESSAGE)}...` : value;

/** The error for a bad row given its raw values and validity flags (as checkedRowsSql returns them). */
function valueError(
  row: Record<string, unknown>,
  conversions: readonly ColumnConversion[],
  file: string,
  rowNumber: number,
): ImportError {
  const index = conversions.findIndex((_, i) => row[`ok${i}`] !== true);
  const conversion = conversions[index] as ColumnConversion;
  const column = conversion.attribute.AttributeName;
  const raw = row[`r${index}`];
  if (raw === null || raw === undefined) {
    return new ImportError("VALUE_MISSING", `Missing value in ${file}, row ${rowNumber}, column ${column}`, {
      file,
      row: rowNumber,
      column,
    });
  }
  const value = String(raw);
  return new ImportError(
    "VALUE_INVALID",
    `Value "${shown(value)}" in ${file}, row ${rowNumber}, column ${column} ${conversion.problem}`,
    { file, row: rowNumber, column, value },
  );
}

/**
 * The first row of one CSV file that DuckDB cannot split into the schema's columns, found through DuckDB's
 * own reject tables, which record the line as the user counts it.
 */
async function csvStructureProblem(
  connection: DuckDBConnection,
  file: CsvFile,
  conversions: readonly ColumnConversion[],
): Promise<ImportError | undefined> {
  await connection.run("DROP TABLE IF EXISTS of_rejects; DROP TABLE IF EXISTS of_reject_scans");
  await connection.run(
    `SELECT count(*) FROM read_csv(${sqlString(file.path)}, ${csvReadOptions(conversions.length, file.header)}, store_rejects = true, rejects_table = 'of_rejects', rejects_scan = 'of_reject_scans')`,
  );
  const reader = await connection.runAndReadAll(
    "SELECT line, error_type, error_message FROM of_rejects ORDER BY line LIMIT 1",
  );
  await connection.run("DROP TABLE IF EXISTS of_rejects; DROP TABLE IF EXISTS of_reject_scans");
  const reject = reader.getRowObjectsJS()[0];
  if (reject === undefined) return undefined;
  const row = Number(reject.line);
  const type = String(reject.error_type);
  const message = String(reject.error_message);
  if (type === "MISSING COLUMNS" || type === "TOO MANY COLUMNS") {
    const found = /Found: (\d+)/.exec(message)?.[1] ?? "a different number of";
    const names = conversions.map((c) => c.attribute.AttributeName).join(", ");
    return new ImportError(
      "COLUMN_COUNT",
      `${file.label}, row ${row} has ${found} columns, but the dataset schema has ${conversions.length}: ${names}`,
      { file: file.label, row },
    );
  }
  return new ImportError("CSV_SYNTAX", `${file.label}, row ${row} is not valid CSV: ${message}`, {
    file: file.label,
    row,
  });
}

/**
 * The first row of one CSV file with a value that does not fit. Which record it is comes from a table built
 * in file order (its rowid is the record's index); the line the user sees is then counted in the file.
 */
async function csvValueProblem(
  connection: DuckDBConnection,
  file: CsvFile,
  conversions: readonly ColumnConversion[],
): Promise<ImportError | undefined> {
  // Only bad rows keep their values; the rest is one NULL per row, so the table stays small.
  const checked = checkedRowsSql(csvFileRelation(file, conversions.length), conversions);
  const fields = conversions.flatMap((_, i) => [`r${i} := r${i}`, `ok${i} := ok${i}`]).join(", ");
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE of_checked AS SELECT CASE WHEN NOT all_ok THEN struct_pack(${fields}) END AS bad FROM (${checked})`,
  );
  const reader = await connection.runAndReadAll(
    "SELECT rowid AS record, bad FROM of_checked WHERE bad IS NOT NULL ORDER BY rowid LIMIT 1",
  );
  await connection.run("DROP TABLE IF EXISTS of_checked");
  const found = reader.getRowObjectsJS()[0];
  if (found === undefined) return undefined;
  const record = Number(found.record) + (file.header ? 1 : 0);
  // Should the count of lines disagree with DuckDB's records (it follows the same rules), the record's
  // number is the next best thing to show.
  const line = (await lineOfRecord(file.path, record)) ?? record + 1;
  return valueError(found.bad as Record<string, unknown>, conversions, file.label, line);
}

/** The first problem in the CSV files, in file order and row order; undefined if there is none. */
export async function firstCsvProblem(
  connection: DuckDBConnection,
  files: readonly CsvFile[],
  conversions: readonly ColumnConversion[],
): Promise<ImportError | undefined> {
  for (const file of files) {
    const problem =
      (await csvStructureProblem(connection, file, conversions)) ??
      (await csvValueProblem(connection, file, conversions));
    if (problem) return problem;
  }
  return undefined;
}

/** The first Parquet row with a value that does not fit, by file order then row; undefined if none. */
export async function firstParquetProblem(
  connection: DuckDBConnection,
  files: readonly { path: string; label: string }[],
  columns: ParquetColumns,
  conversions: readonly ColumnConversion[],
): Promise<ImportError | undefined> {
  const relation = parquetRelationWithPosition(
    files.map((f) => f.path),
    columns,
  );
  const checked = checkedRowsSql(relation, conversions, ["file_index", "file_row"]);
  const reader = await connection.runAndReadAll(
    `SELECT * FROM (${checked}) WHERE NOT all_ok ORDER BY file_index, file_row LIMIT 1`,
  );
  const row = reader.getRowObjectsJS()[0];
  if (row === undefined) return undefined;
  const file = files[Number(row.file_index)]?.label ?? "?";
  return valueError(row, conversions, file, Number(row.file_row));
}
