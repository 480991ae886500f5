import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlString } from "../data/sql.js";
import { namedSelectList, positionalName, typedSelectList } from "./export-format.js";
import { copyPart, type PartPlan, type PartSink } from "./local-part.js";
import { STAGING_COPY_OPTIONS } from "./staging.js";

/**
 * Writes the rows of a DuckDB query as parts of at most `maxRowsPerPart` rows, in the query's order, handing each
 * to `sink` as soon as it is written. Returns the number of rows.
 *
 * How: the query runs once into a local staging Parquet file (its rows in order, types cast to the declared
 * ones), then each part is copied out of it by row number. DuckDB skips the row groups outside a part's range,
 * so each part costs about its own size, and part N+1 is written while part N uploads. Why not in one COPY:
 * DuckDB's PARTITION_BY writes do not keep the row order within a partition, and streaming the result through
 * JS holds native chunks until the garbage collector happens to run.
 */
export async function writeSqlSourceParts(
  connection: DuckDBConnection,
  sql: string,
  plan: PartPlan,
  sink: PartSink,
): Promise<number> {
  const query = trimStatement(sql);
  await checkColumnCount(connection, query, plan.columns.length);
  plan.signal?.throwIfAborted();

  const staging = join(plan.directory, "staging.parquet");
  const aliases = plan.columns.map((_, index) => positionalName(index)).join(", ");
  // The newlines keep a trailing `-- comment` of the caller's SQL from swallowing the closing parenthesis.
  const staged = await connection.run(
    `COPY (SELECT ${typedSelectList(plan.columns)} FROM (\n${query}\n) AS export_source(${aliases})) ` +
      `TO ${sqlString(staging)} ${STAGING_COPY_OPTIONS}`,
  );
  const rows = Number(staged.rowsChanged);

  // An empty export still gets part 0, with the header (CSV) or the schema (Parquet) and no rows.
  const parts = Math.max(1, Math.ceil(rows / plan.maxRowsPerPart));
  for (let index = 0; index < parts; index += 1) {
    plan.signal?.throwIfAborted();
    const first = index * plan.maxRowsPerPart;
    const part = await copyPart(
      connection,
      plan,
      index,
      `SELECT ${namedSelectList(plan.columns)} ` +
        `FROM read_parquet(${sqlString(staging)}, file_row_number = true) ` +
        `WHERE file_row_number >= ${first} AND file_row_number < ${first + plan.maxRowsPerPart}`,
    );
    await sink(part);
  }
  await rm(staging, { force: true });
  return rows;
}

/** The statement without trailing semicolons and blanks, so that it can be used as a subquery. */
function trimStatement(sql: string): string {
  return sql.replace(/[\s;]+$/, "");
}

/** Refuses a query with another number of columns than the export: they are taken by position. */
async function checkColumnCount(
  connection: DuckDBConnection,
  query: string,
  expected: number,
): Promise<void> {
  const prepared = await connection.prepare(query);
  try {
    if (prepared.columnCount !== expected) {
      const names = Array.from({ length: prepared.columnCount }, (_, index) => prepared.columnName(index));
      throw new RangeError(
        `The export query yields ${prepared.columnCount} columns (${names.join(", ")}), but the export has ${expected}`,
      );
    }
  } finally {
    prepared.destroySync();
  }
}
