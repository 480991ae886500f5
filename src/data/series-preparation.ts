// prepareSeries: a dataset group's imported data (canonical Parquet files) turned into the SeriesSet a predictor
// trains on. Everything the request says is checked before data is read; DuckDB aggregates into the buckets of the
// forecast frequency; JS places the values on each series' grid, fills gaps and adds related data, metadata and
// holidays. See src/data/README.md ("Series preparation") for the rules and the choices made where Amazon is silent.
import { seasonalPeriod } from "../forecasting/periods.js";
import type { PreparedSeries, SeriesSet } from "../forecasting/series-set.js";
import { withConnection } from "./duckdb.js";
import { SeriesPreparationError } from "./series-error.js";
import { metadataFields, relatedFields, type SeriesAttribute, targetFields } from "./series-fields.js";
import { fillMissing } from "./series-fill.js";
import { nominalMs, parseFrequency } from "./series-frequency.js";
import { type TimeAlignmentBoundary, type TimeGrid, timeGrid } from "./series-grid.js";
import { checkHolidayCountries, holidayFlags } from "./series-holidays.js";
import { readItemMetadata } from "./series-metadata.js";
import { destinationsOf, indexRelatedSeries, readRelatedValues } from "./series-related.js";
import { indexTargetSeries, readTargetValues } from "./series-target.js";
import { type AttributeConfig, parseTransformations, type RelatedTransformations } from "./series-transformations.js";

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
    throw new SeriesPreparationError("BAD_HORIZON", `The forecast horizon must be a whole number of at least 1, not ${horizon}`);
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
  const transformations = parseTransformations(input.attributeConfigs, input.targetField, related?.features ?? []);
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
    const values = arrays[f] as Float64Array;
    fillMissing(values, { frontEnd, middleEnd, backEnd: history }, {
      middle: fills.middlefill,
      back: fills.backfill,
      future: fills.futurefill,
    });
    if (!forwardLooking || fills.futurefill) return;
    for (let i = history; i < values.length; i++) {
      if (Number.isNaN(values[i] as number)) {
        throw new SeriesPreparationError(
          "RELATED_HORIZON",
          `The related time series field ${name} has no value for ${describe(i)}, which is in the forecast horizon; ` +
            `provide related data up to the end of the forecast horizon, or set futurefill for ${name} in AttributeConfigs`,
        );
      }
    }
  });
}

