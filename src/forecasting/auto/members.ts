// The member registry of the AutoPredictor: the statistical members it backtests per series (built by
// ../members.ts), and the members fitted across all series at once (the global covariate model, computed apart
// by the caller before the per-series chunks). Callers ask memberTraits instead of testing names.

import { createMember, type MemberName } from "../members.js";
import type { SeriesModel } from "../model.js";
import type { PreparedSeries } from "../series-set.js";
import type { OptimizationMetric } from "./accuracy.js";
import type { CalibrationPolicy } from "./interval-calibration.js";
import type { PointAdjustment } from "./point-adjustment.js";
import type { ErrorScale } from "./simplex-weights.js";

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
  "arima-log": "ARIMA",
  "theta-log": "Theta",
  "otm-log": "Theta",
  "ces-log": "ETS",
  "arima-log-lnmean": "ARIMA",
  "theta-log-lnmean": "Theta",
  "otm-log-lnmean": "Theta",
  "ces-log-lnmean": "ETS",
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
 * The same members fitted in logs (`arima-log`, …, ../log-member.ts), in place of or beside the raw ones, did not
 * pass the validation rule (bench/RESULTS.md, "Issue 14: per-series members fitted in logs").
 */
export const LEARNED_MEMBERS: readonly MemberName[] = ["ets-mseason", "theta", "arima", "otm", "ces"];
/**
 * The error scale of the learned weights' objective (simplex-weights.ts) for each OptimizationMetric: the weights
 * minimise the mean squared error so scaled over the backtest windows. Decided on the tourism validation split
 * (bench/accuracy/tourism-validation.ts with OBJECTIVES=1; bench/RESULTS.md "Issue 14: the learned weights'
 * objective per OptimizationMetric"): the seasonal naive scale is the best objective for every metric. Pooled over
 * the periods, the metric's own proxy did worse on its metric: MAPE 23.58 → 23.92 with squared percentage errors
 * (|actual|), WAPE 0.198 → 0.222 and RMSE 379,008 → 451,945 unscaled, mean wQL 0.1264 → 0.1312 with each
 * window's level; absolute errors (exact, by IRLS), mixes with the seasonal naive objective and a per-dataset
 * choice on the latest window did no better on any metric without losing more than 0.5% on a period.
 */
export const LEARNED_OBJECTIVE: Readonly<Record<OptimizationMetric, ErrorScale>> = {
  MASE: "seasonal-naive",
  MAPE: "seasonal-naive",
  WAPE: "seasonal-naive",
  RMSE: "seasonal-naive",
  AverageWeightedQuantileLoss: "seasonal-naive",
};
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
 * a policy. One factor for the whole p10–p90 band per dataset, chosen by the pinball loss with each series window
 * scaled by its size, applied always. Chosen on the tourism validation split (bench/RESULTS.md, "Issue 14: interval
 * calibration by coverage") and checked at 3 validation origins per period (bench/accuracy/tourism-validation.ts
 * with ORIGINS=3; "Issue 14: interval coverage over several validation origins"): mean p10–p90 coverage over the
 * origins monthly / quarterly / yearly 78.8% / 77.9% / 79.8%, mean wQL 0.1094 / 0.0736 / 0.1037. The bench's rule
 * ranked a per-step factor shrunk halfway to the shared one, with the latest window weighted most (recency 0.5),
 * first by coverage (largest distance from 80 1.5 points against 2.1), but at +0.5% / +0.4% / −0.1% mean wQL; the
 * task required mean wQL no worse, and a 0.6-point coverage difference is well inside the 7–11 points coverage
 * moves between origins under any policy, so the simpler policy stays.
 */
export const INTERVAL_CALIBRATION: "off" | CalibrationPolicy = {
  objective: "scaled",
  shared: true,
  perStep: false,
  confirm: false,
};

/**
 * The point forecast (the "mean" forecast type) of a predictor asked to minimise a metric other than by the
 * combination's mean (point-adjustment.ts); a metric not listed keeps the mean. MAPE: the combination's median
 * (its 0.5 quantile). MAPE punishes a forecast above the actual more than one below it, so its best point lies
 * below the median of the forecast distribution, and the mean lies above it for right-skewed data. Chosen on the
 * tourism validation split at 3 origins per period (bench/RESULTS.md, "Issue 14: a MAPE-optimal point forecast")
 * by a rule written before the runs: mean pooled MAPE 24.61 → 23.80, MAPE lower on every period, MASE +0.2% /
 * +0.2% / −10%. Candidates that go further below the median (the lognormal's exp(−s²), factors learned on the
 * backtests) lowered MAPE on some periods but raised it on others or raised MASE by 4–10%.
 */
export const POINT_FORECAST: Readonly<Partial<Record<OptimizationMetric, PointAdjustment>>> = {
  MAPE: { base: "median", lognormal: 0, factors: [1] },
};

/** The point adjustment of a predictor with `metric` and quantile `levels`; undefined keeps the mean (also when
 * the adjustment starts from the median and the predictor does not forecast the 0.5 quantile). */
export function pointAdjustmentFor(
  metric: OptimizationMetric,
  levels: readonly number[],
): PointAdjustment | undefined {
  const point = POINT_FORECAST[metric];
  if (!point) return undefined;
  if (point.base === "median" && !levels.some((tau) => Math.abs(tau - 0.5) < 1e-9)) return undefined;
  return point;
}

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
