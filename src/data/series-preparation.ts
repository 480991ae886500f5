// prepareSeries: a dataset group's imported data (canonical Parquet files) turned into the SeriesSet a predictor
// trains on. Everything the request says is checked before data is read; DuckDB aggregates into the buckets of the
// forecast frequency; JS places the values on each series' grid, fills gaps and adds related data, metadata and
// holidays. See src/data/README.md ("Series preparation") for the rules and the choices made where Amazon is silent.

import type { DuckDBConnection } from "@duckdb/node-api";
import { seasonalPeriod } from "../forecasting/periods.js";
import type { PreparedSeries, SeriesSet } from "../forecasting/series-set.js";
import { withConnection } from "./duckdb.js";
import { SeriesPreparationError } from "./series-error.js";
import {
  metadataFields,
  type RelatedFields,
  relatedFields,
  type SeriesAttribute,
  targetFields,
} from "./series-fields.js";
import { fillMissing } from "./series-fill.js";
import { nominalMs, parseFrequency } from "./series-frequency.js";
import { type TimeAlignmentBoundary, type TimeGrid, timeGrid } from "./series-grid.js";
import { checkHolidayCountries, holidayFlags, loadHolidays } from "./series-holidays.js";
import { readItemMetadata } from "./series-metadata.js";
import {
  destinationsOf,
  indexRelatedSeries,
  type RelatedIndex,
  readRelatedValues,
} from "./series-related.js";
import { indexTargetSeries, readTargetValues, type TargetSeriesIndex } from "./series-target.js";
import {
  type AttributeConfig,
  parseTransformations,
  type RelatedTransformations,
} from "./series-transformations.js";
import { SharedFloats } from "./shared-floats.js";
import { TimeSlice } from "./time-slice.js";

export interface TimeSeriesDataset {
  /** The canonical Parquet file of the dataset (written by importFiles). */
  file: string;
  schema: readonly SeriesAttribute[];
  /** The dataset's DataFrequency. */
  frequency: string;
}

export interface PrepareSeriesInput {
  target: TimeSeriesDataset;
  related?: TimeSeriesDataset | undefined;
  metadata?: { file: string; schema: readonly SeriesAttribute[] } | undefined;
  /** The domain's item identifier field, e.g. item_id. */
  itemIdField: string;
  /** The domain's target field, e.g. demand. */
  targetField: string;
  /** ForecastFrequency: Y, M, W, D, H, 30min, ... and multiples such as 2W or 3M. */
  forecastFrequency: string;
  /** ForecastDimensions: string attributes of the target that split an item into several series. */
  forecastDimensions?: string[] | undefined;
  horizon: number;
  attributeConfigs?: AttributeConfig[] | undefined;
  timeAlignmentBoundary?: TimeAlignmentBoundary | undefined;
  /** CountryCode values of the AdditionalDataset named "holiday". */
  holidayCountries?: string[] | undefined;
  /** Refuse data with more series than this (after matching related data). */
  maxSeries?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** The request, checked: everything prepareSeries needs before it reads data. */
function plan(input: PrepareSeriesInput) {
  const { horizon } = input;
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new SeriesPreparationError(
      "BAD_HORIZON",
      `The forecast horizon must be a whole number of at least 1, not ${horizon}`,
    );
  }
  const forecast = parseFrequency(input.forecastFrequency, "forecast frequency");
  const data = parseFrequency(input.target.frequency, "target time series frequency");
  if (nominalMs(forecast) < nominalMs(data)) {
    throw new SeriesPreparationError(
      "BAD_FREQUENCY",
      `The forecast frequency ${forecast.name} is finer than the target time series data frequency ${data.name}; ` +
        `data can be aggregated to a coarser frequency but not split: use ${data.name} or coarser`,
    );
  }
  if (input.related) {
    const related = parseFrequency(input.related.frequency, "related time series frequency");
    if (related.name !== forecast.name) {
      throw new SeriesPreparationError(
        "BAD_FREQUENCY",
        `The related time series data frequency ${related.name} must equal the forecast frequency ${forecast.name}: ` +
          "related time series are not aggregated",
      );
    }
  }
  const grid = timeGrid(forecast, input.timeAlignmentBoundary);
  const dimensions = input.forecastDimensions ?? [];
  const target = targetFields(input.target.schema, input.itemIdField, input.targetField, dimensions);
  const related = input.related && relatedFields(input.related.schema, input.itemIdField, dimensions);
  const metadata = input.metadata && metadataFields(input.metadata.schema, input.itemIdField);
  const transformations = parseTransformations(
    input.attributeConfigs,
    input.targetField,
    related?.features ?? [],
  );
  const holidays = checkHolidayCountries(input.holidayCountries ?? []);
  // Whether buckets gather several records of the target: then DuckDB aggregates before JS sees the rows.
  const coarser = nominalMs(forecast) > nominalMs(data);
  return { horizon, grid, coarser, target, related, metadata, transformations, holidays };
}

