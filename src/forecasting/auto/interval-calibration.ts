// Calibration of the quantile spread from backtest residuals. The members' intervals are built from their own
// in-sample errors, which understate the errors of a forecast h steps ahead on new data (on the tourism yearly
// series only 55–63% of the points fall inside p10–p90). Each quantile level other than the median is moved away
// from the centre (p50, or the mean when p50 is not forecast) by a factor, q' = c + s·(q − c), with s chosen from a
// grid to minimise that level's pinball loss summed over every backtest point: the level's wQL on the backtests.
// Optionally one factor per horizon step (errors grow with the step). The sums are per chunk and mergeable, so the
// choice scales out like the accuracy sums: levels × steps × grid numbers, whatever the number of series.

import type { SeriesForecast } from "../model.js";

/** Candidate factors: 0.5 to 4 in steps of 0.05 (index k is 0.5 + 0.05·k). */
export const SPREAD_GRID: readonly number[] = Array.from({ length: 71 }, (_, i) => 0.5 + 0.05 * i);

export interface SpreadSumsState {
  levels: number[];
  steps: number;
  windows: number;
  /** Pinball loss sums, index ((window·levels + level)·steps + step)·grid + g; levels at 0.5 stay 0. */
  loss: number[];
  /** Points added per (window, level, step). */
  points: number[];
}

/** The factors learned: one per level and step (one value repeated over the steps when not per step). */
export interface IntervalCalibration {
  levels: number[];
  /** factors[level][step]; 1 leaves the level as it is. */
  factors: number[][];
}

const isCentre = (level: number): boolean => Math.abs(level - 0.5) < 1e-9;

function centreOf(f: SeriesForecast, levels: readonly number[]): Float64Array {
  const median = levels.findIndex(isCentre);
  return median >= 0 ? (f.quantiles[median] as Float64Array) : f.mean;
}

export class SpreadSums {
  private readonly loss: Float64Array;
  private readonly points: Float64Array;

  constructor(
    private readonly levels: readonly number[],
    private readonly steps: number,
    private readonly windows = 1,
  ) {
    this.loss = new Float64Array(windows * levels.length * steps * SPREAD_GRID.length);
    this.points = new Float64Array(windows * levels.length * steps);
  }

  /** Adds one backtest window of a series: its actuals and the forecast as the predictor makes it. */
  add(actual: ArrayLike<number>, f: SeriesForecast, window = 0): void {
    if (!(window >= 0 && window < this.windows)) return;
    const cell = window * this.levels.length;
    const centre = centreOf(f, this.levels);
    const g = SPREAD_GRID.length;
    this.levels.forEach((tau, l) => {
      if (isCentre(tau)) return;
      const q = f.quantiles[l] as Float64Array;
      const n = Math.min(actual.length, this.steps, q.length);
      for (let t = 0; t < n; t++) {
        const y = actual[t] as number;
        const c = centre[t] as number;
        const d = (q[t] as number) - c;
        if (!Number.isFinite(y) || !Number.isFinite(c) || !Number.isFinite(d)) continue;
        const base = ((cell + l) * this.steps + t) * g;
        for (let k = 0; k < g; k++) {
          const e = y - (c + (SPREAD_GRID[k] as number) * d);
          this.loss[base + k] += e >= 0 ? tau * e : (tau - 1) * e;
        }
        this.points[(cell + l) * this.steps + t] += 1;
      }
    });
  }

  state(): SpreadSumsState {
    return {
      levels: [...this.levels],
      steps: this.steps,
      windows: this.windows,
      loss: Array.from(this.loss),
      points: Array.from(this.points),
    };
  }

  static merge(states: readonly SpreadSumsState[]): SpreadSumsState {
    const first = states[0];
    if (!first) throw new RangeError("no spread sums to merge");
    const loss = new Float64Array(first.loss.length);
    const points = new Float64Array(first.points.length);
    for (const s of states) {
      s.loss.forEach((v, i) => {
        loss[i] += v;
      });
      s.points.forEach((v, i) => {
        points[i] += v;
      });
    }
    return { ...first, loss: Array.from(loss), points: Array.from(points) };
  }
}

/**
 * The factor minimising the summed pinball loss, per level (perStep false: over all steps together) or per level
 * and step. A level or step without points keeps 1.
 */
