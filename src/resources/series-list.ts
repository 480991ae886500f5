import { withConnection } from "../data/duckdb.js";
import { sqlIdent, sqlString } from "../data/sql.js";
import { seriesLine } from "./series-index.js";

/** The name of a forecast's series list beside its forecast file (see series-index.ts for the format). */
export const SERIES_LIST_NAME = "series.tsv";

/** A value escaped as a series list writes it (series-index.ts): `\` → `\\`, tab → `\t`, newline → `\n`. */
function escapedSql(column: string): string {
  const value = `coalesce(${sqlIdent(column)}::VARCHAR, '')`;
  return `replace(replace(replace(${value}, '\\', '\\\\'), chr(9), '\\t'), chr(10), '\\n')`;
}

/**
 * The series list (series-index.ts) of the distinct key values of a local Parquet file, rows filtered by `where`
 * (SQL made by the caller, never from user input), in key order. DuckDB makes the whole text as one value: reading
 * 100,000 rows into JavaScript one value at a time is what made a first search take seconds.
 */
export async function seriesListOfParquet(
  file: string,
  keyNames: readonly string[],
  where: string,
  signal?: AbortSignal,
): Promise<string> {
  const columns = keyNames.map(sqlIdent).join(", ");
  const line = keyNames.map(escapedSql).join(" || chr(9) || ");
  const reader = await withConnection(signal, (connection) =>
    connection.runAndReadAll(
      `SELECT string_agg(line, '' ORDER BY ${columns}) FROM (
         SELECT DISTINCT ${columns}, ${line} || chr(10) AS line FROM read_parquet(${sqlString(file)}) ${where}
       )`,
    ),
  );
  const body = reader.getRows()[0]?.[0];
  return `${seriesLine(keyNames)}\n${typeof body === "string" ? body : ""}`;
}
