import { withConnection } from "../data/duckdb.js";
import { sqlIdent, sqlString } from "../data/sql.js";
import { invalidInput } from "../errors.js";
import { STATUS } from "../jobs/statuses.js";
import type { BlobStore } from "../storage/blob-store.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { requireResource } from "./common.js";
import type { RequestContext } from "./context.js";
import { dataFileOf, groupDatasets, schemaOf } from "./group-data.js";
import { fetchOwnFile, ownFileVersion } from "./own-files.js";
import { buildSeriesIndex, type SeriesIndex, searchSeriesIndex, seriesText } from "./series-index.js";
import { seriesListOfParquet } from "./series-list.js";

/** The longest search text taken; longer text is refused (no series label is that long in practice). */
export const MAX_SEARCH_LENGTH = 200;
/** At most this many whitespace-separated terms; each must occur in a matching series' label. */
export const MAX_SEARCH_TERMS = 8;
/** Results per page, and the furthest page offset a search can ask for. */
export const SEARCH_PAGE_SIZE = 20;
export const MAX_SEARCH_OFFSET = 100_000;
/**
 * How many files' indexes stay in memory, and how many series they may hold together (an index of 100,000 series
 * takes about 10 MB: the text of its series list and one string of its labels). The most recently used index is
 * kept whatever its size.
 */
const CACHED_INDEXES = 8;
const CACHED_SERIES = 1_000_000;
/** The most history points a chart gets: the most recent ones. */
export const MAX_HISTORY_POINTS = 2_000;

export { seriesText };

export interface SeriesSearchResult {
  keyNames: string[];
  /** The page of matching series (their key values: item id, then the dimensions), in key order. */
  series: string[][];
  /** How many series match in all, and how many the file has. */
  matches: number;
  total: number;
  offset: number;
}

interface CachedIndex {
  index: Promise<SeriesIndex>;
  /** Known once loaded. */
  series: number;
}

const indexes = new Map<string, CachedIndex>();

/** Drops the least recently used indexes beyond the bounds (never the most recent one). */
function evictIndexes(): void {
  let series = 0;
  for (const entry of indexes.values()) series += entry.series;
  while (indexes.size > 1 && (indexes.size > CACHED_INDEXES || series > CACHED_SERIES)) {
    const [oldest, entry] = indexes.entries().next().value as [string, CachedIndex];
    indexes.delete(oldest);
    series -= entry.series;
  }
}

/** Where a file's series come from: its series list (a forecast's, written by its job), else the file itself. */
interface IndexSource {
  /** The results file (Parquet) whose distinct series are indexed. */
  file: string;
  /** The series list the job wrote beside it, when it did (resources made before series lists have none). */
  seriesList?: string;
  /** Rows of the file that are series (SQL of our own, never user input). */
  where: string;
}

async function loadIndex(
  blobs: BlobStore,
  record: ResourceRecord,
  source: IndexSource,
  keyNames: readonly string[],
): Promise<SeriesIndex> {
  // Both files are the resource's own, never rewritten while it lives: fetched by version, with no HeadObject.
  const version = ownFileVersion(record);
  if (source.seriesList) {
    try {
      const index = buildSeriesIndex(await blobs.readText(source.seriesList, { version }));
      if (index.keyNames.join("\t") === keyNames.join("\t")) return index;
    } catch {
      // Unreadable or not a series list: the results file itself still says which series there are.
    }
  }
  const lease = await blobs.fetch(source.file, { version });
  let text: string;
  try {
    text = await seriesListOfParquet(lease.path, keyNames, source.where);
  } finally {
    lease.release();
  }
  return buildSeriesIndex(text);
}

/**
 * The series index of a results file, made once and kept (files never change once published: a new forecast or
 * explainability is a new file). A forecast's comes from the series list its job wrote, a few MB read and split
 * in tens of milliseconds; an explainability's (at most 50 series) from DuckDB reading the file.
 */
