// Calibration of the quantile spread from backtest residuals. The members' intervals are built from their own
// in-sample errors, which understate the errors of a forecast h steps ahead on new data (on the tourism yearly
// series only 55–63% of the points fall inside p10–p90). Each quantile level other than the median is moved away
// from the centre (p50, or the mean when p50 is not forecast) by a factor, q' = c + s·(q − c), with s chosen from a
// grid, optionally one per horizon step (errors grow with the step), by one of three objectives over every backtest
// point:
// - "pinball": the level's pinball loss summed over the points, i.e. its wQL on the backtests. The sum is in the
//   data's units, so the largest series decide the factor and the small ones' coverage follows or not;
// - "scaled": the same loss with each series window divided by its mean absolute actual, so every series weighs
//   alike whatever its size;
// - "coverage": the factor whose share of points below the level is closest to the level (10% below p10, 90%
//   below p90): the interval's coverage on the backtests, every point counting once.
// The sums are per chunk and mergeable, so the choice scales out like the accuracy sums: windows × levels × steps
// × grid numbers, whatever the number of series.

import type { SeriesForecast } from "../model.js";

/**
 * Candidate factors: 0.1 to 6 in steps of 0.05 (index k is 0.1 + 0.05·k). Below 0.5 a level may move most of the
 * way to the centre (backtests of a biased forecast ask that of the level on the side the errors never reach);
 * above 4 because covering 80% of the tourism yearly backtest points by count needs p90 × 5.6 at the fourth step.
 */
const GRID_START = 0.1;
const GRID_STEP = 0.05;
export const SPREAD_GRID: readonly number[] = Array.from(
  { length: 119 },
  (_, i) => Math.round((GRID_START + GRID_STEP * i) * 100) / 100,
);

export type CalibrationObjective = "pinball" | "scaled" | "coverage";

/** How the AutoPredictor calibrates (members.ts's INTERVAL_CALIBRATION). */
export interface CalibrationPolicy {
  /** One factor per level and horizon step (true) or per level (false). */
  perStep: boolean;
  objective: CalibrationObjective;
  /** Only where the most recent backtest window confirms the older windows' factors (confirmedCalibration). */
  confirm: boolean;
  /** One factor for every level but the median (the band's width) instead of one per level. */
  shared?: boolean;
  /**
   * Weight of the backtest windows by age: window w (0 the most recent) counts recency^w in the objective (1 or
   * unset: alike). Data drifts, so the latest window may say more about the next h points than the older ones.
   */
  recency?: number;
  /**
   * With perStep: each step's factor is shrunk towards the factor shared by all steps, geometrically,
   * s_t = shared^(1 − shrink) · own_t^shrink (1 or unset: each step its own; 0: the shared one). One step's
   * factor rests on a third of the points of a window, the shared one on all of them.
   */
  shrink?: number;
}

export interface SpreadSumsState {
  levels: number[];
  steps: number;
  windows: number;
  /** Pinball loss sums, index ((window·levels + level)·steps + step)·grid + g; levels at 0.5 stay 0. */
  loss: number[];
  /** The same with each series window's loss divided by its mean absolute actual; same index. */
  scaledLoss: number[];
  /** Points whose actual lies below the level scaled by factor g; same index. */
  below: number[];
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
  private readonly scaledLoss: Float64Array;
  private readonly below: Float64Array;
  private readonly points: Float64Array;

  constructor(
    private readonly levels: readonly number[],
    private readonly steps: number,
    private readonly windows = 1,
  ) {
    const cells = windows * levels.length * steps;
    this.loss = new Float64Array(cells * SPREAD_GRID.length);
    this.scaledLoss = new Float64Array(cells * SPREAD_GRID.length);
    this.below = new Float64Array(cells * SPREAD_GRID.length);
    this.points = new Float64Array(cells);
  }