type Plan = ReturnType<typeof plan>;

const isoDate = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

/** Fills a series' related arrays and, for forward-looking data without futurefill, checks the horizon. */
function fillRelated(
  p: Plan,
  arrays: Float64Array[],
  history: number,
  firstRecord: number,
  lastRecord: number,
  forwardLooking: boolean,
  describe: (position: number) => string,
): void {
  const names = p.related?.features ?? [];
  const frontEnd = Math.min(Math.max(firstRecord, 0), history);
  const middleEnd = Math.min(Math.max(lastRecord + 1, frontEnd), history);
  names.forEach((name, f) => {
    const fills: RelatedTransformations = p.transformations.related.get(name) ?? {};
    const values = arrays[f];
    fillMissing(
      values,
      { frontEnd, middleEnd, backEnd: history },
      {
        middle: fills.middlefill,
        back: fills.backfill,
        future: fills.futurefill,
      },
    );
    if (!forwardLooking || fills.futurefill) return;
    for (let i = history; i < values.length; i++) {
      if (Number.isNaN(values[i])) {
        throw new SeriesPreparationError(
          "RELATED_HORIZON",
          `The related time series field ${name} has no value for ${describe(i)}, which is in the forecast horizon; ` +
            `provide related data up to the end of the forecast horizon, or set futurefill for ${name} in AttributeConfigs`,
        );
      }
    }
  });
}

/** The target series that go into the set: all of them, or with related data only those it covers. */
function seriesToKeep(
  total: number,
  related: RelatedIndex | undefined,
  maxSeries: number | undefined,
): number[] {
  const kept: number[] = [];
  for (let s = 0; s < total; s++) if (!related || related.keyOfSeries[s] >= 0) kept.push(s);
  if (kept.length === 0) {
    throw new SeriesPreparationError(
      "NO_DATA",
      "No target time series has related time series data: the related dataset must have records for the same items (and dimensions)",
    );
  }
  if (maxSeries !== undefined && kept.length > maxSeries) {
    throw new SeriesPreparationError(
      "TOO_MANY_SERIES",
      `The data has ${kept.length} time series (items and forecast dimensions), more than the limit of ${maxSeries}`,
    );
  }
  return kept;
}

/** What the steps after indexing share: which target series are kept, where each starts, where all end. */
interface Layout {
  index: TargetSeriesIndex;
  kept: number[];
  /** Per kept series: the bucket of its first record (array position 0). */
  first: Int32Array;
  /** The bucket of the last record of the whole target dataset: the end of every history. */
  end: number;
  /** Where every array of the set is allocated: shared memory, so that worker threads read it without a copy. */
  memory: SharedFloats;
}

/** Floats the arrays of the set take in all (each series' target, related and metadata, the shared grid arrays). */
function floatsNeeded(p: Plan, first: Int32Array, end: number, gridLength: number): number {
  const related = p.related?.features.length ?? 0;
  const metadata = p.metadata?.fields.length ?? 0;
  let total = gridLength * (1 + p.holidays.length);
  for (const start of first) total += (end - start + 1) * (1 + related) + related * p.horizon + metadata;
  return total;
}

/** The target arrays of the kept series, aggregated and filled. */
async function targetArrays(
  connection: DuckDBConnection,
  input: PrepareSeriesInput,
  p: Plan,
  { index, kept, first, end, memory }: Layout,
): Promise<Float64Array[]> {
  const slot = new Int32Array(index.keys.length).fill(-1);
  kept.forEach((s, i) => {
    slot[s] = i;
  });
  const targets = kept.map((_, i) => memory.take(end - first[i] + 1).fill(Number.NaN));
  const { aggregation, middlefill, backfill } = p.transformations.target;
  await readTargetValues(
    connection,
    input.target.file,
    p.target,
    p.grid,
    aggregation,
    p.coarser,
    slot,
    targets,
    input.signal,
  );
  const slice = new TimeSlice();
  for (let i = 0; i < targets.length; i++) {
    const values = targets[i];
    const lastRecord = index.lastRecord[kept[i]] - first[i];
    fillMissing(
      values,
      { frontEnd: 0, middleEnd: lastRecord + 1, backEnd: values.length },
      { middle: middlefill, back: backfill },
    );
    if (slice.due()) await slice.pause();
  }
  return targets;
}

