// Classical decomposition (R's decompose) and the seasonality test used by Theta (R's forecast::thetaf).

import { normalQuantile } from "./normal.js";

/** Sample autocorrelations r_1..r_maxLag (biased estimator, as R's acf). */
export function autocorrelations(y: Float64Array, maxLag: number): Float64Array {
  const n = y.length;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += y[t];
  mean /= n;
  let c0 = 0;
  for (let t = 0; t < n; t++) c0 += (y[t] - mean) ** 2;
  const r = new Float64Array(maxLag);
  if (c0 === 0) return r;
  for (let k = 1; k <= maxLag; k++) {
    let ck = 0;
    for (let t = 0; t + k < n; t++) ck += (y[t] - mean) * (y[t + k] - mean);
    r[k - 1] = ck / c0;
  }
  return r;
}

/**
 * Is the lag-m autocorrelation significant at the one-sided `confidence` level, against the Bartlett standard
 * error built from the lower lags? Needs more than two full seasons.
 */
export function isSeasonal(y: Float64Array, period: number, confidence = 0.9): boolean {
  const n = y.length;
  if (period <= 1 || n <= 2 * period) return false;
  const r = autocorrelations(y, period);
  let sum = 0;
  for (let k = 0; k < period - 1; k++) sum += r[k] * r[k];
  const stat = Math.sqrt((1 + 2 * sum) / n);
  // thetaf's 90% test is one-sided: qnorm(0.95) in the two-sided wording.
  return Math.abs(r[period - 1]) / stat > normalQuantile(0.5 + confidence / 2);
}

/**
 * Multiplicative seasonal indices per phase (index i is the phase of y[i], y[i + m], ...), normalised to mean 1.
 * The trend is the centred moving average (2×m for even m), as R's decompose does.
 */
export function multiplicativeSeasonalIndices(y: Float64Array, period: number): Float64Array {
  const n = y.length;
  const m = period;
  const half = Math.floor(m / 2);
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = half; t < n - half; t++) {
    let trend: number;
    if (m % 2 === 0) {
      let s = 0.5 * (y[t - half] + y[t + half]);
      for (let k = t - half + 1; k < t + half; k++) s += y[k];
      trend = s / m;
    } else {
      let s = 0;
      for (let k = t - half; k <= t + half; k++) s += y[k];
      trend = s / m;
    }
    if (trend === 0) continue;
    sums[t % m] += y[t] / trend;
    counts[t % m]++;
  }
  const indices = new Float64Array(m);
  let total = 0;
  for (let i = 0; i < m; i++) {
    indices[i] = counts[i] > 0 ? sums[i] / counts[i] : 1;
    total += indices[i];
  }
  const scale = total / m;
  for (let i = 0; i < m; i++) indices[i] /= scale;
  return indices;
}
