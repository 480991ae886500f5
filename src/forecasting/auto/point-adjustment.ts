// The point forecast for a predictor asked to minimise MAPE. The combination's mean minimises squared errors; MAPE
// weighs each point's error by 1/|actual|, so it punishes a forecast above the actual more than one below it by
// the same amount, and the point with the least expected MAPE lies below the median: it is the median of the
// predictive distribution reweighted by 1/y. Two ways to get there from what the engine already has:
// - from the predictor's own quantiles, read as a lognormal: with log-sd s (from two quantile levels), the
//   reweighted distribution is the same lognormal with its log-location lowered by s², so the point is the median
//   times exp(−s²) (`lognormalFactors`);
// - from the backtests: one multiplicative factor (per horizon step or for all steps) with the least summed
//   percentage error over every backtest point, from a grid (`PointSums`, mergeable per chunk like the spread
//   sums of interval-calibration.ts, then `learnPointFactors`).

import type { SeriesForecast } from "../model.js";
import { normalQuantile } from "../normal.js";

/** Candidate factors: 0.70 to 1.30 in steps of 0.005 (index k is 0.70 + 0.005·k). */
const GRID_START = 0.7;
const GRID_STEP = 0.005;
export const POINT_GRID: readonly number[] = Array.from(
  { length: 121 },
  (_, i) => Math.round((GRID_START + GRID_STEP * i) * 1000) / 1000,
);
/** Candidate exponents λ of the lognormal correction exp(−λ·s²): 0 (the median) to 1.5 in steps of 0.025. */
export const LOGNORMAL_GRID: readonly number[] = Array.from(
  { length: 61 },
  (_, i) => Math.round(25 * i) / 1000,
);

/**
 * The largest log-sd read from the quantiles: a band p10–p90 wider than a factor exp(2·1.28·1) ≈ 13 says more about
 * a poor fit than about a lognormal, and exp(−s²) would shrink the point without bound.
 */
export const MAX_LOG_SD = 1;

/** How a predictor's point forecast is made from the combination (stored in its model record). */
export interface PointAdjustment {
  /** What the point starts from: the combination's mean or its median (the 0.5 quantile). */
  base: "mean" | "median";
  /** The exponent λ of the lognormal correction exp(−λ·s²) from the quantiles that multiplies it: 0 none, 1 the
   * 1/y-weighted median of the lognormal. */
  lognormal: number;
  /** Factors per horizon step, learned from the backtests (the last one repeats); [1]: none. */
  factors: number[];
}

export interface PointSumsState {
  steps: number;
  windows: number;
  /** The candidates: factors c_k, or exponents λ_k of the lognormal correction. */
  grid: number[];
  /** Σ |y − candidate_k| / |y| over the points, index (window·steps + step)·grid + k. */
  error: number[];
  /** Points added per (window, step). */
  points: number[];
}

/**
 * Percentage-error sums of the candidate points per window and horizon step: the point times each grid factor c_k,
 * or, given the lognormal factors exp(−s_t²) (`shrink`), the point times exp(−s_t²)^λ_k for each grid exponent.
 */
export class PointSums {
  private readonly error: Float64Array;
  private readonly points: Float64Array;

  constructor(
    private readonly steps: number,
    private readonly windows = 1,
    private readonly grid: readonly number[] = POINT_GRID,
  ) {
    this.error = new Float64Array(windows * steps * grid.length);
    this.points = new Float64Array(windows * steps);
  }

  /** Adds one backtest window of a series: its actuals and the point forecast (zero or missing actuals skipped,
   * as MAPE skips them); with `shrink`, the grid holds exponents of it. */
  add(actual: ArrayLike<number>, point: ArrayLike<number>, window = 0, shrink?: ArrayLike<number>): void {
    if (!(window >= 0 && window < this.windows)) return;
    const grid = this.grid;
    const g = grid.length;
    const n = Math.min(actual.length, point.length, this.steps);
    for (let t = 0; t < n; t++) {
      const y = actual[t] as number;
      const f = point[t] as number;
      if (!Number.isFinite(y) || y === 0 || !Number.isFinite(f)) continue;
      const cell = window * this.steps + t;
      const base = cell * g;
      const ay = Math.abs(y);
      if (shrink) {
        const b = shrink[t] as number;
        for (let k = 0; k < g; k++) this.error[base + k] += Math.abs(y - f * b ** (grid[k] as number)) / ay;
      } else for (let k = 0; k < g; k++) this.error[base + k] += Math.abs(y - (grid[k] as number) * f) / ay;
      this.points[cell] += 1;
    }
  }

  state(): PointSumsState {
    return {
      steps: this.steps,
      windows: this.windows,
      grid: [...this.grid],
      error: Array.from(this.error),
      points: Array.from(this.points),
    };
  }

  static merge(states: readonly PointSumsState[]): PointSumsState {
    const first = states[0];
    if (!first) throw new RangeError("no point sums to merge");
    const error = new Float64Array(first.error.length);
    const points = new Float64Array(first.points.length);
    for (const s of states) {
      s.error.forEach((v, i) => {
        error[i] += v;
      });
      s.points.forEach((v, i) => {
        points[i] += v;
      });
    }
    return { ...first, error: Array.from(error), points: Array.from(points) };
  }
}

/**
 * The grid value with the least summed percentage error over every window, per horizon step (perStep) or one for
 * all steps; ties go to the value nearest `neutral` (1 for factors, 0 for exponents), and a step without points
 * keeps it.
 */
