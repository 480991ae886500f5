// How the members fitted across all series (memberTraits(name).scope === "dataset") run on the worker pool:
// backtest, fit, forecast and explain, each a worker task. Training, forecasts and explainabilities loop over
// the members a predictor's combination names and ask this table, instead of testing for the global model.

import { GLOBAL_AR_MEMBER, GLOBAL_MEMBER } from "../forecasting/auto/members.js";
import type { GlobalModelJson } from "../forecasting/global/index.js";
import type { GlobalArComponentModel } from "../forecasting/global-ar/index.js";
import type { PackedForecasts } from "../jobs/forecast-transfer.js";
import type { PackedSeriesSet } from "../jobs/series-transfer.js";
import type { WorkerPool } from "../jobs/worker-pool.js";

/** Raw impact rows of one member: row r is (rowSeries[r], rowSteps[r]), its attributes' values at raw[r·k…]. */
export interface MemberImpacts {
  raw: Float64Array;
  rowSeries: Int32Array;
  rowSteps: Int32Array;
}

export interface DatasetMemberRunner {
  /** Its raw backtest forecasts of every series, one per cutoff (points before each series' end). */
  backtest(
    pool: WorkerPool,
    set: PackedSeriesSet,
    quantiles: number[],
    cutoffs: number[],
    signal: AbortSignal,
  ): Promise<PackedForecasts[]>;
  /** The member fitted on all the history, as JSON to store. */
  fit(pool: WorkerPool, set: PackedSeriesSet, quantiles: number[], signal: AbortSignal): Promise<unknown>;
  /** Its raw forecasts of every series of `set` from a stored model. */
  forecast(
    pool: WorkerPool,
    model: unknown,
    set: PackedSeriesSet,
    signal: AbortSignal,
  ): Promise<PackedForecasts>;
  /**
   * Exact Shapley values of its forecast `quantile` (a level it was fitted for, or the mean) at `steps` of
   * `series`, made `cutoff` points before each series' end; the players are attributeNames(set).
   */
  explain(
    pool: WorkerPool,
    model: unknown,
    set: PackedSeriesSet,
    series: Int32Array,
    steps: number[],
    cutoff: number,
    signal: AbortSignal,
    quantile?: number | "mean",
  ): Promise<MemberImpacts>;
}

const globalRunner: DatasetMemberRunner = {
  backtest: (pool, set, quantiles, cutoffs, signal) =>
    pool.run("backtestGlobal", { set, quantiles, cutoffs }, signal),
  fit: (pool, set, quantiles, signal) => pool.run("fitGlobal", { set, quantiles }, signal),
  forecast: (pool, model, set, signal) =>
    pool.run("forecastWithGlobal", { model: model as GlobalModelJson, set }, signal),
  async explain(pool, model, set, series, steps, cutoff, signal, quantile = "mean") {
    const e = await pool.run(
      "explainWithGlobal",
      { model: model as GlobalModelJson, set, series, steps, quantile, cutoff },
      signal,
    );
    return { raw: e.raw, rowSeries: e.rowSeries, rowSteps: e.rowSteps };
  },
};

/** The pooled autoregression on lags alone: no attribute, so no impact (explain is never asked for it). */
const globalArRunner: DatasetMemberRunner = {
  backtest: (pool, set, quantiles, cutoffs, signal) =>
    pool.run("backtestGlobalAr", { set, quantiles, cutoffs }, signal),
  fit: (pool, set, quantiles, signal) => pool.run("fitGlobalArModel", { set, quantiles }, signal),
  forecast: (pool, model, set, signal) =>
    pool.run("forecastWithGlobalAr", { model: model as GlobalArComponentModel, set }, signal),
  explain: async () => ({
    raw: new Float64Array(0),
    rowSeries: new Int32Array(0),
    rowSteps: new Int32Array(0),
  }),
};

const RUNNERS: Readonly<Record<string, DatasetMemberRunner>> = {
  [GLOBAL_MEMBER]: globalRunner,
  [GLOBAL_AR_MEMBER]: globalArRunner,
};

export function datasetMemberRunner(name: string): DatasetMemberRunner {
  const runner = RUNNERS[name];
  if (!runner) throw new Error(`no runner for the member "${name}"`);
  return runner;
}
