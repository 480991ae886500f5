import { withConnection } from "../data/duckdb.js";
import { sqlIdent, sqlString } from "../data/sql.js";

/**
 * A forecast's chart data, written by its job beside the forecast file: for every series its forecast rows and
 * its history (the target summed per timestamp), sorted by series, so that the console's chart of one series reads
 * one file whose row groups other series' values are skipped by (Parquet min/max statistics), instead of the
 * forecast file and a scan of the whole dataset (2.8 M rows for 100,000 series of 28 days).
 *
 * Columns, named by position so that no attribute name can clash with them: `k0`…`kn` the key values (VARCHAR,
 * item id first), `is_forecast`, `t` (epoch milliseconds of the wall-clock time as if UTC), `v` the history value
 * (null in forecast rows), `f0`…`fm` the forecast types in the forecast's order (null in history rows).
 */
export const CHART_FILE_NAME = "chart.parquet";

/** The dataset the history comes from: a local copy of its data, its timestamp and target attributes. */
export interface ChartHistoryInput {
  file: string;
  timestampField: string;
  targetField: string;
}

/**
 * Writes the chart file of a forecast from its local forecast file (key columns, `date`, one column per type in
 * `typeColumns`) and, when given, the dataset's data.
 */
export async function writeChartFile(
  out: string,
  forecastFile: string,
  keyNames: readonly string[],
  typeColumns: readonly string[],
  history: ChartHistoryInput | undefined,
  signal?: AbortSignal,
): Promise<void> {
  const keys = keyNames.map((name, i) => `${sqlIdent(name)}::VARCHAR AS k${i}`).join(", ");
  const forecastRows = `SELECT ${keys}, true AS is_forecast, epoch_ms(date::TIMESTAMP)::DOUBLE AS t, NULL::DOUBLE AS v,
      ${typeColumns.map((c, i) => `${sqlIdent(c)}::DOUBLE AS f${i}`).join(", ")}
    FROM read_parquet(${sqlString(forecastFile)})`;
  const historyRows = history
    ? `SELECT ${keys}, false AS is_forecast, epoch_ms(${sqlIdent(history.timestampField)}::TIMESTAMP)::DOUBLE AS t,
          sum(${sqlIdent(history.targetField)})::DOUBLE AS v, ${typeColumns.map((_, i) => `NULL::DOUBLE AS f${i}`).join(", ")}
        FROM read_parquet(${sqlString(history.file)}) GROUP BY ALL`
    : undefined;
  const order = [...keyNames.map((_, i) => `k${i}`), "is_forecast", "t"].join(", ");
  await withConnection(signal, (connection) =>
    connection.run(
      `COPY (${forecastRows}${historyRows ? ` UNION ALL ${historyRows}` : ""} ORDER BY ${order})
       TO ${sqlString(out)} (FORMAT parquet)`,
    ),
  );
}

export interface ChartRows {
  /** The forecast rows, oldest first: time, then one value per type. */
  forecast: { time: number[]; values: number[][] };
  /** The most recent `historyLimit` history rows, newest first: [time, value]. */
  history: [number, number | null][];
}

/** One series' rows of a chart file (local path): its forecast, and its most recent `historyLimit` history points. */
export async function readChartRows(
  file: string,
  key: readonly string[],
  typeCount: number,
  historyLimit: number,
): Promise<ChartRows> {
  const match = key.map((v, i) => `k${i} = ${sqlString(v)}`).join(" AND ");
  const columns = ["is_forecast", "t", "v", ...Array.from({ length: typeCount }, (_, i) => `f${i}`)].join(
    ", ",
  );
  const from = `read_parquet(${sqlString(file)})`;
  const rows = await withConnection(undefined, async (connection) =>
    (
      await connection.runAndReadAll(
        `(SELECT ${columns} FROM ${from} WHERE ${match} AND is_forecast ORDER BY t)
         UNION ALL
         (SELECT ${columns} FROM ${from} WHERE ${match} AND NOT is_forecast ORDER BY t DESC LIMIT ${historyLimit})`,
      )
    ).getRows(),
  );
  const forecast = rows.filter((r) => r[0] === true).sort((a, b) => Number(a[1]) - Number(b[1]));
  const history = rows
    .filter((r) => r[0] !== true)
    .map((r) => [Number(r[1]), r[2] === null ? null : Number(r[2])] as [number, number | null])
    .sort((a, b) => b[0] - a[0]);
  return {
    forecast: {
      time: forecast.map((r) => Number(r[1])),
      values: Array.from({ length: typeCount }, (_, i) => forecast.map((r) => Number(r[3 + i]))),
    },
    history,
  };
}