  /** Adds one backtest window of a series: its actuals and the forecast as the predictor makes it. */
  add(actual: ArrayLike<number>, f: SeriesForecast, window = 0): void {
    if (!(window >= 0 && window < this.windows)) return;
    const cell = window * this.levels.length;
    const centre = centreOf(f, this.levels);
    const g = SPREAD_GRID.length;
    const n = Math.min(actual.length, this.steps);
    let size = 0;
    let sized = 0;
    for (let t = 0; t < n; t++) {
      const y = actual[t] as number;
      if (Number.isFinite(y)) {
        size += Math.abs(y);
        sized++;
      }
    }
    // A window of zeros weighs as if its size were 1 (its loss is in the data's units then).
    const scale = sized > 0 && size > 0 ? size / sized : 1;
    this.levels.forEach((tau, l) => {
      if (isCentre(tau)) return;
      const q = f.quantiles[l] as Float64Array;
      const m = Math.min(n, q.length);
      for (let t = 0; t < m; t++) {
        const y = actual[t] as number;
        const c = centre[t] as number;
        const d = (q[t] as number) - c;
        if (!Number.isFinite(y) || !Number.isFinite(c) || !Number.isFinite(d)) continue;
        const base = ((cell + l) * this.steps + t) * g;
        for (let k = 0; k < g; k++) {
          const e = y - (c + (SPREAD_GRID[k] as number) * d);
          const loss = e >= 0 ? tau * e : (tau - 1) * e;
          this.loss[base + k] += loss;
          this.scaledLoss[base + k] += loss / scale;
          if (e < 0) this.below[base + k] += 1;
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
      scaledLoss: Array.from(this.scaledLoss),
      below: Array.from(this.below),
      points: Array.from(this.points),
    };
  }

  static merge(states: readonly SpreadSumsState[]): SpreadSumsState {
    const first = states[0];
    if (!first) throw new RangeError("no spread sums to merge");
    const sum = (pick: (s: SpreadSumsState) => number[]): number[] => {
      const out = new Float64Array(pick(first).length);
      for (const s of states)
        pick(s).forEach((v, i) => {
          out[i] += v;
        });
      return Array.from(out);
    };
    return {
      ...first,
      loss: sum((s) => s.loss),
      scaledLoss: sum((s) => s.scaledLoss),
      below: sum((s) => s.below),
      points: sum((s) => s.points),
    };
  }
}

/** Index of the factor 1 in SPREAD_GRID (no calibration). */
const IDENTITY = SPREAD_GRID.findIndex((s) => Math.abs(s - 1) < 1e-9);

/**
 * What an objective minimises for a group of levels (one, or all but the median when they share a factor) over
 * the steps `steps` and windows `windows` with factor index k: a loss sum; for "coverage" the distance of the points
 * below each level from tau × the points, or for a shared factor the distance of the points between the levels
 * from their share (Σ over levels of ±(below − tau·points), + above the median and − below it: for p10 and p90 the
 * points inside the band against 80%).
 */
function objectiveAt(
  sums: SpreadSumsState,
  objective: CalibrationObjective,
  levels: readonly number[],
  steps: readonly number[],
  windows: readonly number[],
  k: number,
  recency = 1,
): number {
  const g = SPREAD_GRID.length;
  const L = sums.levels.length;
  let value = 0;
  for (const l of levels) {
    const tau = sums.levels[l] as number;
    let deviation = 0;
    for (const w of windows) {
      const weight = recency === 1 ? 1 : recency ** w;
      for (const t of steps) {
        const cell = (w * L + l) * sums.steps + t;
        if (objective === "coverage")
          deviation += weight * ((sums.below[cell * g + k] ?? 0) - tau * (sums.points[cell] ?? 0));
        else value += weight * ((objective === "scaled" ? sums.scaledLoss : sums.loss)[cell * g + k] ?? 0);
      }
    }
    if (objective === "coverage")
      value += levels.length === 1 ? deviation : tau > 0.5 ? deviation : -deviation;
  }
  return objective === "coverage" ? Math.abs(value) : value;
}

/** The level groups that share a factor: each non-median level alone, or all of them together. */
function levelGroups(sums: SpreadSumsState, shared: boolean): number[][] {
  const levels = sums.levels.flatMap((tau, l) => (isCentre(tau) ? [] : [l]));
  return shared ? (levels.length > 0 ? [levels] : []) : levels.map((l) => [l]);
}

/** The step groups that share a factor: each step alone, or all of them together. */
function stepGroups(sums: SpreadSumsState, perStep: boolean): number[][] {
  const steps = Array.from({ length: sums.steps }, (_, t) => t);
  return perStep ? steps.map((t) => [t]) : [steps];
}

/**
 * Factor indexes per level and step: for each group of levels and steps, the grid factor with the least
 * objective, ties going to the factor nearest 1 (the coverage objective is flat between the points' own factors).
 * Levels at 0.5, and groups without points, keep 1.
 */
function learnIndexes(
  sums: SpreadSumsState,
  perStep: boolean,
  objective: CalibrationObjective,
  windows: readonly number[],
  shared = false,
  recency = 1,
): number[][] {
  const g = SPREAD_GRID.length;
  const L = sums.levels.length;
  const indexes = sums.levels.map(() => Array.from({ length: sums.steps }, () => IDENTITY));
  for (const levels of levelGroups(sums, shared))
    for (const steps of stepGroups(sums, perStep)) {
      let points = 0;
      for (const l of levels)
        for (const w of windows)
          for (const t of steps) points += sums.points[(w * L + l) * sums.steps + t] ?? 0;
      if (points === 0) continue;
      let best = IDENTITY;
      let bestValue = objectiveAt(sums, objective, levels, steps, windows, IDENTITY, recency);
      for (let k = 0; k < g; k++) {
        const v = objectiveAt(sums, objective, levels, steps, windows, k, recency);
        const tie = Math.abs(v - bestValue) <= 1e-12 * Math.max(1, Math.abs(bestValue));
        if (v < bestValue && !tie) {
          best = k;
          bestValue = v;
        } else if (tie && Math.abs(k - IDENTITY) < Math.abs(best - IDENTITY)) best = k;
      }
      for (const l of levels) for (const t of steps) (indexes[l] as number[])[t] = best;
    }
  return indexes;
}

const toCalibration = (sums: SpreadSumsState, indexes: number[][]): IntervalCalibration => ({
  levels: [...sums.levels],
  factors: indexes.map((row) => row.map((k) => SPREAD_GRID[k] as number)),
});

/**
 * The factor minimising the objective (default: the summed pinball loss), per level (perStep false: over all steps
 * together) or per level and step; `shared`: one factor for all levels but the median (the band's width, its
 * asymmetry left as the members give it). A level or step without points keeps 1.
 */
export function learnCalibration(
  sums: SpreadSumsState,
  perStep: boolean,
  windows: readonly number[] = Array.from({ length: sums.windows }, (_, w) => w),
  objective: CalibrationObjective = "pinball",
  shared = false,
): IntervalCalibration {
  return toCalibration(sums, learnIndexes(sums, perStep, objective, windows, shared));
}

/**
 * The calibration only where the backtests confirm it: factors learned on every window but the most recent
 * (window 0) must lower the objective on window 0, summed over its level and step groups, against no
 * calibration; then the factors are learned again on all windows. Undefined (no calibration) otherwise, or with a
 * single window. Guards against a spread the older windows ask for and recent data does not need (on the tourism
 * monthly series the backtests widened p10 and narrowed p90, and the held-out tail scored worse for it).
 */
export function confirmedCalibration(
  sums: SpreadSumsState,
  perStep: boolean,
  objective: CalibrationObjective = "pinball",
  shared = false,
): IntervalCalibration | undefined {
  if (sums.windows < 2) return undefined;
  const older = Array.from({ length: sums.windows - 1 }, (_, w) => w + 1);
  const trial = learnIndexes(sums, perStep, objective, older, shared);
  let calibrated = 0;
  let plain = 0;
  let points = 0;
  for (const levels of levelGroups(sums, shared))
    for (const steps of stepGroups(sums, perStep)) {
      for (const l of levels) for (const t of steps) points += sums.points[l * sums.steps + t] ?? 0;
      const k = trial[levels[0] as number]?.[steps[0] as number] ?? IDENTITY;
      calibrated += objectiveAt(sums, objective, levels, steps, [0], k);
      plain += objectiveAt(sums, objective, levels, steps, [0], IDENTITY);
    }
  if (points === 0 || !(calibrated < plain)) return undefined;
  return learnCalibration(sums, perStep, undefined, objective, shared);
}

/** The calibration `policy` asks for from the backtests' sums (undefined: leave the quantiles as they are). */
export function calibrationFor(
  sums: SpreadSumsState,
  policy: CalibrationPolicy,
): IntervalCalibration | undefined {
  const shared = policy.shared ?? false;
  if (policy.confirm) return confirmedCalibration(sums, policy.perStep, policy.objective, shared);
  const windows = Array.from({ length: sums.windows }, (_, w) => w);
  const learn = (perStep: boolean) =>
    toCalibration(sums, learnIndexes(sums, perStep, policy.objective, windows, shared, policy.recency ?? 1));
  const own = learn(policy.perStep);
  const learned =
    policy.perStep && policy.shrink !== undefined && policy.shrink !== 1
      ? shrunkTowards(own, learn(false), policy.shrink)
      : own;
  return learned.factors.every((row) => row.every((s) => s === 1)) ? undefined : learned;
}

/**
 * Per-step factors shrunk geometrically towards the factors shared by the steps: own^shrink · shared^(1 − shrink)
 * per level and step (shrink 0: the shared factors, 1: the steps' own).
 */
export function shrunkTowards(
  own: IntervalCalibration,
  shared: IntervalCalibration,
  shrink: number,
): IntervalCalibration {
  return {
    levels: [...own.levels],
    factors: own.factors.map((row, l) =>
      row.map((s, t) => {
        const common = shared.factors[l]?.[Math.min(t, (shared.factors[l]?.length ?? 1) - 1)] ?? 1;
        return s ** shrink * common ** (1 - shrink);
      }),
    ),
  };
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
