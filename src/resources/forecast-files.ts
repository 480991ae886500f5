import { once } from "node:events";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import { withConnection } from "../data/duckdb.js";
import { sqlIdent, sqlString } from "../data/sql.js";
import type { SeriesForecast } from "../forecasting/model.js";
import type { PreparedSeries, SeriesSet } from "../forecasting/series-set.js";

/** Column name of a forecast type in forecast files and QueryForecast: "p10", "p50", "mean". */
export function forecastTypeColumn(type: string): string {
  return type === "mean" ? "mean" : `p${Math.round(Number(type) * 100)}`;
}

/** Timestamps as Forecast writes them in exports and QueryForecast: yyyy-MM-ddTHH:mm:ss (UTC). */
export function forecastTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Writes a forecast as Parquet: the key columns, `date`, then one DOUBLE column per forecast type. Rows go
 * through a CSV stream first so memory stays bounded by one series, then DuckDB types and compresses them.
 * `forecastOf(i)` is the forecast of `series[i]`.
 */
export async function writeForecastFile(
  file: string,
  set: SeriesSet,
  series: readonly PreparedSeries[],
  forecastOf: (i: number) => SeriesForecast,
  types: readonly string[],
  quantiles: readonly number[],
  signal?: AbortSignal,
): Promise<void> {
  const csv = `${file}.csv.tmp`;
  const out = createWriteStream(csv);
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, "drain");
  };
  for (let i = 0; i < series.length; i++) {
    const s = series[i] as PreparedSeries;
    const f = forecastOf(i);
    const keys = s.key.map(csvField).join(",");
    const n = s.target.length;
    for (let t = 0; t < set.horizon; t++) {
      const values = types.map((type) =>
        type === "mean" ? f.mean[t] : f.quantiles[quantiles.indexOf(Number(type))]?.[t],
      );
      await write(`${keys},${forecastTimestamp(s.timestamps[n + t] as number)},${values.join(",")}`);
    }
  }
  out.end();
  await once(out, "finish");
  const columns = [
    ...set.keyNames.map((k) => `${sqlString(k)}: 'VARCHAR'`),
    `'date': 'VARCHAR'`,
    ...types.map((t) => `${sqlString(forecastTypeColumn(t))}: 'DOUBLE'`),
  ];
  const tmp = `${file}.tmp`;
  try {
    await withConnection(signal, async (connection) => {
      await connection.run(
        `COPY (SELECT * FROM read_csv(${sqlString(csv)}, header = false, columns = {${columns.join(", ")}}))
         TO ${sqlString(tmp)} (FORMAT parquet)`,
      );
    });
    await fs.rename(tmp, file);
  } finally {
    await fs.rm(csv, { force: true });
    await fs.rm(tmp, { force: true });
  }
}

/** SQL selecting a forecast file's rows in export order. */
export function forecastRowsSql(file: string, keyNames: readonly string[]): string {
  const order = [...keyNames.map(sqlIdent), "date"].join(", ");
  return `SELECT * FROM read_parquet(${sqlString(file)}) ORDER BY ${order}`;
}
