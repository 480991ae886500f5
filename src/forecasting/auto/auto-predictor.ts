// The AutoPredictor engine: backtests every member on every series, picks per series the statistical member with
// the best optimization metric, and scores every weighting of the combination [that member, external members]
// per backtest window, so that the caller learns the weights (weights.ts). Pure and synchronous over
// the series it is given, so a worker thread can run it on a chunk of a SeriesSet.

import { combineForecasts } from "../combination.js";
import { createMember, type MemberName } from "../members.js";
import type { FitContext, SeriesForecast, SeriesModel } from "../model.js";
import { clampNonNegative, enforceMonotoneQuantiles } from "../model.js";
import { cleanOutliers, type OutlierCleaning } from "../outliers.js";
import type { PreparedSeries, SeriesSet } from "../series-set.js";
import {
  type AccumulatorState,
  type OptimizationMetric,
  seriesScore,
  WindowAccumulator,
} from "./accuracy.js";
import { type CombinationRecord, SERIES_CHOICE, seriesWeights } from "./combined-model.js";
import { applyCalibration, type IntervalCalibration } from "./interval-calibration.js";
import {
  bridgeGaps,
  COMBINATION,
  COMBINED_MEMBERS,
  FITTED_MEMBERS,
  LEARNED_OBJECTIVE,
  memberModels,
  seriesRegressors,
} from "./members.js";
import { applyPointAdjustment, type PointAdjustment } from "./point-adjustment.js";
import { ErrorGram, type ErrorGramState, type ErrorScale, windowWeight } from "./simplex-weights.js";
import { combined, simplexGrid, WeightLearner, type WeightLearnerState } from "./weights.js";

export interface AutoPredictorOptions {
  /** Quantile levels to forecast (ForecastTypes other than "mean"). */
  quantiles: number[];
  metric: OptimizationMetric;
  /** Backtest windows, each `horizon` long, ending at the end of the history (Amazon allows 1 to 5). */
  backtestWindows: number;
  /** Statistical members fitted per series; undefined means all of them (and their combination). */
  members?: MemberName[];
  /** Floor forecasts at zero (the target was never negative). */
  nonNegative: boolean;
  /** Candidate weightings of the components (default: the simplexGrid of their number). */
  weightCandidates?: number[][];
  /**
   * The statistical members that are components of their own, weighted at dataset level (the AutoPredictor's
   * LEARNED_MEMBERS): the chunk then returns the Gram matrix of the components' scaled errors (simplex-weights.ts)
   * and every series' backtest forecasts of each, and the caller learns the weights, scores the combination and
   * applies the per-series switch (learnedCombination). Unset: the component SERIES_CHOICE and the grid learner.
   */
  learnedMembers?: MemberName[];
  /** With learnedMembers: members a series may switch to (scored per window, not components). */
  switchMembers?: MemberName[];
  /** With learnedMembers: the error scale of the weights' objective (default: LEARNED_OBJECTIVE of the metric). */
  errorScale?: ErrorScale;
  /**
   * The statistical members fit each backtest window's history with its outliers replaced (outliers.ts); the
   * window's actuals and the seasonal-naive scale of the scores stay the raw history's. Unset: the raw history.
   */
  outliers?: OutlierCleaning;
  /**
   * With learnedMembers: backtest window w (0 the latest) counts windowRecency^w in the Gram sums the weights are
   * learned from (windowWeight). Default 1: every window alike, the engine's choice; r = 0.5, 0.25 and 0 were
   * worse on the tourism validation split, at its latest origin too (bench/RESULTS.md, "learned weights that
   * favour the latest backtest window").
   */
  windowRecency?: number;
}

/** A member's forecasts for the series the caller computed apart (the global model), by series index. */
export type ExternalMember = (seriesIndex: number) => SeriesForecast | undefined;

export interface BacktestRecord {
  window: number;
  series: number;
  /** Grid index in the series where the window starts. */
  offset: number;
  actual: Float64Array;
  /** The forecast of the series' own member (the SERIES_CHOICE component); absent without statistical members.
   * The combined forecast adds the external members' with the learned weights (combined()). */
  forecast?: SeriesForecast;
  /** With learnedMembers: each statistical component's forecast, in component order. */
  parts?: (SeriesForecast | undefined)[];
  /** With learnedMembers and switch members: every fitted member's score in this window. */
  scores?: Record<string, number>;
  /** With switch members: the forecasts of the switch candidates that are not components. */
  others?: Record<string, SeriesForecast>;
}

