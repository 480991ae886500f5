// The functions worker threads run (piscina calls them by export name). Each takes and returns plain data, so
// inputs and results cross threads by structured clone. Nothing here touches the store, S3 or HTTP.

import {
  type AutoPredictorOptions,
  type AutoPredictorResult,
  backtestAutoPredictor,
  forecastWithChoices,
} from "../forecasting/auto/auto-predictor.js";
import {
  explainGlobal,
  fitGlobalModel,
  forecastGlobal,
  type GlobalExplanation,
  type GlobalModelJson,
  globalModelFromJson,
  globalModelToJson,
} from "../forecasting/global/index.js";
import type { SeriesForecast } from "../forecasting/model.js";
import type { PreparedSeries, SeriesSet } from "../forecasting/series-set.js";

type GridInfo = Pick<SeriesSet, "horizon" | "period">;

/**
 * Backtests the statistical members on a chunk of series; `external` holds other members' backtest forecasts for
 * the same series (per member, per window, per series of the chunk), e.g. the global model's.
 */
export function backtestChunk(input: {
  grid: GridInfo;
  series: PreparedSeries[];
  options: AutoPredictorOptions;
  external: Record<string, SeriesForecast[][]>;
}): AutoPredictorResult {
  const external = Object.fromEntries(
    Object.entries(input.external).map(([name, perWindow]) => [
      name,
      (window: number) => (i: number) => perWindow[window]?.[i],
    ]),
  );
  return backtestAutoPredictor(input.grid, input.series, input.options, external);
}

/** Fits the global model on the history before `cutoff` points from each end and forecasts from there. */
export function backtestGlobal(input: {
  set: SeriesSet;
  quantiles: number[];
  cutoff: number;
}): SeriesForecast[] {
  const model = fitGlobalModel(input.set, { quantiles: input.quantiles, cutoff: input.cutoff });
  return forecastGlobal(model, input.set, { cutoff: input.cutoff });
}

/** Fits the global model on all the history. */
export function fitGlobal(input: { set: SeriesSet; quantiles: number[] }): GlobalModelJson {
  return globalModelToJson(fitGlobalModel(input.set, { quantiles: input.quantiles }));
}

/** Forecasts the horizon after each series' history with a fitted global model. */
export function forecastWithGlobal(input: { model: GlobalModelJson; set: SeriesSet }): SeriesForecast[] {
  return forecastGlobal(globalModelFromJson(input.model), input.set);
}

/** Impact scores of the global model's forecasts at the given points (see forecasting/global/explain.ts). */
export function explainWithGlobal(input: {
  model: GlobalModelJson;
  set: SeriesSet;
  points: { series: number; steps: number[] }[];
  quantile: number | "mean";
  cutoff?: number;
}): GlobalExplanation {
  return explainGlobal(globalModelFromJson(input.model), input.set, input.points, {
    quantile: input.quantile,
    cutoff: input.cutoff,
  });
}

/** Forecasts a chunk of series with their chosen members; `external` holds forecasts made apart, by member. */
export function forecastChunk(input: {
  grid: GridInfo;
  series: PreparedSeries[];
  choices: string[];
  quantiles: number[];
  nonNegative: boolean;
  external: Record<string, SeriesForecast[]>;
}): SeriesForecast[] {
  const external = Object.fromEntries(
    Object.entries(input.external).map(([name, forecasts]) => [name, (i: number) => forecasts[i]]),
  );
  return forecastWithChoices(
    input.grid,
    input.series,
    input.choices,
    input.quantiles,
    input.nonNegative,
    external,
  );
}

export interface WorkerTasks {
  backtestChunk: typeof backtestChunk;
  forecastChunk: typeof forecastChunk;
  backtestGlobal: typeof backtestGlobal;
  fitGlobal: typeof fitGlobal;
  forecastWithGlobal: typeof forecastWithGlobal;
  explainWithGlobal: typeof explainWithGlobal;
}

export type WorkerTaskName = keyof WorkerTasks;