/** Per kept series, the related feature arrays over its history and horizon, filled. */
async function relatedArrays(
  connection: DuckDBConnection,
  file: string,
  fields: RelatedFields,
  p: Plan,
  related: RelatedIndex,
  { index, kept, first, end, memory }: Layout,
  signal: AbortSignal | undefined,
): Promise<Float64Array[][]> {
  const arrays = kept.map((_, i) =>
    fields.features.map(() => memory.take(end - first[i] + 1 + p.horizon).fill(Number.NaN)),
  );
  const keyOfOutput = Int32Array.from(kept, (s) => related.keyOfSeries[s]);
  await readRelatedValues(
    connection,
    file,
    fields,
    p.grid,
    destinationsOf(keyOfOutput, related.first.length, first, arrays),
    signal,
  );
  // Related data reaching into the horizon is forward-looking: then the forecast needs every horizon value.
  const forwardLooking = kept.some((_, i) => related.last[keyOfOutput[i]] > end);
  const slice = new TimeSlice();
  for (let i = 0; i < arrays.length; i++) {
    const rid = keyOfOutput[i];
    const start = first[i];
    const describe = (position: number) =>
      `${describeKey(index.keys[kept[i]], p.target.keys)} at ${isoDate(p.grid.startOf(start + position))}`;
    fillRelated(
      p,
      arrays[i],
      end - start + 1,
      related.first[rid] - start,
      related.last[rid] - start,
      forwardLooking,
      describe,
    );
    if (slice.due()) await slice.pause();
  }
  return arrays;
}

/** Turns the imported datasets of a dataset group into the series a predictor trains on. */
export async function prepareSeries(input: PrepareSeriesInput): Promise<SeriesSet> {
  const p = plan(input);
  const { grid, horizon } = p;
  return withConnection(input.signal, async (connection) => {
    const index = await indexTargetSeries(connection, input.target.file, p.target, grid);
    if (index.keys.length === 0) {
      throw new SeriesPreparationError("NO_DATA", "The target time series dataset has no data");
    }
    // Every series runs to the last timestamp of the whole dataset, so that all forecasts start together.
    const end = index.lastRecord.reduce((a, b) => Math.max(a, b), -Infinity);
    // Amazon limits a predictor to the items the related data covers, when there is related data.
    const related =
      input.related && p.related
        ? await indexRelatedSeries(
            connection,
            input.related.file,
            p.related,
            p.target.keys,
            grid,
            index.keys.length,
          )
        : undefined;
    const kept = seriesToKeep(index.keys.length, related, input.maxSeries);
    const first = Int32Array.from(kept, (s) => index.first[s]);
    // Timestamps and holiday flags are the same for every series that covers a point: one shared array each, and
    // each series gets a view from its own first bucket on (they are read-only by contract).
    const gridStart = first.reduce((a, b) => Math.min(a, b), Infinity);
    const gridLength = end - gridStart + 1 + horizon;
    const memory = new SharedFloats(floatsNeeded(p, first, end, gridLength));
    const layout: Layout = { index, kept, first, end, memory };

    const targets = await targetArrays(connection, input, p, layout);
    const features =
      related && input.related && p.related
        ? await relatedArrays(connection, input.related.file, p.related, p, related, layout, input.signal)
        : kept.map(() => []);
    const metadata =
      input.metadata && p.metadata
        ? await readItemMetadata(connection, input.metadata.file, p.metadata)
        : undefined;
    const metadataCount = p.metadata?.fields.length ?? 0;

    const timestamps = gridTimestamps(grid, gridStart, memory.take(gridLength));
    for (const code of p.holidays) await loadHolidays(code, grid, gridStart, gridLength);
    const holidays = p.holidays.map((code) =>
      holidayFlags(code, grid, gridStart, gridLength, memory.take(gridLength)),
    );

    const series: PreparedSeries[] = [];
    const slice = new TimeSlice();
    for (let i = 0; i < kept.length; i++) {
      const key = index.keys[kept[i]];
      const offset = first[i] - gridStart;
      const item = metadata?.byItem.get(key[0]);
      const values = memory.take(metadataCount);
      if (item) values.set(item);
      else values.fill(Number.NaN);
      series.push({
        key,
        timestamps: timestamps.subarray(offset),
        target: targets[i],
        related: features[i],
        metadata: values,
        holidays: holidays.map((flags) => flags.subarray(offset)),
      });
      if (slice.due()) await slice.pause();
    }
    return {
      frequency: grid.frequency.name,
      period: seasonalPeriod(grid.frequency.name),
      horizon,
      keyNames: [...p.target.keys],
      relatedNames: [...(p.related?.features ?? [])],
      metadataNames: (p.metadata?.fields ?? []).map((f) => f.name),
      metadataLevels: metadata?.levels ?? [],
      holidayCountries: p.holidays,
      series,
    };
  });
}

/** Fills `timestamps` with the start of each bucket from `start` on. */
function gridTimestamps(grid: TimeGrid, start: number, timestamps: Float64Array): Float64Array {
  for (let i = 0; i < timestamps.length; i++) timestamps[i] = grid.startOf(start + i);
  return timestamps;
}

/** "item_id 'socks', store 'NYC'": how a message names a series. */
function describeKey(key: readonly string[], names: readonly string[]): string {
  return names.map((name, i) => `${name} ${JSON.stringify(key[i])}`).join(", ");
}

export { SeriesPreparationError } from "./series-error.js";
export type { SeriesAttribute } from "./series-fields.js";
export type { TimeAlignmentBoundary } from "./series-grid.js";
export type { AttributeConfig } from "./series-transformations.js";
