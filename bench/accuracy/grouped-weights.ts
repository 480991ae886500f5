// Combination weights that depend on the series and the step (issue 14, a cheap step toward FFORMA): the learned
// weights (simplex-weights.ts) solved once per cell of a grid of (group of series) × (segment of the horizon)
// instead of once per dataset. A series' group comes from a feature of its history alone (its length, or the
// scaled volatility of its last seasons), cut at the set's terciles before the fit; a segment is a run of
// forecast steps (the near steps and the far ones), since a pooled autoregression and a damped member may win at
// different distances. Each cell keeps its own Gram sums, which merge per chunk like the dataset's; a group's
// Gram is shrunk toward the set's (of the same segment), so a small group does not get weights from a few noisy
// series. With one group and one segment the weights are the dataset's, bit for bit.
// Judged on the tourism validation split (tourism-validation.ts, GROUPED=1; bench/RESULTS.md "Issue 14: weights
// per group of series and per horizon segment") and not adopted: no variant passed the rule, so this stays beside
// the bench, written like the engine's modules (sums that merge per chunk) in case a later design takes it up.

import {
  ErrorGram,
  type ErrorGramState,
  type ErrorScale,
  simplexLeastSquares,
} from "../../src/forecasting/auto/simplex-weights.js";
import { combined } from "../../src/forecasting/auto/weights.js";
import type { SeriesForecast } from "../../src/forecasting/model.js";

/** The first step (0-based) of each of `segments` runs of the horizon, as equal as ⌈⌉ makes them: halves of 8 are
 * [0, 4], of 5 [0, 3]; thirds of 4 [0, 2, 3]. Never more segments than steps. */
export function segmentStarts(horizon: number, segments: number): number[] {
  const n = Math.max(1, Math.min(segments, horizon));
  return Array.from({ length: n }, (_, s) => Math.ceil((s * horizon) / n));
}

/** The segment of 0-based `step` given the segments' first steps. */
export function segmentOf(starts: readonly number[], step: number): number {
  let s = 0;
  while (s + 1 < starts.length && step >= (starts[s + 1] as number)) s++;
  return s;
}

/** A feature of a history that places a series in a group. */
export type GroupFeature = "length" | "volatility";

/**
 * The feature's value for one history: "length" its number of points; "volatility" the mean absolute seasonal
 * difference over its last two seasons (the last 4 points' differences for yearly data) over their mean |value|,
 * 0 where there is nothing to measure.
 */
export function seriesFeature(feature: GroupFeature, history: ArrayLike<number>, period: number): number {
  if (feature === "length") return history.length;
  const lag = Math.max(1, period);
  const span = period > 1 ? 2 * period : 4;
  const from = Math.max(lag, history.length - span);
  let diff = 0;
  let level = 0;
  let n = 0;
  for (let t = from; t < history.length; t++) {
    const y = history[t] as number;
    const d = Math.abs(y - (history[t - lag] as number));
    if (!Number.isFinite(d)) continue;
    diff += d;
    level += Math.abs(y);
    n++;
  }
  return n > 0 && level > 0 ? diff / level : 0;
}

/** The thresholds that cut `values` into `groups` groups of (about) equal size: the set's terciles for 3. */
export function groupThresholds(values: readonly number[], groups: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  return Array.from(
    { length: groups - 1 },
    (_, g) => sorted[Math.max(0, Math.floor(((g + 1) * sorted.length) / groups) - 1)] as number,
  );
}

/** The group of a feature value: how many thresholds lie strictly below it. */
export function groupOf(thresholds: readonly number[], value: number): number {
  let g = 0;
  for (const t of thresholds) if (value > t) g++;
  return g;
}

/** A chunk's sums: one ErrorGram per cell, group-major ([g·segments + s]). Plain data. */
export interface GroupedGramState {
  groups: number;
  /** The segments' first steps. */
  starts: number[];
  cells: ErrorGramState[];
}

/** The Gram sums of the components' scaled errors per group of series and segment of the horizon. */
export class GroupedErrorGram {
  private readonly cells: ErrorGram[];

  constructor(
    readonly k: number,
    readonly groups: number,
    readonly starts: readonly number[],
    scale: ErrorScale = "seasonal-naive",
  ) {
    if (!(Number.isInteger(groups) && groups >= 1))
      throw new RangeError(`need at least one group, got ${groups}`);
    if (starts[0] !== 0) throw new RangeError("the first segment starts at step 0");
    this.cells = Array.from({ length: groups * starts.length }, () => new ErrorGram(k, scale));
  }

