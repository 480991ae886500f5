// The functions worker threads run (piscina calls them by export name). Each takes and returns plain data, so
// inputs and results cross threads by structured clone; series and forecasts of many series cross packed on shared
// memory (series-transfer.ts, forecast-transfer.ts), which the tasks only read. Nothing here touches the store,
// S3 or HTTP.

import os from "node:os";
import { isMainThread } from "node:worker_threads";
import { explainGlobal, type GlobalExplanation } from "../explain/index.js";
import type { AccumulatorState } from "../forecasting/auto/accuracy.js";
import {
  type AutoPredictorOptions,
  type AutoPredictorResult,
  backtestAutoPredictor,
  forecastCombined,
} from "../forecasting/auto/auto-predictor.js";
import type { CombinationRecord } from "../forecasting/auto/combined-model.js";
import type { IntervalCalibration } from "../forecasting/auto/interval-calibration.js";
import { bridgeGaps } from "../forecasting/auto/members.js";
import type { PointAdjustment } from "../forecasting/auto/point-adjustment.js";
import { type ForecastRows, scoreForecastRows } from "../forecasting/forecast-scoring.js";
import {
  fitGlobalModel,
  forecastGlobal,
  type GlobalModelJson,
  globalModelFromJson,
  globalModelToJson,
} from "../forecasting/global/index.js";
import {
  fitGlobalArSet,
  forecastGlobalArSet,
  type GlobalArComponentModel,
  globalArOptionsOf,
} from "../forecasting/global-ar/index.js";
import { loadMembers } from "../forecasting/members.js";
import type { SeriesSet } from "../forecasting/series-set.js";
import { chunkKey, type SpillInfo, spillBacktests } from "./backtest-spill.js";
import { forecastAt, type PackedForecasts, packForecasts } from "./forecast-transfer.js";
import { type PackedSeries, type PackedSeriesSet, unpackSeries, unpackSeriesSet } from "./series-transfer.js";
import type { TaskObjects } from "./task-objects.js";

type GridInfo = Pick<SeriesSet, "horizon" | "period">;

/**
 * The nice value of a worker thread. On Linux it is per thread, so this lowers the workers only: when the event
 * loop wakes up to answer an API call it gets a core at once instead of waiting for a training thread's time slice.
 * Idle cores still go to the workers, so training loses nothing when the service is otherwise quiet.
 */
const WORKER_NICE = 10;

// Elsewhere the nice value belongs to the whole process, event loop included: leave it.
if (!isMainThread && process.platform === "linux") {
  try {
    os.setPriority(WORKER_NICE);
  } catch {
    // Not allowed (a sandbox): the workers keep the process's priority.
  }
}

/**
 * Backtests the statistical members on a chunk of series; `external` holds other members' backtest forecasts for
 * the same series (per member, per window, per series of the chunk), e.g. the global model's.
 */
export async function backtestChunk(input: {
  grid: GridInfo;
  series: PackedSeries;
  options: AutoPredictorOptions;
  /** Per member, per window: the forecasts for the chunk's series. */
  external: Record<string, PackedForecasts[]>;
  /** With learned members: the spill's key prefix in the internal bucket (backtest-spill.ts). The components'
   * backtest forecasts leave as the result's task object under chunk `chunk`'s key (task-objects.ts), stored by
   * the process that ran the task, so that the result carries the sums and actuals alone. */
  spill?: { prefix: string; chunk: number };
}): Promise<AutoPredictorResult & { spill?: SpillInfo } & TaskObjects> {
  await loadMembers(input.options.members ?? []);
  const external = Object.fromEntries(
    Object.entries(input.external).map(([name, perWindow]) => [
      name,
      (window: number) => {
        const forecasts = perWindow[window];
        return (i: number) => (forecasts && i < forecasts.count ? forecastAt(forecasts, i) : undefined);
      },
    ]),
  );
  const result = backtestAutoPredictor(input.grid, unpackSeries(input.series), input.options, external);
  if (!input.spill || !input.options.learnedMembers) return result;
  const switchMembers = (input.options.switchMembers ?? []).filter(
    (m) => !input.options.learnedMembers?.includes(m),
  );
  const { prefix, chunk } = input.spill;
  const { info, bytes } = spillBacktests(
    result,
    chunk,
    switchMembers,
    input.grid.horizon,
    input.options.quantiles.length,
  );
  return { ...result, spill: info, objects: { [chunkKey(prefix, chunk)]: bytes } };
}

/**
 * Backtests the global model (its raw output: the combination it takes part in is finished after): one fit on the history before the earliest window (the largest of `cutoffs`, in
 * points from each end), then a forecast from each cutoff with the history up to it. One fit instead of one per
 * window keeps every window free of the data it forecasts and halves the global model's training time; the later
 * windows are judged with a model somewhat older than a refit would be.
 */
export function backtestGlobal(input: {
  set: PackedSeriesSet;
  quantiles: number[];
  cutoffs: number[];
}): PackedForecasts[] {
  const set = unpackSeriesSet(input.set);
  const model = fitGlobalModel(set, { quantiles: input.quantiles, cutoff: Math.max(...input.cutoffs) });
  return input.cutoffs.map((cutoff) =>
    packForecasts(forecastGlobal(model, set, { cutoff, raw: true }), set.horizon, input.quantiles.length),
  );
}