function seriesIndex(
  blobs: BlobStore,
  record: ResourceRecord,
  source: IndexSource,
  keyNames: readonly string[],
): Promise<SeriesIndex> {
  // A key is reused when a resource is deleted and created again under its name: its creation time tells them apart.
  const cacheKey = `${source.file}\u0000${record.createdAt}\u0000${source.where}`;
  const cached = indexes.get(cacheKey);
  if (cached) {
    indexes.delete(cacheKey);
    indexes.set(cacheKey, cached);
    return cached.index;
  }
  const entry: CachedIndex = { index: loadIndex(blobs, record, source, keyNames), series: 0 };
  indexes.set(cacheKey, entry);
  entry.index.then(
    (index) => {
      entry.series = index.count;
      evictIndexes();
    },
    () => {
      if (indexes.get(cacheKey) === entry) indexes.delete(cacheKey);
    },
  );
  evictIndexes();
  return entry.index;
}

/** The search terms of a query: bounded in length and count, lower case; empty means every series. */
export function searchTerms(query: string): string[] {
  if (query.length > MAX_SEARCH_LENGTH) {
    throw invalidInput(`A search is at most ${MAX_SEARCH_LENGTH} characters long.`);
  }
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length > MAX_SEARCH_TERMS) {
    throw invalidInput(`A search takes at most ${MAX_SEARCH_TERMS} words.`);
  }
  return terms;
}

/** A page of the series whose label holds every term (plain substrings, no patterns). */
function search(index: SeriesIndex, query: string, offset: number, limit: number): SeriesSearchResult {
  const terms = searchTerms(query);
  const start = Math.min(Math.max(0, Math.trunc(offset) || 0), MAX_SEARCH_OFFSET);
  const size = Math.min(Math.max(1, Math.trunc(limit) || SEARCH_PAGE_SIZE), 100);
  const { series, matches } = searchSeriesIndex(index, terms, start, size);
  return { keyNames: index.keyNames, series, matches, total: index.count, offset: start };
}

function requireActive(record: ResourceRecord, what: string): void {
  if (record.status !== STATUS.ACTIVE) {
    throw invalidInput(`The ${what} is ${record.status}; its series can be searched once it is ACTIVE.`);
  }
}

/** The series of a forecast (item id and dimensions) whose label holds every word of `query`. */
export async function searchForecastSeries(
  ctx: RequestContext,
  forecastArn: string,
  query: string,
  offset = 0,
  limit = SEARCH_PAGE_SIZE,
): Promise<SeriesSearchResult> {
  const forecast = await requireResource(ctx, forecastArn, ["forecast"]);
  requireActive(forecast, "forecast");
  const seriesList = forecast.attrs.SeriesListFile;
  const index = await seriesIndex(
    ctx.services.blobs,
    forecast,
    {
      file: String(forecast.attrs.ForecastFile),
      ...(typeof seriesList === "string" ? { seriesList } : {}),
      where: "",
    },
    forecast.attrs.KeyNames as string[],
  );
  return search(index, query, offset, limit);
}

/** The explained series of an explainability whose label holds every word of `query`. */
export async function searchExplainedSeries(
  ctx: RequestContext,
  explainabilityArn: string,
  keyNames: readonly string[],
  query: string,
  offset = 0,
  limit = SEARCH_PAGE_SIZE,
): Promise<SeriesSearchResult> {
  const explainability = await requireResource(ctx, explainabilityArn, ["explainability"]);
  requireActive(explainability, "explainability");
  // The per-series Aggregate rows; the overall row has item_id Aggregate too and is left out.
  const index = await seriesIndex(
    ctx.services.blobs,
    explainability,
    {
      file: String(explainability.attrs.ImpactFile),
      where: "WHERE timestamp = 'Aggregate' AND item_id <> 'Aggregate'",
    },
    keyNames,
  );
  return search(index, query, offset, limit);
}

export interface SeriesForecastView {
  keyNames: string[];
  key: string[];
  /** The forecast columns present ("p10", "p50", "mean", ...), in the forecast's order. */
  types: string[];
  /** Epoch milliseconds (the wall-clock time as if UTC) and the summed target, oldest first. */
  history: { time: number[]; value: number[] };
  /** Whether older history was left out (only the most recent MAX_HISTORY_POINTS are drawn). */
  historyCut: boolean;
  forecast: { time: number[]; values: Record<string, number[]> };
}

