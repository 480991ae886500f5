// What a trained AutoPredictor forecasts each series with, as one record that forecasts, explanations and later
// what-if analyses read: every series' forecast is Σ_m w_m·f_m over the combination's components, with
// dataset-level weights, where the SERIES_CHOICE component stands for the series' own statistical member (chosen
// per series from the backtests). See src/forecasting/README.md, "The combination".

import { COMBINATION, isDatasetMember } from "./members.js";

/** The component that is, for each series, its own member (PredictorModel.choices). */
export const SERIES_CHOICE = "choice";

export interface CombinationRecord {
  /** The components, in order: member names (the global model: "global") or SERIES_CHOICE. */
  components: string[];
  /** One dataset-level weight per component, >= 0, summing to 1. */
  weights: number[];
  /** How the weights were learned, when they were (absent for a single component). */
  learned?: {
    /** The optimization metric, averaged over the backtest windows (or the simplex learner's criterion). */
    metric: string;
    candidates: number[][];
    scores: number[];
    /** The simplex learner's sums (learned-combination.ts): the Gram matrix, row-major, and its points. */
    gram?: { points: number; skipped: number; matrix: number[] };
  };
}

/** A single component with all the weight. */
export function soleComponent(component: string): CombinationRecord {
  return { components: [component], weights: [1] };
}

/**
 * A series' members and their weights: SERIES_CHOICE resolved to the series' member `choice`, zero weights left
 * out, a member named twice summed once; in component order. A record whose statistical members are components
 * of their own (no SERIES_CHOICE) takes `choice` as the series' switch: "" or COMBINATION keeps the learned
 * weights, another member name takes the whole weight of the statistical components.
 */
export function seriesWeights(combination: CombinationRecord, choice: string): Map<string, number> {
  if (!combination.components.includes(SERIES_CHOICE) && choice !== "" && choice !== COMBINATION)
    return switchedWeights(combination, choice);
  const out = new Map<string, number>();
  combination.components.forEach((component, m) => {
    const w = combination.weights[m] ?? 0;
    if (!(w > 0)) return;
    const member = component === SERIES_CHOICE ? choice : component;
    out.set(member, (out.get(member) ?? 0) + w);
  });
  return out;
}

/** The weights of a series that switched to `member`: the statistical components' weight goes to it. */
function switchedWeights(combination: CombinationRecord, member: string): Map<string, number> {
  const out = new Map<string, number>();
  let statistical = 0;
  combination.components.forEach((component, m) => {
    const w = combination.weights[m] ?? 0;
    if (isDatasetMember(component)) {
      if (w > 0) out.set(component, (out.get(component) ?? 0) + w);
    } else statistical += w;
  });
  if (statistical > 0) return new Map([[member, statistical], ...out]);
  return out;
}
