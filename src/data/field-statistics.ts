import type { DuckDBConnection } from "@duckdb/node-api";
import type { SchemaAttribute } from "./schema.js";
import { sqlIdent, sqlString } from "./sql.js";

/** Statistics of one field, shaped as the Forecast API's `Statistics`. */
export interface Statistics {
  Count?: number;
  CountDistinct?: number;
  CountNull?: number;
  CountNan?: number;
  Min?: string;
  Max?: string;
  Avg?: number;
  Stddev?: number;
  CountLong?: number;
  CountDistinctLong?: number;
  CountNullLong?: number;
  CountNanLong?: number;
}

const INTEGER_MAX = 2_147_483_647;

type CountName = "Count" | "CountDistinct" | "CountNull" | "CountNan";

/** Sets a count; the API's Integer counts overflow past 2^31-1, then the Integer reads -1 and the Long member holds it. */
export function putCount(stats: Statistics, name: CountName, value: number): void {
  if (value > INTEGER_MAX) {
    stats[name] = -1;
    stats[`${name}Long`] = value;
  } else {
    stats[name] = value;
  }
}

/**
 * A double as Java's Double.toString writes it ("0.0", "168200.0", "1.0E7"), which is how Amazon's
 * statistics show numeric Min and Max.
 */
export function javaDoubleString(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const magnitude = Math.abs(x);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const plain = String(x);
    return plain.includes(".") ? plain : `${plain}.0`;
  }
  const [mantissa = "", exponent = ""] = x.toExponential().split("e");
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${exponent.replace("+", "")}`;
}

const toNumber = (value: unknown): number => Number(value ?? 0);

async function row(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS()[0] ?? {};
}

/**
 * Queries per attribute, each reading one column of the Parquet file: cheap, and DuckDB runs several
 * DISTINCT counts or filtered aggregates in one query markedly slower than separately.
 */
async function fieldStatistics(
  connection: DuckDBConnection,
  from: string,
  attribute: SchemaAttribute,
): Promise<Statistics> {
  const column = sqlIdent(attribute.AttributeName);
  const type = attribute.AttributeType;
  const numeric = type === "integer" || type === "float";
  const nans = type === "float" ? `count(*) FILTER (WHERE isnan(${column}))` : "0";
  const counts = await row(
    connection,
    `SELECT count(*) AS n, count(${column}) AS present, count(DISTINCT ${column}) AS distinct_values, ${nans} AS nans FROM ${from}`,
  );
  const stats: Statistics = {};
  putCount(stats, "Count", toNumber(counts.n));
  putCount(stats, "CountDistinct", toNumber(counts.distinct_values));
  putCount(stats, "CountNull", toNumber(counts.n) - toNumber(counts.present));
  if (numeric) putCount(stats, "CountNan", toNumber(counts.nans));

  if (type === "timestamp") {
    const range = await row(
      connection,
      `SELECT strftime(min(${column}), '%Y-%m-%dT%H:%M:%SZ') AS low, strftime(max(${column}), '%Y-%m-%dT%H:%M:%SZ') AS high FROM ${from}`,
    );
    if (range.low !== null && range.high !== null) {
      stats.Min = String(range.low);
      stats.Max = String(range.high);
    }
  }
  if (numeric) {
    // NaN is counted apart and kept out of Min, Max, Avg and Stddev, which it would otherwise swallow.
    const notNan = toNumber(counts.nans) > 0 ? ` WHERE NOT isnan(${column})` : "";
    const range = await row(
      connection,
      `SELECT min(${column}) AS low, max(${column}) AS high FROM ${from}${notNan}`,
    );
    if (range.low !== null && range.high !== null) {
      stats.Min = type === "integer" ? String(range.low) : javaDoubleString(Number(range.low));
      stats.Max = type === "integer" ? String(range.high) : javaDoubleString(Number(range.high));
      // Infinities (which fail the import anyway) would make DuckDB's stddev raise; they are left out.
      const finite = Number.isFinite(Number(range.low)) && Number.isFinite(Number(range.high));
      const where = finite ? notNan : ` WHERE isfinite(${column})`;
      const moments = await row(
        connection,
        `SELECT avg(${column}) AS mean, stddev_pop(${column}) AS sd FROM ${from}${where}`,
      );
      if (moments.mean !== null) {
        stats.Avg = Number(moments.mean);
        stats.Stddev = Number(moments.sd);
      }
    }
  }
  return stats;
}

/**
 * FieldStatistics of a canonical Parquet file. Count is the number of rows (present or not), CountNull the
 * empty ones; Min and Max are given for numbers and timestamps; Avg and Stddev (population) for numbers.
 */
export async function computeFieldStatistics(
  connection: DuckDBConnection,
  parquetPath: string,
  schema: readonly SchemaAttribute[],
): Promise<Record<string, Statistics>> {
  const from = `read_parquet(${sqlString(parquetPath)})`;
  const result: Record<string, Statistics> = {};
  for (const attribute of schema) {
    result[attribute.AttributeName] = await fieldStatistics(connection, from, attribute);
  }
  return result;
}