export function learnCalibration(
  sums: SpreadSumsState,
  perStep: boolean,
  windows: readonly number[] = Array.from({ length: sums.windows }, (_, w) => w),
): IntervalCalibration {
  const g = SPREAD_GRID.length;
  const L = sums.levels.length;
  const argmin = (total: (k: number) => number): number => {
    let best = -1;
    let bestLoss = Number.POSITIVE_INFINITY;
    for (let k = 0; k < g; k++) {
      const v = total(k);
      if (v < bestLoss) {
        best = k;
        bestLoss = v;
      }
    }
    return best >= 0 ? (SPREAD_GRID[best] as number) : 1;
  };
  const factors = sums.levels.map((tau, l) => {
    if (isCentre(tau)) return Array.from({ length: sums.steps }, () => 1);
    const pointsAt = (t: number) => {
      let n = 0;
      for (const w of windows) n += sums.points[(w * L + l) * sums.steps + t] ?? 0;
      return n;
    };
    const lossAt = (t: number, k: number) => {
      let v = 0;
      for (const w of windows) v += sums.loss[((w * L + l) * sums.steps + t) * g + k] ?? 0;
      return v;
    };
    if (perStep)
      return Array.from({ length: sums.steps }, (_, t) =>
        pointsAt(t) > 0 ? argmin((k) => lossAt(t, k)) : 1,
      );
    let any = false;
    for (let t = 0; t < sums.steps; t++) any ||= pointsAt(t) > 0;
    const factor = any
      ? argmin((k) => {
          let v = 0;
          for (let t = 0; t < sums.steps; t++) v += lossAt(t, k);
          return v;
        })
      : 1;
    return Array.from({ length: sums.steps }, () => factor);
  });
  return { levels: [...sums.levels], factors };
}

/** Index of the factor 1 in SPREAD_GRID (no calibration). */
const IDENTITY = SPREAD_GRID.findIndex((s) => Math.abs(s - 1) < 1e-9);

/**
 * The calibration only where the backtests confirm it: factors learned on every window but the most recent
 * (window 0) must lower the pinball loss of the non-median levels on window 0, summed over its points, against no
 * calibration; then the factors are learned again on all windows. Undefined (no calibration) otherwise, or with a
 * single window. Guards against a spread the older windows ask for and recent data does not need (on the tourism
 * monthly series the backtests widened p10 and narrowed p90, and the held-out tail scored worse for it).
 */
export function confirmedCalibration(
  sums: SpreadSumsState,
  perStep: boolean,
): IntervalCalibration | undefined {
  if (sums.windows < 2) return undefined;
  const older = Array.from({ length: sums.windows - 1 }, (_, w) => w + 1);
  const trial = learnCalibration(sums, perStep, older);
  const g = SPREAD_GRID.length;
  let calibrated = 0;
  let plain = 0;
  let points = 0;
  sums.levels.forEach((_, l) => {
    for (let t = 0; t < sums.steps; t++) {
      points += sums.points[l * sums.steps + t] ?? 0;
      const s = trial.factors[l]?.[t] ?? 1;
      const k = Math.round((s - (SPREAD_GRID[0] as number)) / 0.05);
      const base = (l * sums.steps + t) * g;
      calibrated += sums.loss[base + k] ?? 0;
      plain += sums.loss[base + IDENTITY] ?? 0;
    }
  });
  if (points === 0 || !(calibrated < plain)) return undefined;
  return learnCalibration(sums, perStep);
}

/**
 * The forecast with each level's distance from the centre scaled by its factor (in place: the caller owns it).
 * The caller finishes the forecast after (non-crossing quantiles, floor at 0).
 */
export function applyCalibration(f: SeriesForecast, calibration: IntervalCalibration): SeriesForecast {
  const centre = Float64Array.from(centreOf(f, calibration.levels));
  calibration.levels.forEach((tau, l) => {
    if (isCentre(tau)) return;
    const q = f.quantiles[l];
    const factors = calibration.factors[l];
    if (!q || !factors) return;
    for (let t = 0; t < q.length; t++) {
      const s = factors[Math.min(t, factors.length - 1)] ?? 1;
      q[t] = (centre[t] as number) + s * ((q[t] as number) - (centre[t] as number));
    }
  });
  return f;
}
