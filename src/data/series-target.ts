// The target time series in DuckDB: which series exist (a temp table `target_series`, one row per key, numbered
// in key order) and their values aggregated into the buckets of the grid, streamed into typed arrays.
import type { DuckDBConnection } from "@duckdb/node-api";
import { type CellCombine, CellWriter } from "./series-cells.js";
import { doubles, forEachChunk, integers } from "./series-chunks.js";
import type { TargetFields } from "./series-fields.js";
import type { TimeGrid } from "./series-grid.js";
import type { Aggregation } from "./series-transformations.js";
import { sqlIdent, sqlString } from "./sql.js";

/** Column `i` of the key in `target_series` (k0 is the item identifier). */
export const keyColumn = (i: number): string => `k${i}`;

/**
 * A key value as SQL: missing dimension values (allowed by the import) form their own series under the empty
 * string, so a NULL never silently fails a join.
 */
export const keyValueSql = (alias: string, name: string): string =>
  `coalesce(CAST(${alias}.${sqlIdent(name)} AS VARCHAR), '')`;

/** A numeric field as DOUBLE with NaN treated as missing, like an empty value. */
export const numberSql = (alias: string, name: string): string =>
  `CASE WHEN isnan(CAST(${alias}.${sqlIdent(name)} AS DOUBLE)) THEN NULL ELSE CAST(${alias}.${sqlIdent(name)} AS DOUBLE) END`;

export interface TargetSeriesIndex {
  /** Key values per series, in key order (the series number is the position). */
  keys: string[][];
  /** Bucket index of each series' first record. */
  first: Int32Array;
  /** Bucket index of each series' last record. */
  lastRecord: Int32Array;
}

/** Creates `target_series` (sid, k0.., first_b, last_b) and returns it. Buckets come from min/max timestamps,
 * which is exact because the bucket index never decreases with time. */
export async function indexTargetSeries(
  connection: DuckDBConnection,
  file: string,
  fields: TargetFields,
  grid: TimeGrid,
): Promise<TargetSeriesIndex> {
  const keys = fields.keys.map((name, i) => `${keyValueSql("t", name)} AS ${keyColumn(i)}`).join(", ");
  const keyList = fields.keys.map((_, i) => keyColumn(i)).join(", ");
  const ts = sqlIdent(fields.timestamp);
  await connection.run(`CREATE OR REPLACE TEMP TABLE target_series AS
    SELECT CAST(row_number() OVER (ORDER BY ${keyList}) - 1 AS INTEGER) AS sid, ${keyList},
      CAST(${grid.indexSql("first_ts")} AS INTEGER) AS first_b, CAST(${grid.indexSql("last_ts")} AS INTEGER) AS last_b
    FROM (SELECT ${keys}, min(t.${ts}) AS first_ts, max(t.${ts}) AS last_ts
          FROM read_parquet(${sqlString(file)}) AS t WHERE t.${ts} IS NOT NULL GROUP BY ALL)`);
  const reader = await connection.runAndReadAll(
    `SELECT ${keyList}, first_b, last_b FROM target_series ORDER BY sid`,
  );
  const n = reader.currentRowCount;
  // Without rows DuckDB hands back no columns at all.
  if (n === 0) return { keys: [], first: new Int32Array(0), lastRecord: new Int32Array(0) };
  const columns = reader.getColumnsJS();
  const keyColumns = columns.slice(0, fields.keys.length) as string[][];
  return {
    keys: Array.from({ length: n }, (_, s) => keyColumns.map((column) => column[s])),
    first: Int32Array.from(columns[fields.keys.length] as number[]),
    lastRecord: Int32Array.from(columns[fields.keys.length + 1] as number[]),
  };
}

const AGGREGATE_SQL: Readonly<Record<Aggregation, (value: string, ts: string) => string>> = {
  sum: (v) => `sum(${v})`,
  avg: (v) => `avg(${v})`,
  min: (v) => `min(${v})`,
  max: (v) => `max(${v})`,
  // The earliest present value of the bucket (arg_min skips missing values).
  first: (v, ts) => `arg_min(${v}, ${ts})`,
};

const COMBINE: Readonly<Record<Exclude<Aggregation, "first">, CellCombine>> = {
  sum: "sum",
  avg: "mean",
  min: "min",
  max: "max",
};

/**
 * Streams the target values into `arrays[slot[sid]]` at position bucket − first bucket, aggregated; series whose
 * slot is −1 are skipped. A bucket whose values are all missing stays NaN. When buckets gather several records
 * (`coarser`: the forecast frequency is coarser than the data's) DuckDB aggregates, which shrinks what crosses into
 * JS; otherwise records pass one by one and the rare duplicates are combined in JS (series-cells.ts).
 */
export async function readTargetValues(
  connection: DuckDBConnection,
  file: string,
  fields: TargetFields,
  grid: TimeGrid,
  aggregation: Aggregation,
  coarser: boolean,
  slot: Int32Array,
  arrays: Float64Array[],
  signal: AbortSignal | undefined,
): Promise<void> {
  const ts = `t.${sqlIdent(fields.timestamp)}`;
  const join = fields.keys.map((name, i) => `${keyValueSql("t", name)} = s.${keyColumn(i)}`).join(" AND ");
  const value = numberSql("t", fields.target);
  // "first" needs each record's time to combine in JS; it is rare enough to always leave to DuckDB.
  const groupBy = coarser || aggregation === "first";
  const sql = `SELECT s.sid, CAST(${grid.indexSql(ts)} - s.first_b AS INTEGER) AS pos,
      coalesce(${groupBy ? AGGREGATE_SQL[aggregation](value, ts) : value}, CAST('NaN' AS DOUBLE)) AS v
    FROM read_parquet(${sqlString(file)}) AS t JOIN target_series AS s ON ${join}
    WHERE ${ts} IS NOT NULL ${groupBy ? "GROUP BY ALL" : ""}`;
  const writer = new CellWriter(aggregation === "first" ? "sum" : COMBINE[aggregation]);
  await forEachChunk(connection, sql, signal, (chunk) => {
    const sids = integers(chunk, 0);
    const positions = integers(chunk, 1);
    const values = doubles(chunk, 2);
    for (let row = 0; row < values.length; row++) {
      const v = values[row];
      const target = slot[sids[row]];
      if (Number.isNaN(v) || target < 0) continue;
      writer.write(arrays[target], target, positions[row], v);
    }
  });
}
