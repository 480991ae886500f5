// The related time series in DuckDB: its keys (a temp table `related_keys`), which target series each feeds, and
// its values in the buckets of the grid, streamed into the arrays of the target series they belong to.
import type { DuckDBConnection } from "@duckdb/node-api";
import { CellWriter } from "./series-cells.js";
import { doubles, forEachChunk, integers } from "./series-chunks.js";
import type { RelatedFields } from "./series-fields.js";
import type { TimeGrid } from "./series-grid.js";
import { keyColumn, keyValueSql, numberSql } from "./series-target.js";
import { sqlIdent, sqlString } from "./sql.js";

export interface RelatedIndex {
  /** Per target series: the related key feeding it, or −1 when the related dataset has no record for it. */
  keyOfSeries: Int32Array;
  /** Per related key: bucket index of its first and last record. */
  first: Int32Array;
  last: Int32Array;
}

/**
 * Creates `related_keys` and matches it to `target_series` (which must exist). A related dataset without some
 * forecast dimensions feeds every series of the same item (and of the dimensions it has) with the same values.
 */
export async function indexRelatedSeries(
  connection: DuckDBConnection,
  file: string,
  fields: RelatedFields,
  targetKeys: readonly string[],
  grid: TimeGrid,
  seriesCount: number,
): Promise<RelatedIndex> {
  const column = (j: number) => `r${j}`;
  const keys = fields.keys.map((name, j) => `${keyValueSql("t", name)} AS ${column(j)}`).join(", ");
  const keyList = fields.keys.map((_, j) => column(j)).join(", ");
  const ts = sqlIdent(fields.timestamp);
  await connection.run(`CREATE OR REPLACE TEMP TABLE related_keys AS
    SELECT CAST(row_number() OVER (ORDER BY ${keyList}) - 1 AS INTEGER) AS rid, ${keyList},
      CAST(${grid.indexSql("first_ts")} AS INTEGER) AS first_b, CAST(${grid.indexSql("last_ts")} AS INTEGER) AS last_b
    FROM (SELECT ${keys}, min(t.${ts}) AS first_ts, max(t.${ts}) AS last_ts
          FROM read_parquet(${sqlString(file)}) AS t WHERE t.${ts} IS NOT NULL GROUP BY ALL)`);
  const join = fields.keys
    .map((name, j) => `s.${keyColumn(targetKeys.indexOf(name))} = r.${column(j)}`)
    .join(" AND ");
  const pairs = (
    await connection.runAndReadAll(
      `SELECT s.sid, r.rid FROM target_series AS s JOIN related_keys AS r ON ${join}`,
    )
  ).getColumnsJS() as number[][];
  const keyOfSeries = new Int32Array(seriesCount).fill(-1);
  const [sids = [], rids = []] = pairs;
  for (let i = 0; i < sids.length; i++) keyOfSeries[sids[i]] = rids[i];
  const bounds = (
    await connection.runAndReadAll("SELECT first_b, last_b FROM related_keys ORDER BY rid")
  ).getColumnsJS() as number[][];
  return { keyOfSeries, first: Int32Array.from(bounds[0] ?? []), last: Int32Array.from(bounds[1] ?? []) };
}

/** Where the values of each related key go: the output series it feeds and their arrays. */
export interface RelatedDestinations {
  /** The series fed by related key `rid` are `series[offsets[rid]] .. series[offsets[rid + 1] − 1]`. */
  offsets: Int32Array;
  series: Int32Array;
  /** Per output series: the bucket index of array position 0. */
  first: Int32Array;
  /** Per output series, per feature: the array (history and horizon). */
  arrays: Float64Array[][];
}

/** Groups output series by the related key feeding them (`keyOfOutput[i]` is −1 for none). */
export function destinationsOf(
  keyOfOutput: Int32Array,
  keyCount: number,
  first: Int32Array,
  arrays: Float64Array[][],
): RelatedDestinations {
  const offsets = new Int32Array(keyCount + 1);
  for (const rid of keyOfOutput) if (rid >= 0) offsets[rid + 1]++;
  for (let r = 0; r < keyCount; r++) offsets[r + 1] += offsets[r];
  const fillPointer = offsets.slice(0, keyCount);
  const series = new Int32Array(offsets[keyCount]);
  keyOfOutput.forEach((rid, i) => {
    if (rid >= 0) series[fillPointer[rid]++] = i;
  });
  return { offsets, series, first, arrays };
}

/**
 * Streams the related values into the destination arrays, record by record. Related data is not aggregated
 * (Amazon requires it at the forecast frequency); should a bucket still hold several records, their mean is
 * taken. Records outside a series' history and horizon are dropped.
 */
export async function readRelatedValues(
  connection: DuckDBConnection,
  file: string,
  fields: RelatedFields,
  grid: TimeGrid,
  to: RelatedDestinations,
  signal: AbortSignal | undefined,
): Promise<void> {
  const ts = `t.${sqlIdent(fields.timestamp)}`;
  const join = fields.keys.map((name, j) => `${keyValueSql("t", name)} = r.r${j}`).join(" AND ");
  const features = fields.features
    .map((name) => `coalesce(${numberSql("t", name)}, CAST('NaN' AS DOUBLE))`)
    .join(", ");
  const sql = `SELECT r.rid, CAST(${grid.indexSql(ts)} AS INTEGER) AS b, ${features}
    FROM read_parquet(${sqlString(file)}) AS t JOIN related_keys AS r ON ${join}
    WHERE ${ts} IS NOT NULL`;
  const nFeatures = fields.features.length;
  const writer = new CellWriter("mean");
  await forEachChunk(connection, sql, signal, (chunk) => {
    const rids = integers(chunk, 0);
    const buckets = integers(chunk, 1);
    const values = Array.from({ length: nFeatures }, (_, f) => doubles(chunk, 2 + f));
    for (let row = 0; row < rids.length; row++) {
      const rid = rids[row];
      const bucket = buckets[row];
      for (let d = to.offsets[rid]; d < to.offsets[rid + 1]; d++) {
        const out = to.series[d];
        const arrays = to.arrays[out];
        const position = bucket - to.first[out];
        if (position < 0 || position >= arrays[0].length) continue;
        for (let f = 0; f < nFeatures; f++) {
          const v = values[f][row];
          if (!Number.isNaN(v)) writer.write(arrays[f], out * nFeatures + f, position, v);
        }
      }
    }
  });
}