/** Turns the imported datasets of a dataset group into the series a predictor trains on. */
export async function prepareSeries(input: PrepareSeriesInput): Promise<SeriesSet> {
  const p = plan(input);
  const { grid, horizon } = p;
  const signal = input.signal;
  return withConnection(signal, async (connection) => {
    const index = await indexTargetSeries(connection, input.target.file, p.target, grid);
    const total = index.keys.length;
    if (total === 0) throw new SeriesPreparationError("NO_DATA", "The target time series dataset has no data");
    // Every series runs to the last timestamp of the whole dataset, so that all forecasts start together.
    const end = index.lastRecord.reduce((a, b) => Math.max(a, b), -Infinity);

    // Amazon limits a predictor to the items the related data covers, when there is related data.
    const related =
      input.related && p.related
        ? await indexRelatedSeries(connection, input.related.file, p.related, p.target.keys, grid, total)
        : undefined;
    const kept: number[] = [];
    for (let s = 0; s < total; s++) if (!related || (related.keyOfSeries[s] as number) >= 0) kept.push(s);
    if (kept.length === 0) {
      throw new SeriesPreparationError(
        "NO_DATA",
        "No target time series has related time series data: the related dataset must have records for the same items (and dimensions)",
      );
    }
    if (input.maxSeries !== undefined && kept.length > input.maxSeries) {
      throw new SeriesPreparationError(
        "TOO_MANY_SERIES",
        `The data has ${kept.length} time series (items and forecast dimensions), more than the limit of ${input.maxSeries}`,
      );
    }

    const slot = new Int32Array(total).fill(-1);
    kept.forEach((s, i) => {
      slot[s] = i;
    });
    const first = Int32Array.from(kept, (s) => index.first[s] as number);
    const targets = kept.map((_, i) => new Float64Array(end - (first[i] as number) + 1).fill(Number.NaN));
    await readTargetValues(
      connection,
      input.target.file,
      p.target,
      grid,
      p.transformations.target.aggregation,
      p.coarser,
      slot,
      targets,
      signal,
    );
    const { middlefill, backfill } = p.transformations.target;
    targets.forEach((values, i) => {
      const lastRecord = (index.lastRecord[kept[i] as number] as number) - (first[i] as number);
      fillMissing(values, { frontEnd: 0, middleEnd: lastRecord + 1, backEnd: values.length }, { middle: middlefill, back: backfill });
    });

    let relatedArrays: Float64Array[][] = kept.map(() => []);
    if (related && input.related && p.related) {
      const nFeatures = p.related.features.length;
      relatedArrays = targets.map((t) =>
        Array.from({ length: nFeatures }, () => new Float64Array(t.length + horizon).fill(Number.NaN)),
      );
      const keyOfOutput = Int32Array.from(kept, (s) => related.keyOfSeries[s] as number);
      const destinations = destinationsOf(keyOfOutput, related.first.length, first, relatedArrays);
      await readRelatedValues(connection, input.related.file, p.related, grid, destinations, signal);
      // Related data reaching into the horizon is forward-looking: then the forecast needs every horizon value.
      const forwardLooking = kept.some((_, i) => (related.last[keyOfOutput[i] as number] as number) > end);
      relatedArrays.forEach((arrays, i) => {
        const rid = keyOfOutput[i] as number;
        const start = first[i] as number;
        const describe = (position: number) =>
          `${describeKey(index.keys[kept[i] as number] as string[], p.target.keys)} at ${isoDate(grid.startOf(start + position))}`;
        fillRelated(
          p,
          arrays,
          (targets[i] as Float64Array).length,
          (related.first[rid] as number) - start,
          (related.last[rid] as number) - start,
          forwardLooking,
          describe,
        );
      });
    }

    const metadata =
      input.metadata && p.metadata ? await readItemMetadata(connection, input.metadata.file, p.metadata) : undefined;
    const metadataCount = p.metadata?.fields.length ?? 0;

    // Timestamps and holiday flags are the same for every series that covers a point: one shared array each, and
    // each series gets a view from its own first bucket on (they are read-only by contract).
    const gridStart = first.reduce((a, b) => Math.min(a, b), Infinity);
    const gridLength = end - gridStart + 1 + horizon;
    const timestamps = sharedTimestamps(grid, gridStart, gridLength);
    const holidays = p.holidays.map((code) => holidayFlags(code, grid, gridStart, gridLength));

    const series: PreparedSeries[] = kept.map((s, i) => {
      const key = index.keys[s] as string[];
      const offset = (first[i] as number) - gridStart;
      const item = metadata?.byItem.get(key[0] as string);
      return {
        key,
        timestamps: timestamps.subarray(offset),
        target: targets[i] as Float64Array,
        related: relatedArrays[i] as Float64Array[],
        metadata: item ? Float64Array.from(item) : new Float64Array(metadataCount).fill(Number.NaN),
        holidays: holidays.map((flags) => flags.subarray(offset)),
      };
    });
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

function sharedTimestamps(grid: TimeGrid, start: number, length: number): Float64Array {
  const timestamps = new Float64Array(length);
  for (let i = 0; i < length; i++) timestamps[i] = grid.startOf(start + i);
  return timestamps;
}

/** "item_id 'socks', store 'NYC'": how a message names a series. */
function describeKey(key: readonly string[], names: readonly string[]): string {
  return names.map((name, i) => `${name} ${JSON.stringify(key[i])}`).join(", ");
}

export type { SeriesAttribute } from "./series-fields.js";
export type { TimeAlignmentBoundary } from "./series-grid.js";
export type { AttributeConfig } from "./series-transformations.js";
export { SeriesPreparationError } from "./series-error.js";
