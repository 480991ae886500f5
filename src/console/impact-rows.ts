import { withConnection } from "../data/duckdb.js";
import { sqlString } from "../data/sql.js";

/** The marker of aggregate rows in an impact file (see resources/explainability-compute.ts). */
const AGGREGATE = "Aggregate";
const NORMALIZED = "-NormalizedImpactScore";
const RAW = "-RawImpactScore";

/** Amazon's console offers at most this many series to pick from. */
export const MAX_CHART_SERIES = 50;

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
  overall: ImpactScope | undefined;
  /** The first MAX_CHART_SERIES series, in the file's order. */
  series: ImpactScope[];
  /** How many series the file has in all. */
  seriesCount: number;
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
    // preserve_insertion_order (set in data/duckdb.ts) keeps the file's order, so "first" is the file's first.
    const seriesReader = await connection.runAndReadAll(
      `SELECT * FROM ${source} WHERE ${aggregates} AND item_id <> ${sqlString(AGGREGATE)} LIMIT ${MAX_CHART_SERIES}`,
    );
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
    const scope = (row: Record<string, unknown>, withKey: boolean): ImpactScope => ({
      key: withKey ? keyNames.map((k) => String(row[k] ?? "")) : [],
      impacts: attributes.map((attribute) => ({
        attribute,
        raw: toNumber(row[`${attribute}${RAW}`]),
        normalized: toNumber(row[`${attribute}${NORMALIZED}`]),
      })),
      usesAttributes: attributes.some((a) => row[`${a}${NORMALIZED}`] != null || row[`${a}${RAW}`] != null),
    });
    const first = overallRows[0];
    return {
      keyNames,
      overall: first ? scope(first, false) : undefined,
      series: seriesReader.getRowObjectsJS().map((row) => scope(row, true)),
      seriesCount: Number(count ?? 0),
    };
  });
}

function toNumber(value: unknown): number {
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
}