export interface AutoPredictorResult {
  /** Each series' own member (the SERIES_CHOICE component), by index in the set; "" when there is none. */
  choices: string[];
  /** The components of the combination: SERIES_CHOICE when there are statistical members, then the external
   * members in the order given. */
  components: string[];
  /** Every candidate weighting's accuracy sums per window: merge the chunks with learnWeights. */
  weights?: WeightLearnerState;
  /** With learnedMembers: the Gram matrix of the components' scaled errors (merge, then simplexLeastSquares). */
  gram?: ErrorGramState;
  /** With learnedMembers: how many of `components` (the first ones) are statistical members. */
  statisticalComponents?: number;
  /** Accuracy sums of each member alone, per window. */
  memberWindows: Record<string, AccumulatorState[]>;
  /** The series' own members' backtest forecasts (for backtest exports). */
  backtests: BacktestRecord[];
}

/**
 * For daily and finer data (seasonal period 7 or more, the weekly series included) the statistical members see at
 * most this much recent history, or three seasons when longer: their fitting cost grows with the length, and
 * older points of a long daily or hourly series add little to a short horizon. Monthly, quarterly and yearly series
 * keep their whole history.
 */
export const MAX_MEMBER_HISTORY = 150;

export function recentHistory(y: Float64Array, period: number): Float64Array {
  // Periods 1, 4 and 12 are yearly, quarterly and monthly data (see periods.ts): short series, kept whole.
  if (period <= 4 || period === 12) return y;
  const keep = Math.max(MAX_MEMBER_HISTORY, 3 * period);
  return y.length > keep ? y.subarray(y.length - keep) : y;
}

/** A member's fit context for series `s` fitted on grid indexes [start, …) and forecast up to `end`. */
function fitContext(
  model: SeriesModel,
  period: number,
  s: PreparedSeries,
  start: number,
  end: number,
): FitContext {
  return model.usesRegressors ? { period, regressors: seriesRegressors(s, start, end) } : { period };
}

/** The history a member fits: `recent` with its outliers replaced where the options ask for it. */
function fitHistory(
  recent: Float64Array,
  period: number,
  outliers: OutlierCleaning | undefined,
): Float64Array {
  return outliers ? cleanOutliers(recent, period, outliers) : recent;
}

/** The shortest history a member is fitted on in a backtest. */
const MIN_TRAIN = 4;

function windowBounds(s: PreparedSeries, horizon: number, window: number): { cut: number; end: number } {
  const n = s.target.length;
  return { cut: n - (window + 1) * horizon, end: n - window * horizon };
}

function finish(f: SeriesForecast, levels: readonly number[], nonNegative: boolean): SeriesForecast {
  enforceMonotoneQuantiles(levels, f.quantiles);
  return nonNegative ? clampNonNegative(f) : f;
}

/**
 * Backtests the members on `series` (a chunk of `set`): chooses each series' own statistical member (level 1, as
 * chooseMember says) and scores every candidate weighting of the combination [series' member, ...external] on
 * every window. `external` adds members computed outside (the global model), as a function per window returning
 * the member's forecast for a series index of the chunk (its raw output: the combination is finished after).
 */