/**
 * One series of a forecast: its history (the target dataset's current data, summed per timestamp over any
 * other attributes, the most recent MAX_HISTORY_POINTS) and its forecast by type. Undefined when the forecast has
 * no such series.
 */
export async function forecastSeriesView(
  ctx: RequestContext,
  forecastArn: string,
  key: readonly string[],
): Promise<SeriesForecastView | undefined> {
  const forecast = await requireResource(ctx, forecastArn, ["forecast"]);
  requireActive(forecast, "forecast");
  const keyNames = forecast.attrs.KeyNames as string[];
  if (key.length !== keyNames.length) return undefined;
  const types = (forecast.attrs.ForecastTypes as string[]).map((t) =>
    t === "mean" ? "mean" : `p${Math.round(Number(t) * 100)}`,
  );
  const match = keyNames
    .map((k, i) => `${sqlIdent(k)}::VARCHAR = ${sqlString(key[i] as string)}`)
    .join(" AND ");
  let group: ResourceRecord | undefined;
  try {
    group = await requireResource(ctx, String(forecast.attrs.DatasetGroupArn), ["dataset-group"]);
  } catch {
    group = undefined; // the dataset group was deleted since: the chart shows the forecast alone
  }
  const datasets = group ? await groupDatasets(ctx.services.store, group) : undefined;
  const dataKey = dataFileOf(datasets?.target);
  // The forecast's own file by version (no HeadObject); the dataset's current data is rewritten in place by a newer
  // import, so its copy is checked against the object.
  const forecastLease = await fetchOwnFile(ctx.services.blobs, forecast, "ForecastFile");
  const dataLease = dataKey ? await ctx.services.blobs.fetch(dataKey).catch(() => undefined) : undefined;
  const dataFile = dataLease?.path;
  const timestampField =
    datasets?.target && schemaOf(datasets.target).find((a) => a.AttributeType === "timestamp")?.AttributeName;
  // The forecast rows and the history are read at once, on two connections.
  const readForecast = withConnection(
    undefined,
    async (connection) =>
      (
        await connection.runAndReadAll(
          `SELECT date, ${types.map(sqlIdent).join(", ")} FROM read_parquet(${sqlString(forecastLease.path)})
           WHERE ${match} ORDER BY date`,
        )
      ).getRowObjectsJS() as Record<string, unknown>[],
  );
  const readHistory =
    dataFile && timestampField && datasets
      ? withConnection(
          undefined,
          async (connection) =>
            (
              await connection.runAndReadAll(
                `SELECT epoch_ms(${sqlIdent(timestampField)}::TIMESTAMP)::DOUBLE AS t,
                        sum(${sqlIdent(datasets.targetField)})::DOUBLE AS v
                 FROM read_parquet(${sqlString(dataFile)}) WHERE ${match}
                 GROUP BY 1 ORDER BY 1 DESC LIMIT ${MAX_HISTORY_POINTS + 1}`,
              )
            ).getRows() as [number, number | null][],
        )
      : Promise.resolve(undefined);
  const [rows, history] = await Promise.all([readForecast, readHistory]).finally(() => {
    forecastLease.release();
    dataLease?.release();
  });
  if (rows.length === 0) return undefined;
  const view: SeriesForecastView = {
    keyNames,
    key: [...key],
    types,
    history: { time: [], value: [] },
    historyCut: false,
    forecast: {
      time: rows.map((r) => Date.parse(`${String(r.date)}Z`)),
      values: Object.fromEntries(types.map((t) => [t, rows.map((r) => Number(r[t]))])),
    },
  };
  if (history) {
    view.historyCut = history.length > MAX_HISTORY_POINTS;
    const recent = history.slice(0, MAX_HISTORY_POINTS).reverse();
    view.history = { time: recent.map((r) => Number(r[0])), value: recent.map((r) => Number(r[1])) };
  }
  return view;
}