export function learnPointFactors(sums: PointSumsState, perStep: boolean, neutral = 1): number[] {
  const g = sums.grid.length;
  const IDENTITY = sums.grid.reduce(
    (best, v, k) => (Math.abs(v - neutral) < Math.abs((sums.grid[best] as number) - neutral) ? k : best),
    0,
  );
  const groups = perStep
    ? Array.from({ length: sums.steps }, (_, t) => [t])
    : [Array.from({ length: sums.steps }, (_, t) => t)];
  const factors = new Array<number>(perStep ? sums.steps : 1).fill(neutral);
  groups.forEach((steps, j) => {
    const at = (k: number) => {
      let v = 0;
      for (let w = 0; w < sums.windows; w++)
        for (const t of steps) v += sums.error[(w * sums.steps + t) * g + k] ?? 0;
      return v;
    };
    let points = 0;
    for (let w = 0; w < sums.windows; w++)
      for (const t of steps) points += sums.points[w * sums.steps + t] ?? 0;
    if (points === 0) return;
    let best = IDENTITY;
    let bestValue = at(IDENTITY);
    for (let k = 0; k < g; k++) {
      const v = at(k);
      const tie = Math.abs(v - bestValue) <= 1e-12 * Math.max(1, Math.abs(bestValue));
      if (v < bestValue && !tie) {
        best = k;
        bestValue = v;
      } else if (tie && Math.abs(k - IDENTITY) < Math.abs(best - IDENTITY)) best = k;
    }
    factors[j] = sums.grid[best] as number;
  });
  return factors;
}

/**
 * exp(−s_t²) per step, s_t the log-sd of a lognormal through two of the forecast's quantile levels: the outermost
 * pair around the median (p10 and p90 by default), or, where the lower one is not positive (a forecast floored at
 * 0), the median and the upper one. 1 where neither pair is positive (no lognormal reading) or the levels do not
 * straddle the median. s is capped at MAX_LOG_SD.
 */
export function lognormalFactors(f: SeriesForecast, levels: readonly number[]): Float64Array {
  const h = f.mean.length;
  const out = new Float64Array(h).fill(1);
  const lo = levels.reduce(
    (best, tau, l) => (tau < 0.5 && (best < 0 || tau < (levels[best] as number)) ? l : best),
    -1,
  );
  const hi = levels.reduce(
    (best, tau, l) => (tau > 0.5 && (best < 0 || tau > (levels[best] as number)) ? l : best),
    -1,
  );
  const mid = levels.findIndex((tau) => Math.abs(tau - 0.5) < 1e-9);
  if (hi < 0) return out;
  const zHi = normalQuantile(levels[hi] as number);
  const zLo = lo >= 0 ? normalQuantile(levels[lo] as number) : Number.NaN;
  const qHi = f.quantiles[hi] as Float64Array;
  const qLo = lo >= 0 ? (f.quantiles[lo] as Float64Array) : undefined;
  const qMid = mid >= 0 ? (f.quantiles[mid] as Float64Array) : undefined;
  for (let t = 0; t < h; t++) {
    const upper = qHi[t] as number;
    const lower = qLo?.[t] as number;
    const median = qMid?.[t] as number;
    let s = Number.NaN;
    if (qLo && lower > 0 && upper > 0) s = (Math.log(upper) - Math.log(lower)) / (zHi - zLo);
    else if (qMid && median > 0 && upper > 0) s = (Math.log(upper) - Math.log(median)) / zHi;
    if (!Number.isFinite(s) || s <= 0) continue;
    const capped = Math.min(s, MAX_LOG_SD);
    out[t] = Math.exp(-capped * capped);
  }
  return out;
}

/** The adjusted point forecast per step (the forecast itself is not changed). */
export function adjustedPoint(
  f: SeriesForecast,
  levels: readonly number[],
  adjustment: PointAdjustment,
): Float64Array {
  const mid = levels.findIndex((tau) => Math.abs(tau - 0.5) < 1e-9);
  const base = adjustment.base === "median" && mid >= 0 ? (f.quantiles[mid] as Float64Array) : f.mean;
  const out = Float64Array.from(base);
  const exponent = adjustment.lognormal;
  const shrink = exponent !== 0 ? lognormalFactors(f, levels) : undefined;
  const { factors } = adjustment;
  for (let t = 0; t < out.length; t++) {
    const c = factors[Math.min(t, factors.length - 1)] ?? 1;
    out[t] = (out[t] as number) * (shrink ? (shrink[t] as number) ** exponent : 1) * c;
  }
  return out;
}

/**
 * Which output of each member a predictor's explanations explain, so that the impacts add up to the point it
 * forecasts minus its value at the baseline: the combination is linear in the members' outputs level by level, so
 * a point that is the combination's median is the weighted sum of the members' medians. (A lognormal correction or
 * learned factors would make the point non-linear in the members; no metric asks for them, and the explanation
 * would then be of the median before them.)
 */
export function explainedOutput(point: PointAdjustment | undefined): 0.5 | "mean" {
  return point?.base === "median" ? 0.5 : "mean";
}

/** The forecast with its mean replaced by the adjusted point (in place: the caller owns it). */
export function applyPointAdjustment(
  f: SeriesForecast,
  levels: readonly number[],
  adjustment: PointAdjustment,
): SeriesForecast {
  f.mean.set(adjustedPoint(f, levels, adjustment));
  return f;
}