export function backtestAutoPredictor(
  set: Pick<SeriesSet, "horizon" | "period">,
  series: readonly PreparedSeries[],
  options: AutoPredictorOptions,
  external: Record<string, (window: number) => ExternalMember> = {},
): AutoPredictorResult {
  if (options.learnedMembers) return backtestLearned(set, series, options, options.learnedMembers, external);
  const horizon = set.horizon;
  const levels = options.quantiles;
  const names = options.members ?? [...FITTED_MEMBERS];
  const models = memberModels(names);
  const combine = COMBINED_MEMBERS.every((m) => names.includes(m));
  const statistical = [...names, ...(combine ? [COMBINATION] : [])];
  const externalNames = Object.keys(external);
  const components = [...(statistical.length > 0 ? [SERIES_CHOICE] : []), ...externalNames];
  if (components.length === 0) throw new RangeError("no member to backtest");
  const candidates = options.weightCandidates ?? simplexGrid(components.length);
  const memberAcc: Record<string, WindowAccumulator[]> = {};
  const windowDates: { start: number; end: number }[] = [];
  const choices: string[] = [];
  const backtests: BacktestRecord[] = [];
  // Window accumulators need the window's dates: take them from the first series long enough.
  for (let w = 0; w < options.backtestWindows; w++) {
    const ref = series.find((s) => windowBounds(s, horizon, w).cut >= MIN_TRAIN);
    const bounds = ref ? windowBounds(ref, horizon, w) : undefined;
    const start = ref && bounds ? (ref.timestamps[bounds.cut] as number) : Number.NaN;
    const end = ref && bounds ? (ref.timestamps[bounds.end - 1] as number) : Number.NaN;
    windowDates.push({ start, end });
    for (const c of [...statistical, ...externalNames]) {
      memberAcc[c] ??= [];
      (memberAcc[c] as WindowAccumulator[]).push(new WindowAccumulator(levels, start, end));
    }
  }
  const learner = new WeightLearner(candidates, levels, windowDates, options.nonNegative);
  const externalByWindow = externalNames.map((name) =>
    Array.from({ length: options.backtestWindows }, (_, w) =>
      (external[name] as (w: number) => ExternalMember)(w),
    ),
  );

  series.forEach((s, index) => {
    const y = bridgeGaps(s.target);
    // Each statistical candidate's score per window (windows too early for this series are left out).
    const scores = new Map<string, number[]>();
    const perWindow: Map<string, SeriesForecast>[] = [];
    for (let w = 0; w < options.backtestWindows; w++) {
      const { cut, end } = windowBounds(s, horizon, w);
      const forecasts = new Map<string, SeriesForecast>();
      perWindow.push(forecasts);
      if (cut < MIN_TRAIN) continue;
      const history = y.subarray(0, cut);
      const recent = fitHistory(recentHistory(history, set.period), set.period, options.outliers);
      const actual = s.target.subarray(cut, end);
      for (const name of names) {
        const model = models.get(name);
        if (!model) continue;
        const f = finish(
          model
            .fit(recent, fitContext(model, set.period, s, cut - recent.length, cut + horizon))
            .forecast(horizon, levels),
          levels,
          options.nonNegative,
        );
        forecasts.set(name, f);
      }
      if (combine) {
        const parts = COMBINED_MEMBERS.map((m) => forecasts.get(m) as SeriesForecast);
        forecasts.set(COMBINATION, combineForecasts(parts, levels, "median"));
      }
      for (const [name, f] of forecasts) {
        const score = seriesScore(options.metric, actual, f, history, set.period, levels);
        let perWindowScores = scores.get(name);
        if (!perWindowScores) {
          perWindowScores = [];
          scores.set(name, perWindowScores);
        }
        perWindowScores.push(Number.isFinite(score) ? score : Number.POSITIVE_INFINITY);
        memberAcc[name]?.[w]?.add(actual, f, history, set.period);
      }
      externalNames.forEach((name, m) => {
        const f = externalByWindow[m]?.[w]?.(index);
        if (f)
          memberAcc[name]?.[w]?.add(
            actual,
            finish(cloneForecast(f), levels, options.nonNegative),
            history,
            set.period,
          );
      });
    }
    const best =
      statistical.length > 0 ? chooseMember(scores, combine ? COMBINATION : (statistical[0] as string)) : "";
    choices.push(best);
    for (let w = 0; w < options.backtestWindows; w++) {
      const { cut, end } = windowBounds(s, horizon, w);
      if (cut < MIN_TRAIN) continue;
      const own = perWindow[w]?.get(best);
      const parts = [
        ...(statistical.length > 0 ? [own] : []),
        ...externalByWindow.map((perW) => perW[w]?.(index)),
      ];
      const actual = s.target.subarray(cut, end);
      learner.add(w, actual, parts, y.subarray(0, cut), set.period);
      if (parts.every((p) => p === undefined)) continue;
      backtests.push({
        window: w,
        series: index,
        offset: cut,
        actual: Float64Array.from(actual),
        forecast: own,
      });
    }
  });

  return {
    choices,
    components,
    weights: learner.state(),
    memberWindows: Object.fromEntries(
      Object.entries(memberAcc).map(([k, v]) => [k, v.map((w) => w.state())]),
    ),
    backtests,
  };
}