  /** Adds one series' window (as ErrorGram.add) to its group's cells, each segment's steps to its own. */
  add(
    group: number,
    actual: Float64Array,
    means: readonly (Float64Array | undefined)[],
    history: ArrayLike<number>,
    period: number,
  ): void {
    const { starts } = this;
    if (starts.length === 1) {
      this.cells[group]?.add(actual, means, history, period);
      return;
    }
    starts.forEach((from, s) => {
      const to = Math.min(actual.length, starts[s + 1] ?? actual.length);
      if (from >= to) return;
      this.cells[group * starts.length + s]?.add(
        actual.subarray(from, to),
        means.map((f) => f?.subarray(from, to)),
        history,
        period,
      );
    });
  }

  state(): GroupedGramState {
    return { groups: this.groups, starts: [...this.starts], cells: this.cells.map((c) => c.state()) };
  }

  /** The sums of several chunks. */
  static merge(states: readonly GroupedGramState[]): GroupedGramState {
    const first = states[0];
    if (!first) throw new RangeError("no chunk to merge");
    return {
      groups: first.groups,
      starts: [...first.starts],
      cells: first.cells.map((_, c) => ErrorGram.merge(states.map((s) => s.cells[c] as ErrorGramState))),
    };
  }
}

/**
 * The weights of every cell, group-major ([g·segments + s]): each cell's Gram shrunk toward its segment's Gram over
 * the whole set, G_g + λ·(n_g / n)·G (λ = 1: the set's mean squared errors count as much as the group's own;
 * λ fixed beforehand, not tuned), then simplex least squares. One group: the segment's own Gram, unshrunk, so
 * one group and one segment give the dataset's weights bit for bit.
 */
export function groupedWeights(state: GroupedGramState, lambda = 1): number[][] {
  const segments = state.starts.length;
  const k = state.cells[0]?.k ?? 0;
  const setOf = (s: number) =>
    ErrorGram.merge(
      Array.from({ length: state.groups }, (_, g) => state.cells[g * segments + s] as ErrorGramState),
    );
  const sets = Array.from({ length: segments }, (_, s) => (state.groups === 1 ? undefined : setOf(s)));
  return state.cells.map((cell, c) => {
    const set = sets[c % segments];
    if (!set) return simplexLeastSquares(cell);
    const pull = set.points > 0 ? (lambda * cell.points) / set.points : 0;
    const gram = cell.gram.map((v, i) => v + pull * (set.gram[i] as number));
    return simplexLeastSquares({ k, gram: cell.points > 0 ? gram : set.gram });
  });
}

/** What maps a series and a step to its weights: the groups' thresholds, the segments, the cells' weights. */
export interface GroupedWeights {
  feature: GroupFeature;
  thresholds: number[];
  starts: number[];
  /** Group-major: weights[g·segments + s]. */
  weights: number[][];
}

/** The weights of a series (its group) per segment. */
export function seriesSegmentWeights(gw: GroupedWeights, group: number): number[][] {
  const n = gw.starts.length;
  return gw.weights.slice(group * n, (group + 1) * n);
}

/**
 * The finished combination of `parts` with one weight vector per segment of the horizon (segment s covers the
 * steps from starts[s] to starts[s + 1]): each segment's steps from the combination with its weights, undefined
 * where a segment has no weighted part with a forecast. One segment: combined() itself.
 */
export function segmentedCombined(
  parts: readonly (SeriesForecast | undefined)[],
  weights: readonly (readonly number[])[],
  starts: readonly number[],
  levels: readonly number[],
  nonNegative: boolean,
): SeriesForecast | undefined {
  if (starts.length === 1) return combined(parts, weights[0] as number[], levels, nonNegative);
  let out: SeriesForecast | undefined;
  for (let s = 0; s < starts.length; s++) {
    const f = combined(parts, weights[s] as number[], levels, nonNegative);
    if (!f) return undefined;
    if (!out) {
      out = f;
      continue;
    }
    const from = starts[s] as number;
    const to = starts[s + 1] ?? f.mean.length;
    out.mean.set(f.mean.subarray(from, to), from);
    out.quantiles.forEach((q, l) => {
      q.set((f.quantiles[l] as Float64Array).subarray(from, to), from);
    });
  }
  return out;
}
