import path from "node:path";
import { withConnection } from "../../src/data/duckdb.js";
import { sqlString } from "../../src/data/sql.js";

/** Writes the rows of a SELECT to `dir/name` as Parquet, shaped like a canonical dataset file. */
export async function parquetOf(dir: string, name: string, select: string): Promise<string> {
  const file = path.join(dir, name);
  await withConnection(undefined, (c) => c.run(`COPY (${select}) TO ${sqlString(file)} (FORMAT parquet)`));
  return file;
}

/** `SELECT ... FROM (VALUES ...)` of daily rows: [item, 'YYYY-MM-DD', value | null]. */
export const dailyRows = (rows: [string, string, number | null][], columns = "item_id, timestamp, demand") =>
  `SELECT * FROM (VALUES ${rows
    .map(
      ([item, day, value]) =>
        `('${item}', TIMESTAMP '${day} 00:00:00', ${value === null ? "CAST(NULL AS DOUBLE)" : `CAST(${value} AS DOUBLE)`})`,
    )
    .join(", ")}) AS t(${columns})`;

export const utc = (day: string): number => Date.parse(`${day}T00:00:00Z`);