/**
 * backtestAutoPredictor with the statistical members as components of their own: per series and window, every
 * component and switch candidate is fitted; the Gram matrix of the components' scaled errors (external members
 * included, their raw means) is summed, and the components' forecasts and the candidates' scores are kept for the
 * caller, who learns the weights once for all chunks.
 */
function backtestLearned(
  set: Pick<SeriesSet, "horizon" | "period">,
  series: readonly PreparedSeries[],
  options: AutoPredictorOptions,
  learned: readonly MemberName[],
  external: Record<string, (window: number) => ExternalMember>,
): AutoPredictorResult {
  const { horizon, period } = set;
  const levels = options.quantiles;
  const switchTo = (options.switchMembers ?? []).filter((m) => !learned.includes(m));
  const fitted = [...learned, ...switchTo];
  const models = memberModels(fitted);
  const externalNames = Object.keys(external);
  const components = [...learned, ...externalNames];
  const gram = new ErrorGram(
    components.length,
    options.errorScale ?? LEARNED_OBJECTIVE[options.metric] ?? "seasonal-naive",
  );
  const memberAcc: Record<string, WindowAccumulator[]> = {};
  for (let w = 0; w < options.backtestWindows; w++) {
    const ref = series.find((s) => windowBounds(s, horizon, w).cut >= MIN_TRAIN);
    const bounds = ref ? windowBounds(ref, horizon, w) : undefined;
    const start = ref && bounds ? (ref.timestamps[bounds.cut] as number) : Number.NaN;
    const end = ref && bounds ? (ref.timestamps[bounds.end - 1] as number) : Number.NaN;
    for (const c of [...fitted, ...externalNames]) {
      memberAcc[c] ??= [];
      (memberAcc[c] as WindowAccumulator[]).push(new WindowAccumulator(levels, start, end));
    }
  }
  const externalByWindow = externalNames.map((name) =>
    Array.from({ length: options.backtestWindows }, (_, w) =>
      (external[name] as (w: number) => ExternalMember)(w),
    ),
  );
  const backtests: BacktestRecord[] = [];
  series.forEach((s, index) => {
    const y = bridgeGaps(s.target);
    for (let w = 0; w < options.backtestWindows; w++) {
      const { cut, end } = windowBounds(s, horizon, w);
      if (cut < MIN_TRAIN) continue;
      const history = y.subarray(0, cut);
      const recent = fitHistory(recentHistory(history, period), period, options.outliers);
      const actual = s.target.subarray(cut, end);
      const forecasts = new Map<string, SeriesForecast>();
      const scores: Record<string, number> = {};
      for (const name of fitted) {
        const model = models.get(name) as SeriesModel;
        const f = finish(
          model
            .fit(recent, fitContext(model, period, s, cut - recent.length, cut + horizon))
            .forecast(horizon, levels),
          levels,
          options.nonNegative,
        );
        forecasts.set(name, f);
        memberAcc[name]?.[w]?.add(actual, f, history, period);
        if (switchTo.length > 0) {
          const score = seriesScore(options.metric, actual, f, history, period, levels);
          scores[name] = Number.isFinite(score) ? score : Number.POSITIVE_INFINITY;
        }
      }
      const outside = externalByWindow.map((perW) => perW[w]?.(index));
      externalNames.forEach((name, m) => {
        const f = outside[m];
        if (f)
          memberAcc[name]?.[w]?.add(
            actual,
            finish(cloneForecast(f), levels, options.nonNegative),
            history,
            period,
          );
      });
      const parts = learned.map((m) => forecasts.get(m));
      gram.add(
        actual,
        [...parts, ...outside].map((f) => f?.mean),
        history,
        period,
        windowWeight(options.windowRecency ?? 1, w),
      );
      backtests.push({
        window: w,
        series: index,
        offset: cut,
        actual: Float64Array.from(actual),
        parts,
        ...(switchTo.length > 0
          ? {
              scores,
              others: Object.fromEntries(switchTo.map((m) => [m, forecasts.get(m) as SeriesForecast])),
            }
          : {}),
      });
    }
  });
  return {
    choices: series.map(() => ""),
    components,
    gram: gram.state(),
    statisticalComponents: learned.length,
    memberWindows: Object.fromEntries(
      Object.entries(memberAcc).map(([k, v]) => [k, v.map((w) => w.state())]),
    ),
    backtests,
  };
}

