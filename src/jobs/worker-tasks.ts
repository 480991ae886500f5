// The functions worker threads run (piscina calls them by export name). Each takes and returns plain data, so
// inputs and results cross threads by structured clone. Nothing here touches the store, S3 or HTTP.

import {
  type AutoPredictorOptions,
  type AutoPredictorResult,
  backtestAutoPredictor,
  forecastWithChoices,
} from "../forecasting/auto/auto-predictor.js";
import type { SeriesForecast } from "../forecasting/model.js";
import type { PreparedSeries, SeriesSet } from "../forecasting/series-set.js";

type GridInfo = Pick<SeriesSet, "horizon" | "period">;

/** Backtests the statistical members on a chunk of series. */
export function backtestChunk(input: {
  grid: GridInfo;
  series: PreparedSeries[];
  options: AutoPredictorOptions;
}): AutoPredictorResult {
  return backtestAutoPredictor(input.grid, input.series, input.options);
}

/** Forecasts a chunk of series with their chosen members. */
export function forecastChunk(input: {
  grid: GridInfo;
  series: PreparedSeries[];
  choices: string[];
  quantiles: number[];
  nonNegative: boolean;
}): SeriesForecast[] {
  return forecastWithChoices(input.grid, input.series, input.choices, input.quantiles, input.nonNegative);
}

export interface WorkerTasks {
  backtestChunk: typeof backtestChunk;
  forecastChunk: typeof forecastChunk;
}

export type WorkerTaskName = keyof WorkerTasks;
