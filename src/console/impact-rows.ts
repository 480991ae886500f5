import { withConnection } from "../data/duckdb.js";
import { sqlIdent, sqlString } from "../data/sql.js";

/** The marker of aggregate rows in an impact file (see resources/explainability-compute.ts). */
const AGGREGATE = "Aggregate";
const NORMALIZED = "-NormalizedImpactScore";
const RAW = "-RawImpactScore";

/** The most explained time points of one series the page offers to choose from. */
export const MAX_TIME_POINTS = 1_000;

export interface AttributeImpact {
  attribute: string;
  raw: number;
  normalized: number;
}

/** One scope of the chart: all series together, or one series over its time points. */
export interface ImpactScope {
  /** The series' identifying values (item_id, then the dimensions); empty for the overall aggregate. */
  key: string[];
  impacts: AttributeImpact[];
  /** False when every score of the row is empty: the export's marker of a forecast that uses no attribute. */
  usesAttributes: boolean;
}

export interface ImpactView {
  /** item_id and the forecast dimensions, as the impact file names them. */
  keyNames: string[];
  /** The attributes, in the file's column order. */
  attributes: string[];
  overall: ImpactScope | undefined;
  /** How many series the file has in all. */
  seriesCount: number;
}

/** One explained series: its Aggregate row and its explained time points (raw Shapley values only). */
export interface SeriesImpacts {
  aggregate: ImpactScope;
  /** The explained time points, oldest first (at most MAX_TIME_POINTS). */
  timePoints: { timestamp: string; impacts: AttributeImpact[] }[];
}

/**
 * Reads the aggregate rows of an explainability's impact file: the overall row and the per-series rows. The
 * attributes and dimensions are taken from the file's own columns, so the page shows what the file holds.
 */
export async function readImpactView(file: string): Promise<ImpactView> {
  return withConnection(undefined, async (connection) => {
    const source = `read_parquet(${sqlString(file)})`;
    const aggregates = `timestamp = ${sqlString(AGGREGATE)}`;
    const overallRows = (
      await connection.runAndReadAll(
        `SELECT * FROM ${source} WHERE ${aggregates} AND item_id = ${sqlString(AGGREGATE)}`,
      )
    ).getRowObjectsJS();
    const seriesReader = await connection.runAndReadAll(`SELECT * FROM ${source} LIMIT 0`);
    const count = (
      await connection.runAndReadAll(
        `SELECT count(*)::INTEGER AS n FROM ${source} WHERE ${aggregates} AND item_id <> ${sqlString(AGGREGATE)}`,
      )
    ).getRowObjectsJS()[0]?.n;
    const columns = seriesReader.columnNames();
    const attributes = columns
      .filter((c) => c.endsWith(NORMALIZED))
      .map((c) => c.slice(0, -NORMALIZED.length));
    const keyNames = columns.filter((c) => c !== "timestamp" && !c.endsWith(NORMALIZED) && !c.endsWith(RAW));
    const first = overallRows[0];
    return {
      keyNames,
      attributes,
      overall: first ? scopeOf(first, attributes, []) : undefined,
      seriesCount: Number(count ?? 0),
    };
  });
}

function scopeOf(row: Record<string, unknown>, attributes: readonly string[], key: string[]): ImpactScope {
  return {
    key,
    impacts: attributes.map((attribute) => ({
      attribute,
      raw: toNumber(row[`${attribute}${RAW}`]),
      normalized: toNumber(row[`${attribute}${NORMALIZED}`]),
    })),
    usesAttributes: attributes.some((a) => row[`${a}${NORMALIZED}`] != null || row[`${a}${RAW}`] != null),
  };
}

/**
 * The rows of one series: its Aggregate row and its explained time points. A time point's row holds raw Shapley
 * values only; its `normalized` is the raw value over the largest magnitude at that point, for drawing.
 * Undefined when the file has no such series.
 */
export async function readSeriesImpacts(
  file: string,
  view: ImpactView,
  key: readonly string[],
): Promise<SeriesImpacts | undefined> {
  if (key.length !== view.keyNames.length) return undefined;
  return withConnection(undefined, async (connection) => {
    const match = view.keyNames
      .map((k, i) => `${sqlIdent(k)}::VARCHAR = ${sqlString(key[i] as string)}`)
      .join(" AND ");
    const rows = (
      await connection.runAndReadAll(
        `SELECT * FROM read_parquet(${sqlString(file)}) WHERE ${match}
         ORDER BY timestamp = ${sqlString(AGGREGATE)} DESC, timestamp LIMIT ${MAX_TIME_POINTS + 1}`,
      )
    ).getRowObjectsJS();
    const aggregateRow = rows[0];
    if (!aggregateRow || aggregateRow.timestamp !== AGGREGATE) return undefined;
    const timePoints = rows.slice(1).map((row) => {
      const impacts = scopeOf(row, view.attributes, []).impacts;
      const largest = Math.max(0, ...impacts.map((i) => Math.abs(i.raw)));
      for (const i of impacts) i.normalized = largest > 0 ? i.raw / largest : 0;
      return { timestamp: String(row.timestamp), impacts };
    });
    return { aggregate: scopeOf(aggregateRow, view.attributes, [...key]), timePoints };
  });
}

function toNumber(value: unknown): number {
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
}
