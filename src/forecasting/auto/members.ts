// The statistical members the AutoPredictor backtests per series (built by ../members.ts); the global
// covariate model is handled apart because it learns across all series at once.

import { createMember, type MemberName } from "../members.js";
import type { SeriesModel } from "../model.js";
import type { PreparedSeries } from "../series-set.js";

/** Member names as DescribeAutoPredictor/GetAccuracyMetrics report them, mapped to Amazon's algorithm names. */
export const ALGORITHM_OF: Record<string, string> = {
  ets: "ETS",
  "ets-damped": "ETS",
  arima: "ARIMA",
  theta: "Theta",
  npts: "NPTS",
  snaive: "SeasonalNaive",
  naive: "Naive",
  combination: "Ensemble",
  global: "GBDT",
};

/**
 * Members fitted one by one in a backtest. ETS takes part as its damped-trend family: measured on the tourism
 * data, the combination with it beats the one with AICc's free choice of trend on yearly series, costs under 1%
 * on monthly and quarterly ones, and fits faster (src/forecasting/README.md).
 */
export const FITTED_MEMBERS: readonly MemberName[] = ["ets-damped", "theta", "arima", "npts", "snaive"];
/** The combination is the median of these members' forecasts, derived without fitting them again. */
export const COMBINED_MEMBERS: readonly MemberName[] = ["ets-damped", "theta", "arima"];
export const COMBINATION = "combination";

export function memberModels(names: readonly MemberName[]): Map<MemberName, SeriesModel> {
  return new Map(names.map((name) => [name, createMember(name)]));
}

/**
 * Statistical members cannot take missing values: gaps are bridged linearly (leading and trailing NaNs take the
 * nearest value). A series with no value at all becomes zeros.
 */
export function bridgeGaps(y: Float64Array): Float64Array {
  let firstValid = -1;
  for (let i = 0; i < y.length; i++) {
    if (!Number.isNaN(y[i] as number)) {
      firstValid = i;
      break;
    }
  }
  if (firstValid < 0) return new Float64Array(y.length);
  if (!y.some(Number.isNaN)) return y;
  const out = Float64Array.from(y);
  for (let i = 0; i < firstValid; i++) out[i] = y[firstValid] as number;
  let last = firstValid;
  for (let i = firstValid + 1; i < out.length; i++) {
    if (Number.isNaN(out[i] as number)) continue;
    const gap = i - last;
    for (let j = last + 1; j < i; j++) {
      out[j] = (out[last] as number) + (((out[i] as number) - (out[last] as number)) * (j - last)) / gap;
    }
    last = i;
  }
  for (let j = last + 1; j < out.length; j++) out[j] = out[last] as number;
  return out;
}

/**
 * The series' related and holiday arrays over grid indexes [start, end), gaps bridged: the regressors of a member
 * that takes them (FitContext.regressors), for a fit on the history from `start` and a forecast up to `end`.
 */
export function seriesRegressors(s: PreparedSeries, start: number, end: number): Float64Array[] {
  return [...s.related, ...s.holidays].map((r) => bridgeGaps(r.subarray(start, Math.min(end, r.length))));
}
