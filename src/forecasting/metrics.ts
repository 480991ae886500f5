// Accuracy metrics as Amazon Forecast documents them ("Evaluating predictor accuracy"), plus sMAPE for our
// benchmarks. Inputs are aligned arrays of actuals and forecasts; to score many series as Amazon does, pass
// them concatenated (the weighted metrics then weight by every series' volume at once).
// A metric whose denominator is zero (no volume, no non-zero actual, a constant history) is NaN.

function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`length mismatch: ${a.length} vs ${b.length}`);
}

function sumAbs(y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += Math.abs(y[i]);
  return s;
}

/** Twice the pinball loss at level tau summed over the points: the numerator of wQL before dividing by volume. */
export function quantileLossSum(y: ArrayLike<number>, q: ArrayLike<number>, tau: number): number {
  checkSameLength(y, q);
  let loss = 0;
  for (let i = 0; i < y.length; i++) {
    const d = y[i] - q[i];
    loss += d > 0 ? tau * d : (tau - 1) * d;
  }
  return 2 * loss;
}

/** Weighted quantile loss at level tau: 2·Σ[τ·max(y−q,0) + (1−τ)·max(q−y,0)] / Σ|y|. */
export function weightedQuantileLoss(y: ArrayLike<number>, q: ArrayLike<number>, tau: number): number {
  const volume = sumAbs(y);
  return volume > 0 ? quantileLossSum(y, q, tau) / volume : Number.NaN;
}

/** Amazon's "Average wQL": the mean of wQL over the forecast's quantile levels. */
export function averageWeightedQuantileLoss(
  y: ArrayLike<number>,
  quantiles: readonly ArrayLike<number>[],
  levels: readonly number[],
): number {
  if (quantiles.length !== levels.length) throw new RangeError("one quantile array per level is needed");
  if (levels.length === 0) return Number.NaN;
  let total = 0;
  for (let k = 0; k < levels.length; k++) total += weightedQuantileLoss(y, quantiles[k], levels[k]);
  return total / levels.length;
}

/** Weighted absolute percentage error of the mean forecast: Σ|y − ŷ| / Σ|y|. */
export function wape(y: ArrayLike<number>, mean: ArrayLike<number>): number {
  checkSameLength(y, mean);
  let err = 0;
  for (let i = 0; i < y.length; i++) err += Math.abs(y[i] - mean[i]);
  const volume = sumAbs(y);
  return volume > 0 ? err / volume : Number.NaN;
}

export function rmse(y: ArrayLike<number>, mean: ArrayLike<number>): number {
  checkSameLength(y, mean);
  if (y.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i] - mean[i]) ** 2;
  return Math.sqrt(s / y.length);
}

/** Mean absolute percentage error as a fraction (Amazon reports 0.12, not 12%), over the points where y ≠ 0. */
export function mape(y: ArrayLike<number>, mean: ArrayLike<number>): number {
  checkSameLength(y, mean);
  let s = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 0) continue;
    s += Math.abs((y[i] - mean[i]) / y[i]);
    n++;
  }
  return n > 0 ? s / n : Number.NaN;
}

/** Symmetric MAPE in percent, 200·|y − ŷ| / (|y| + |ŷ|); a point where both are zero counts as no error. */
export function smape(y: ArrayLike<number>, mean: ArrayLike<number>): number {
  checkSameLength(y, mean);
  if (y.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const denom = Math.abs(y[i]) + Math.abs(mean[i]);
    if (denom > 0) s += (200 * Math.abs(y[i] - mean[i])) / denom;
  }
  return s / y.length;
}

/** In-sample MAE of the seasonal naive forecast at lag `period` (lag 1 when the history is too short). */
export function seasonalNaiveScale(history: ArrayLike<number>, period: number): number {
  const lag = period >= 1 && history.length > period ? period : 1;
  let s = 0;
  let n = 0;
  for (let t = lag; t < history.length; t++) {
    s += Math.abs(history[t] - history[t - lag]);
    n++;
  }
  return n > 0 ? s / n : Number.NaN;
}

/** Mean absolute scaled error: out-of-sample MAE over the in-sample seasonal naive MAE of the same series. */
export function mase(
  y: ArrayLike<number>,
  mean: ArrayLike<number>,
  history: ArrayLike<number>,
  period: number,
): number {
  checkSameLength(y, mean);
  if (y.length === 0) return Number.NaN;
  let err = 0;
  for (let i = 0; i < y.length; i++) err += Math.abs(y[i] - mean[i]);
  const scale = seasonalNaiveScale(history, period);
  return scale > 0 ? err / y.length / scale : Number.NaN;
}