/** Fits the global model on all the history. */
export function fitGlobal(input: { set: PackedSeriesSet; quantiles: number[] }): GlobalModelJson {
  return globalModelToJson(fitGlobalModel(unpackSeriesSet(input.set), { quantiles: input.quantiles }));
}

/** Forecasts the horizon after each series' history with a fitted global model (raw output, as in backtests). */
export function forecastWithGlobal(input: { model: GlobalModelJson; set: PackedSeriesSet }): PackedForecasts {
  const model = globalModelFromJson(input.model);
  const forecasts = forecastGlobal(model, unpackSeriesSet(input.set), { raw: true });
  return packForecasts(forecasts, input.set.horizon, model.quantiles.length);
}

/**
 * Backtests the pooled autoregression (global-ar/): one fit per cutoff on every series' history before it, each
 * forecasting the horizon after that cutoff (raw output). A fit takes milliseconds to a second, so every window
 * gets its own, as in the validation that chose the model (bench/accuracy/tourism-validation.ts).
 */
export function backtestGlobalAr(input: {
  set: PackedSeriesSet;
  quantiles: number[];
  cutoffs: number[];
}): PackedForecasts[] {
  const set = unpackSeriesSet(input.set);
  return input.cutoffs.map((cutoff) =>
    packForecasts(
      forecastGlobalArSet(fitGlobalArSet(set, input.quantiles, cutoff, bridgeGaps), set, cutoff, bridgeGaps),
      set.horizon,
      input.quantiles.length,
    ),
  );
}

/** Fits the pooled autoregression on all the history (its model, or ensemble, is plain data stored as JSON). */
export function fitGlobalArModel(input: {
  set: PackedSeriesSet;
  quantiles: number[];
}): GlobalArComponentModel {
  return fitGlobalArSet(unpackSeriesSet(input.set), input.quantiles, 0, bridgeGaps);
}

/** Forecasts the horizon after each series' history with a fitted pooled autoregression (raw output). */
export function forecastWithGlobalAr(input: {
  model: GlobalArComponentModel;
  set: PackedSeriesSet;
}): PackedForecasts {
  const set = unpackSeriesSet(input.set);
  return packForecasts(
    forecastGlobalArSet(input.model, set, 0, bridgeGaps),
    set.horizon,
    globalArOptionsOf(input.model).levels.length,
  );
}

/**
 * Impact scores of the global model's forecasts at `steps` of each of `series` (see explain/global-model.ts),
 * with the rows as two arrays: an object per row would cost the event loop its clone.
 */
export function explainWithGlobal(input: {
  model: GlobalModelJson;
  set: PackedSeriesSet;
  series: Int32Array;
  steps: number[];
  quantile: number | "mean";
  cutoff?: number;
}): Omit<GlobalExplanation, "rows"> & { rowSeries: Int32Array; rowSteps: Int32Array } {
  const points = Array.from(input.series, (series) => ({ series, steps: input.steps }));
  const { rows, ...explanation } = explainGlobal(
    globalModelFromJson(input.model),
    unpackSeriesSet(input.set),
    points,
    { quantile: input.quantile, cutoff: input.cutoff },
  );
  return {
    ...explanation,
    rowSeries: Int32Array.from(rows, (r) => r.series),
    rowSteps: Int32Array.from(rows, (r) => r.step),
  };
}

/**
 * Forecasts a chunk of series with their combinations (forecastCombined); `external` holds the raw forecasts of
 * members computed apart, by member.
 */
export async function forecastChunk(input: {
  grid: GridInfo;
  series: PackedSeries;
  choices: string[];
  combination: CombinationRecord;
  quantiles: number[];
  nonNegative: boolean;
  external: Record<string, PackedForecasts>;
  intervals?: IntervalCalibration;
  point?: PointAdjustment;
}): Promise<PackedForecasts> {
  await loadMembers([...input.choices, ...input.combination.components]);
  const external = Object.fromEntries(
    Object.entries(input.external).map(([name, forecasts]) => [
      name,
      (i: number) => (i < forecasts.count ? forecastAt(forecasts, i) : undefined),
    ]),
  );
  const forecasts = forecastCombined(
    input.grid,
    unpackSeries(input.series),
    input.choices,
    input.combination,
    input.quantiles,
    input.nonNegative,
    external,
    input.intervals,
    input.point,
  );
  return packForecasts(forecasts, input.grid.horizon, input.quantiles.length);
}

/** Scores a stored forecast's rows (on shared memory) against the series' actuals (predictor monitoring). */
export function scoreForecast(input: {
  series: PackedSeries;
  rows: ForecastRows;
  window: { levels: number[]; start: number; end: number; period: number };
}): { state: AccumulatorState; items: number } {
  return scoreForecastRows(unpackSeries(input.series), input.rows, input.window);
}

export interface WorkerTasks {
  backtestChunk: typeof backtestChunk;
  forecastChunk: typeof forecastChunk;
  backtestGlobal: typeof backtestGlobal;
  fitGlobal: typeof fitGlobal;
  forecastWithGlobal: typeof forecastWithGlobal;
  explainWithGlobal: typeof explainWithGlobal;
  backtestGlobalAr: typeof backtestGlobalAr;
  fitGlobalArModel: typeof fitGlobalArModel;
  forecastWithGlobalAr: typeof forecastWithGlobalAr;
  scoreForecast: typeof scoreForecast;
}

export type WorkerTaskName = keyof WorkerTasks;