function cloneForecast(f: SeriesForecast): SeriesForecast {
  return { mean: Float64Array.from(f.mean), quantiles: f.quantiles.map((q) => Float64Array.from(q)) };
}

/**
 * A member other than the default (the combination) is chosen for a series only when it beats the default by
 * SWITCH_MARGIN in every backtest window; among such members the lowest total score wins. A few windows are a
 * noisy judge: on the tourism data, picking the member with the best total forecast worse than the combination
 * alone, and so did any margin on the total; winning every window by 10% chose better than the combination
 * (bench/accuracy/README.md).
 */
export const SWITCH_MARGIN = 0.1;

const total = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

export function chooseMember(scores: ReadonlyMap<string, readonly number[]>, fallback: string): string {
  const base = scores.get(fallback);
  const usable = (xs: readonly number[] | undefined): xs is readonly number[] =>
    xs !== undefined && xs.length > 0 && xs.every(Number.isFinite);
  let best = fallback;
  let bestScore = usable(base) ? total(base) : Number.POSITIVE_INFINITY;
  for (const [name, perWindow] of scores) {
    if (name === fallback || !usable(perWindow)) continue;
    const winsEveryWindow =
      !usable(base) ||
      (perWindow.length === base.length &&
        perWindow.every((score, w) => score < (base[w] as number) * (1 - SWITCH_MARGIN)));
    const score = total(perWindow);
    if (winsEveryWindow && score < bestScore) {
      best = name;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Forecasts the horizon after each series' history with its combination: Σ_m w_m·f_m over the series' members
 * (seriesWeights of `combination` and the series' own member `choices[i]`), finished (quantiles non-crossing,
 * floored at 0 for non-negative targets). Members fitted per series are fitted here; the others' forecasts come
 * from `external` (their raw output). `intervals` stretches the quantiles as the predictor learned from its backtests;
 * `point` then makes the mean the point its OptimizationMetric asks for (point-adjustment.ts).
 */
export function forecastCombined(
  set: Pick<SeriesSet, "horizon" | "period">,
  series: readonly PreparedSeries[],
  choices: readonly string[],
  combination: CombinationRecord,
  quantiles: readonly number[],
  nonNegative: boolean,
  external: Record<string, ExternalMember> = {},
  intervals?: IntervalCalibration,
  point?: PointAdjustment,
): SeriesForecast[] {
  const models = new Map<string, SeriesModel>();
  const modelOf = (name: string): SeriesModel => {
    let model = models.get(name);
    if (!model) {
      model = createMember(name as MemberName);
      models.set(name, model);
    }
    return model;
  };
  return series.map((s, i) => {
    const weights = seriesWeights(combination, choices[i] || COMBINATION);
    const parts: (SeriesForecast | undefined)[] = [];
    for (const member of weights.keys()) {
      const outside = external[member];
      if (outside) {
        parts.push(outside(i));
        continue;
      }
      const model = modelOf(member);
      const n = s.target.length;
      const recent = recentHistory(bridgeGaps(s.target), set.period);
      const f = model
        .fit(recent, fitContext(model, set.period, s, n - recent.length, n + set.horizon))
        .forecast(set.horizon, quantiles);
      parts.push(finish(f, quantiles, nonNegative));
    }
    const f = combined(parts, [...weights.values()], quantiles, nonNegative);
    if (!f)
      throw new RangeError(
        `series ${i}: none of its members (${[...weights.keys()].join(", ")}) forecast it`,
      );
    const out = intervals ? finish(applyCalibration(f, intervals), quantiles, nonNegative) : f;
    return point ? applyPointAdjustment(out, quantiles, point) : out;
  });
}
