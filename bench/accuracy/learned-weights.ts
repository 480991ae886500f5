// A learned-weights combination for the accuracy bench: one weight per member, non-negative and summing to 1,
// fitted per dataset (here per tourism period) on the members' backtest forecasts of the training part, to
// minimise the mean scaled absolute error (each point's |error| over its series' in-sample naive MAE, i.e. MASE),
// or, for a quantile level, the mean scaled pinball loss of the members' quantiles at that level.
// The engine learns its weights differently (src/forecasting/auto/simplex-weights.ts: squared scaled errors, whose
// Gram matrix merges across chunks); this absolute-error fit stays here for the members study, which compares the
// two objectives on the same forecasts.
//
// The loss is convex in the weights but not smooth, so the fit is exponentiated-gradient (mirror) descent on the
// simplex with a decreasing step, keeping the best iterate: no library, a few hundred passes over the points.

export interface WeightProblem {
  /** forecasts[k][i]: member k's point forecast for point i (all backtest windows of all series, flattened). */
  readonly forecasts: readonly Float64Array[];
  readonly actuals: Float64Array;
  /** Per point, 1 / the scale of its series (the point's weight in the loss). */
  readonly inverseScales: Float64Array;
}

/**
 * Mean scaled pinball loss of the combination with these weights at level tau (tau = 0.5: half the mean scaled
 * absolute error, so the same minimiser as MASE).
 */
export function weightedLoss(problem: WeightProblem, weights: Float64Array, tau = 0.5): number {
  const { forecasts, actuals, inverseScales } = problem;
  let loss = 0;
  for (let i = 0; i < actuals.length; i++) {
    let f = 0;
    for (let k = 0; k < forecasts.length; k++) f += weights[k] * forecasts[k][i];
    const d = actuals[i] - f;
    loss += (d > 0 ? tau * d : (tau - 1) * d) * inverseScales[i];
  }
  return actuals.length > 0 ? loss / actuals.length : 0;
}

/**
 * Weights minimising the mean scaled pinball loss at `tau`: give the members' point forecasts and tau = 0.5 for
 * the point forecast, or the members' quantile forecasts at a level and that level for the quantile.
 */
export function learnSimplexWeights(problem: WeightProblem, iterations = 300, tau = 0.5): Float64Array {
  const { forecasts, actuals, inverseScales } = problem;
  const k = forecasts.length;
  const w = new Float64Array(k).fill(1 / k);
  let best = w.slice();
  let bestLoss = weightedLoss(problem, w, tau);
  const gradient = new Float64Array(k);
  for (let it = 0; it < iterations; it++) {
    gradient.fill(0);
    for (let i = 0; i < actuals.length; i++) {
      let f = 0;
      for (let j = 0; j < k; j++) f += w[j] * forecasts[j][i];
      // Subgradient of the pinball loss in f: 1 − τ above the actual, −τ below it.
      const slope = f > actuals[i] ? 1 - tau : f < actuals[i] ? -tau : 0;
      if (slope === 0) continue;
      const g = slope * inverseScales[i];
      for (let j = 0; j < k; j++) gradient[j] += g * forecasts[j][i];
    }
    // On the simplex only the differences between the gradient's components matter (members' forecasts are of
    // similar size, so the raw components are nearly equal); normalising the centred gradient by its largest
    // magnitude makes each step a relative change of the weights, which then decays as 1/√t.
    let centre = 0;
    for (let j = 0; j < k; j++) centre += gradient[j] / k;
    let largest = 0;
    for (let j = 0; j < k; j++) {
      gradient[j] -= centre;
      largest = Math.max(largest, Math.abs(gradient[j]));
    }
    if (largest === 0) break;
    const step = 0.5 / Math.sqrt(it + 1);
    let total = 0;
    for (let j = 0; j < k; j++) {
      w[j] *= Math.exp((-step * gradient[j]) / largest);
      total += w[j];
    }
    for (let j = 0; j < k; j++) w[j] /= total;
    const loss = weightedLoss(problem, w, tau);
    if (loss < bestLoss) {
      bestLoss = loss;
      best = w.slice();
    }
  }
  return best;
}
