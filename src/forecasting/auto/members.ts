// The member registry of the AutoPredictor: the statistical members it backtests per series (built by
// ../members.ts), and the members fitted across all series at once (the global covariate model, computed apart
// by the caller before the per-series chunks). Callers ask memberTraits instead of testing names.

import { createMember, type MemberName } from "../members.js";
import type { SeriesModel } from "../model.js";
import type { PreparedSeries } from "../series-set.js";
import type { CalibrationPolicy } from "./interval-calibration.js";

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
  "ets-mseason": "ETS",
  ces: "ETS",
  otm: "Theta",
  dotm: "Theta",
  "theta-m3": "Theta",
  global: "GBDT",
  "global-ar": "GlobalAR",
};

/** The member name of the global covariate model (a GBDT across all series, ../global/). */
export const GLOBAL_MEMBER = "global";

export interface MemberTraits {
  /** "series": fitted on each series alone; "dataset": one model fitted across all series, by the caller. */
  scope: "series" | "dataset";
  /** Whether its forecasts depend on the attributes (related series, metadata, holidays), so it has impacts. */
  usesAttributes: boolean;
}

/** The member name of the pooled linear autoregression across all series, on lags alone (../global-ar/). */
export const GLOBAL_AR_MEMBER = "global-ar";

/** Members fitted across all series; every other member name is fitted per series. */
const DATASET_MEMBERS: Readonly<Record<string, MemberTraits>> = {
  [GLOBAL_MEMBER]: { scope: "dataset", usesAttributes: true },
  [GLOBAL_AR_MEMBER]: { scope: "dataset", usesAttributes: false },
};

/** Prophet takes related series and holidays as additive regressors; the other statistical members none. */
const ATTRIBUTE_MEMBERS = new Set(["prophet"]);

export function memberTraits(name: string): MemberTraits {
  return DATASET_MEMBERS[name] ?? { scope: "series", usesAttributes: ATTRIBUTE_MEMBERS.has(name) };
}

export function isDatasetMember(name: string): boolean {
  return memberTraits(name).scope === "dataset";
}

/**
 * Members fitted one by one in a backtest. ETS takes part as its damped-trend family: measured on the tourism
 * data, the combination with it beats the one with AICc's free choice of trend on yearly series, costs under 1%
 * on monthly and quarterly ones, and fits faster (src/forecasting/README.md).
 */
export const FITTED_MEMBERS: readonly MemberName[] = ["ets-damped", "theta", "arima", "npts", "snaive"];
/** The combination is the median of these members' forecasts, derived without fitting them again. */
export const COMBINED_MEMBERS: readonly MemberName[] = ["ets-damped", "theta", "arima"];
export const COMBINATION = "combination";

/**
 * The AutoPredictor's statistical components, each weighted at dataset level from the backtests
 * (learned-combination.ts). Chosen on the tourism backtests (bench/accuracy/README.md): the multiplicative-season
 * ETS (damped ETS where the data is not positive and seasonal), Theta, ARIMA, the optimised Theta model and CES.
 */
export const LEARNED_MEMBERS: readonly MemberName[] = ["ets-mseason", "theta", "arima", "otm", "ces"];
/**
 * Members a series may switch to from the learned combination, when one beats it by SWITCH_MARGIN in every
 * backtest window (the components themselves are candidates too while this list is not empty). Empty: on the
 * tourism validation split (bench/accuracy/tourism-validation.ts) switching to npts, snaive or a component made
 * MASE worse on every period (1.785 → 1.793, 1.874 → 1.893, 2.898 → 2.931) and mean wQL no better, and it costs
 * two more fits per window.
 */
export const SWITCH_MEMBERS: readonly MemberName[] = [];

/**
 * The AutoPredictor's calibration of the quantiles' spread from the backtests (interval-calibration.ts): "off" or
 * a policy. Decided on the tourism validation split (bench/accuracy/tourism-validation.ts, every policy side by
 * side; coverage first, then mean wQL): one factor for the whole p10–p90 band per dataset, chosen by the pinball
 * loss with each series window scaled by its size, applied always. p10–p90 coverage on the validation split,
 * monthly / quarterly / yearly: 76.9% / 77.1% / 81.3% (uncalibrated 74.1 / 71.0 / 52.6; the previous setting,
 * pinball per level and step where the latest window confirmed it, 74.1 / 71.0 / 62.8), mean wQL 0.1292 / 0.0907
 * / 0.1386 (uncalibrated 0.1304 / 0.0922 / 0.1677). The unscaled pinball loss lets the largest series decide and
 * left yearly coverage at 63%; a factor per level chases the validation tails' bias (too few points below p10,
 * too many above p90); aiming at the backtests' own coverage overshot yearly (84–88%). Confirming on the latest
 * window changed nothing for this policy.
 */
export const INTERVAL_CALIBRATION: "off" | CalibrationPolicy = {
  objective: "scaled",
  shared: true,
  perStep: false,
  confirm: false,
};

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
