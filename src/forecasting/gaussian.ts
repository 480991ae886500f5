// Turns a point forecast and a per-step standard deviation into arbitrary quantiles, assuming normal errors,
// which is how ETS, ARIMA, Theta and the naive benchmarks state their prediction intervals.

import { checkQuantileLevels, enforceMonotoneQuantiles, type SeriesForecast } from "./model.js";
import { normalQuantile } from "./normal.js";

export function gaussianForecast(
  mean: Float64Array,
  sd: Float64Array,
  levels: readonly number[],
): SeriesForecast {
  checkQuantileLevels(levels);
  const h = mean.length;
  const quantiles = levels.map((level) => {
    const z = normalQuantile(level);
    const q = new Float64Array(h);
    for (let t = 0; t < h; t++) {
      const s = sd[t];
      q[t] = mean[t] + z * (Number.isFinite(s) && s > 0 ? s : 0);
    }
    return q;
  });
  enforceMonotoneQuantiles(levels, quantiles);
  return { mean, quantiles };
}

/** Width of a symmetric central interval in standard deviations, e.g. 1.96 for 95%. */
export function zForCentralLevel(level: number): number {
  return normalQuantile(0.5 + level / 2);
}
