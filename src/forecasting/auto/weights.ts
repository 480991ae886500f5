// Learning the dataset-level weights of a combination from the backtest windows, with sums that merge across
// chunks: each chunk scores every candidate weighting of the components on its series (one WindowAccumulator per
// candidate and window, mergeable like the accuracy itself), and the coordinator keeps the candidate with the
// best optimization metric over all series. No extra pass over the series, so it scales out with the chunks.

import { finishForecast, weightedForecast } from "../combination.js";
import type { SeriesForecast } from "../model.js";
import {
  type AccumulatorState,
  type ErrorMetric,
  type OptimizationMetric,
  WindowAccumulator,
  type WindowAccuracy,
} from "./accuracy.js";

/** Weight steps of the candidate grid: multiples of 1/WEIGHT_STEPS (0, 0.1, …, 1). */
export const WEIGHT_STEPS = 10;

/**
 * Every weighting of `k` components whose weights are multiples of 1/steps and sum to 1, in lexicographic order
 * from the last component's largest weight down: for two components [1, 0], [0.9, 0.1], …, [0, 1], so that the
 * first component (the statistical part) alone comes first and wins ties.
 */
export function simplexGrid(k: number, steps = WEIGHT_STEPS): number[][] {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`need at least one component, got ${k}`);
  const out: number[][] = [];
  const parts = new Array<number>(k).fill(0);
  const fill = (i: number, left: number) => {
    if (i === k - 1) {
      parts[i] = left;
      out.push(parts.map((p) => p / steps));
      return;
    }
    for (let p = left; p >= 0; p--) {
      parts[i] = p;
      fill(i + 1, left - p);
    }
  };
  fill(0, steps);
  return out;
}

/** A chunk's sums: per candidate weighting, per backtest window. Plain data, cloned between threads. */
export interface WeightLearnerState {
  candidates: number[][];
  windows: AccumulatorState[][];
}

/** Scores each candidate weighting of the components on each backtest window of a chunk's series. */
export class WeightLearner {
  private readonly acc: WindowAccumulator[][];

  constructor(
    readonly candidates: readonly (readonly number[])[],
    private readonly levels: readonly number[],
    windows: readonly { start: number; end: number }[],
    private readonly nonNegative: boolean,
  ) {
    this.acc = candidates.map(() => windows.map((w) => new WindowAccumulator(levels, w.start, w.end)));
  }

  /** Adds one series' window: `parts` are the components' forecasts (undefined where a component has none). */
  add(
    window: number,
    actual: Float64Array,
    parts: readonly (SeriesForecast | undefined)[],
    history: Float64Array,
    period: number,
  ): void {
    this.candidates.forEach((weights, c) => {
      const f = combined(parts, weights, this.levels, this.nonNegative);
      if (f) this.acc[c]?.[window]?.add(actual, f, history, period);
    });
  }

  state(): WeightLearnerState {
    return {
      candidates: this.candidates.map((c) => [...c]),
      windows: this.acc.map((perWindow) => perWindow.map((a) => a.state())),
    };
  }
}

/**
 * The finished combination of `parts` with `weights`, or undefined when no weighted part has a forecast. A part
 * with a non-finite mean counts as missing, so that one member's failure on a series leaves it to the others.
 */
export function combined(
  parts: readonly (SeriesForecast | undefined)[],
  weights: readonly number[],
  levels: readonly number[],
  nonNegative: boolean,
): SeriesForecast | undefined {
  const usable = parts.map((p) => (p?.mean.every(Number.isFinite) ? p : undefined));
  if (!usable.some((p, m) => p !== undefined && (weights[m] as number) > 0)) return undefined;
  return finishForecast(weightedForecast(usable, weights), levels, nonNegative);
}

/** The optimization metric of one window's accuracy (lower is better). */
export function windowMetric(w: WindowAccuracy, metric: OptimizationMetric): number {
  const mean = w.ErrorMetrics[0] as ErrorMetric;
  switch (metric) {
    case "AverageWeightedQuantileLoss":
      // No quantiles or no volume: fall back to the mean's WAPE, then RMSE, as seriesScore does.
      return Number.isFinite(w.AverageWeightedQuantileLoss)
        ? w.AverageWeightedQuantileLoss
        : Number.isFinite(mean.WAPE)
          ? mean.WAPE
          : mean.RMSE;
    default:
      return mean[metric];
  }
}

export interface LearnedWeights {
  /** The chosen weighting, one weight per component. */
  weights: number[];
  /** Its accuracy per window, chunks merged: what the predictor reports. */
  windows: WindowAccuracy[];
  /** Every candidate and its metric (mean over the windows), for the record. */
  candidates: number[][];
  scores: number[];
}

/**
 * Merges the chunks' sums and keeps the candidate with the lowest mean of the optimization metric over the
 * windows; ties (within 1e-12 relative) go to the earlier candidate, i.e. to less weight on the later components.
 */
export function learnWeights(
  states: readonly WeightLearnerState[],
  metric: OptimizationMetric,
): LearnedWeights {
  const first = states[0];
  if (!first) throw new RangeError("no chunk to learn weights from");
  const nWindows = first.windows[0]?.length ?? 0;
  const perCandidate = first.candidates.map((_, c) =>
    Array.from({ length: nWindows }, (_, w) =>
      WindowAccumulator.combine(states.map((s) => s.windows[c]?.[w] as AccumulatorState)),
    ),
  );
  const scores = perCandidate.map((windows) => {
    const values = windows.map((w) => windowMetric(w, metric)).filter(Number.isFinite);
    return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : Number.POSITIVE_INFINITY;
  });
  let best = 0;
  scores.forEach((score, c) => {
    const bestScore = scores[best] as number;
    if (score < bestScore - 1e-12 * Math.abs(bestScore)) best = c;
  });
  return {
    weights: [...(first.candidates[best] as number[])],
    windows: perCandidate[best] as WindowAccuracy[],
    candidates: first.candidates.map((c) => [...c]),
    scores,
  };
}
