// Heuristic starting states, as R's forecast:::initstate: a classical decomposition of the first (up to three)
// cycles gives the seasonal states; a line through the first max(10, 2m) seasonally adjusted points gives the
// level and trend one step before the data.

import type { EtsState } from "./recursion.js";
import type { EtsSpec } from "./spec.js";

function seasonalFigure(y: Float64Array, m: number, multiplicative: boolean): Float64Array {
  const cycles = Math.min(3, Math.floor(y.length / m));
  const n = cycles * m;
  const half = Math.floor(m / 2);
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = half; t < n - half; t++) {
    let s = 0;
    if (m % 2 === 0) {
      s = 0.5 * (y[t - half] + y[t + half]);
      for (let k = t - half + 1; k < t + half; k++) s += y[k];
    } else {
      for (let k = t - half; k <= t + half; k++) s += y[k];
    }
    const trend = s / m;
    sums[t % m] += multiplicative ? y[t] / trend : y[t] - trend;
    counts[t % m]++;
  }
  const figure = new Float64Array(m);
  let total = 0;
  for (let i = 0; i < m; i++) {
    figure[i] = counts[i] > 0 ? sums[i] / counts[i] : multiplicative ? 1 : 0;
    total += figure[i];
  }
  for (let i = 0; i < m; i++) figure[i] = multiplicative ? (figure[i] * m) / total : figure[i] - total / m;
  return figure;
}

export function initialState(y: Float64Array, spec: EtsSpec, m: number): EtsState {
  const period = spec.season === "N" ? 1 : m;
  const seasonal = spec.season === "N" ? new Float64Array(1) : seasonalFigure(y, m, spec.season === "M");
  const count = Math.min(Math.max(10, 2 * period), y.length);
  const adjusted = new Float64Array(count);
  for (let t = 0; t < count; t++) {
    const s = seasonal[t % seasonal.length];
    adjusted[t] = spec.season === "A" ? y[t] - s : spec.season === "M" ? y[t] / s : y[t];
  }
  let level: number;
  let trend = 0;
  if (spec.trend === "N" || count < 3) {
    level = adjusted.reduce((a, b) => a + b, 0) / count;
  } else {
    // Least-squares line over t = 1..count, so the intercept is the state at t = 0, before the first point.
    const tMean = (count + 1) / 2;
    let yMean = 0;
    for (let t = 0; t < count; t++) yMean += adjusted[t];
    yMean /= count;
    let sxy = 0;
    let sxx = 0;
    for (let t = 0; t < count; t++) {
      sxy += (t + 1 - tMean) * (adjusted[t] - yMean);
      sxx += (t + 1 - tMean) ** 2;
    }
    trend = sxy / sxx;
    level = yMean - trend * tMean;
  }
  return { level, trend, seasonal };
}
