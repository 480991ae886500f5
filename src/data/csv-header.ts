import type { DuckDBConnection } from "@duckdb/node-api";
import { readFirstRecords } from "./csv-first-records.js";
import { ImportError } from "./import-error.js";
import type { ColumnConversion } from "./value-conversion.js";

/**
 * Decides whether a CSV file starts with a header row. The rule, in order:
 * 1. The first record names exactly the schema's attributes in schema order (case-insensitively, spaces
 *    trimmed): a header.
 * 2. It names only schema attributes, but not in that order or not all of them: the import fails, since
 *    columns are taken by position and the file's order would silently mislabel them.
 * 3. Every non-string column of the first record fails its type while all of them fit in the second record
 *    (or there is no second record): a header with the user's own names (e.g. "item,date,sales").
 * 4. Otherwise the first record is data.
 */
export async function detectCsvHeader(
  connection: DuckDBConnection,
  file: { path: string; label: string },
  conversions: readonly ColumnConversion[],
): Promise<boolean> {
  const records = await readFirstRecords(file.path, 2);
  const first = records[0];
  if (first === undefined) return false;
  const names = conversions.map((c) => c.attribute.AttributeName.toLowerCase());
  const fields = first.map((f) => f?.trim().toLowerCase() ?? "");
  if (fields.length === names.length && fields.every((f, i) => f === names[i])) return true;
  if (fields.every((f) => names.includes(f))) {
    throw new ImportError(
      "HEADER_ORDER",
      `The header row of ${file.label} lists the columns ${first.join(", ")}; columns must follow the dataset schema: ${conversions.map((c) => c.attribute.AttributeName).join(", ")}`,
      { file: file.label, row: 1 },
    );
  }
  const typed = conversions.flatMap((c, i) => (c.attribute.AttributeType === "string" ? [] : [i]));
  if (typed.length === 0 || first.length !== conversions.length) return false;
  const rows = records.filter((r) => r.length === conversions.length);
  const validity = await validityOf(connection, conversions, rows);
  const firstFails = typed.every((i) => first[i] !== null && validity[0]?.[i] === false);
  const secondFits = validity[1] === undefined || typed.every((i) => validity[1]?.[i] === true);
  return firstFails && secondFits;
}

/** Runs the import's own validity rules over a few literal rows of text. */
async function validityOf(
  connection: DuckDBConnection,
  conversions: readonly ColumnConversion[],
  rows: readonly (string | null)[][],
): Promise<boolean[][]> {
  const n = conversions.length;
  const placeholders = rows.map(
    (_, r) => `(${conversions.map((_, i) => `CAST($${r * n + i + 1} AS VARCHAR)`).join(", ")})`,
  );
  const raw = conversions.map((_, i) => `r${i}`);
  const tried = conversions.map((c, i) => `${c.tryValue(`r${i}`)} AS v${i}`);
  const valid = conversions.map((c, i) => `${c.valid(`r${i}`, `v${i}`)} AS ok${i}`);
  const sql = `SELECT ${valid.join(", ")} FROM (SELECT ${raw.join(", ")}, ${tried.join(", ")} FROM (VALUES ${placeholders.join(", ")}) AS t(${raw.join(", ")}))`;
  const reader = await connection.runAndReadAll(sql, rows.flat());
  return reader.getRows().map((row) => row.map((v) => v === true));
}
