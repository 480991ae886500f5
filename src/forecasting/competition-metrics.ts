// The accuracy measures of the tourism forecasting competition (Athanasopoulos, Hyndman, Song & Wu, IJF 2011)
// and of the papers that quote it (N-BEATS, Oreshkin et al. ICLR 2020, table 15), so our figures can stand beside
// theirs on the same definitions. See bench/accuracy/README.md ("Metric definitions") for how they were checked.
//
// - MAPE: 100·|y − ŷ| / y per point (the actual in the denominator, not |y|: tourism data is positive), averaged
//   over every point of a period. As all series of a period share one horizon, that equals the mean of the
//   per-series MAPEs (R's accuracy() averaged over series, as the Tcomp package does). The "average" column of
//   N-BEATS' table pools every point of the three periods (so monthly, with 366 × 24 points, weighs most).
// - MASE: the series' out-of-sample MAE over its in-sample MAE of the seasonal naive forecast at lag m
//   (m = 12, 4, 1), averaged over series: the Kaggle competitions' formula, (n − m)/h · Σ|e| / Σ|y_j − y_{j−m}|.
// - The paper's MASE (`paperMase`): the same ratio with the seasonal naive MAE taken over the whole series, train
//   and test parts together. The paper's tables were built that way: under it our seasonal naive reproduces the
//   paper's naive rows to their two decimals on every period (1.54 / 1.59 / 2.50, bench:paper-metrics checks it),
//   and R's thetaf lands within 0.02 of the paper's Theta row; under the Kaggle formula the same forecasts score
//   1.63 / 1.70 / 3.01. So a comparison with the paper's MASE rows is only fair on this scale.

/** Sum of 100·|y − ŷ|/y over the points, and their count: add them up over series, then divide (pooled MAPE). */
export interface PercentErrorSum {
  sum: number;
  points: number;
}

export function percentErrorSum(y: ArrayLike<number>, forecast: ArrayLike<number>): PercentErrorSum {
  if (y.length !== forecast.length)
    throw new RangeError(`length mismatch: ${y.length} vs ${forecast.length}`);
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (100 * Math.abs(forecast[i] - y[i])) / y[i];
  return { sum, points: y.length };
}

/** Pooled MAPE of several percent-error sums (one per series, or one per period for the papers' average). */
export function pooledMape(parts: readonly PercentErrorSum[]): number {
  let sum = 0;
  let points = 0;
  for (const p of parts) {
    sum += p.sum;
    points += p.points;
  }
  return points > 0 ? sum / points : Number.NaN;
}

/**
 * The tourism paper's MASE of one series: `competitionMase` with the in-sample scale taken over the history and
 * the test part together (see the header).
 */
export function paperMase(
  y: ArrayLike<number>,
  forecast: ArrayLike<number>,
  history: ArrayLike<number>,
  m: number,
): number {
  const whole = new Float64Array(history.length + y.length);
  whole.set(Array.from(history));
  whole.set(Array.from(y), history.length);
  return competitionMase(y, forecast, whole, m);
}

/**
 * The competition's MASE of one series: out-of-sample MAE over the in-sample MAE of the lag-m naive forecast.
 * Unlike metrics.ts's `mase` there is no fallback to lag 1: every tourism series has more than m points.
 */
export function competitionMase(
  y: ArrayLike<number>,
  forecast: ArrayLike<number>,
  history: ArrayLike<number>,
  m: number,
): number {
  if (y.length !== forecast.length)
    throw new RangeError(`length mismatch: ${y.length} vs ${forecast.length}`);
  if (!(m >= 1) || history.length <= m) return Number.NaN;
  let scale = 0;
  for (let t = m; t < history.length; t++) scale += Math.abs(history[t] - history[t - m]);
  scale /= history.length - m;
  let err = 0;
  for (let i = 0; i < y.length; i++) err += Math.abs(y[i] - forecast[i]);
  return scale > 0 ? err / y.length / scale : Number.NaN;
}

/**
 * Pinball loss of one quantile summed over the points, and the volume Σ|y|: Amazon's wQL of a whole period is
 * the sum of the first over the sum of the second (series weighted by their volume), 2·Σ loss / Σ|y|.
 */
export function pinballSum(y: ArrayLike<number>, q: ArrayLike<number>, tau: number): number {
  let loss = 0;
  for (let i = 0; i < y.length; i++) {
    const d = y[i] - q[i];
    loss += d > 0 ? tau * d : (tau - 1) * d;
  }
  return 2 * loss;
}

/** Share of the points inside [lower, upper] (both ends included). */
export function intervalHits(
  y: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
): number {
  let inside = 0;
  for (let i = 0; i < y.length; i++) if (y[i] >= lower[i] && y[i] <= upper[i]) inside++;
  return inside;
}
