// Quantiles and mean of Monte Carlo sample paths, for members that forecast by simulation.

import { checkQuantileLevels, enforceMonotoneQuantiles, type SeriesForecast } from "./model.js";

/**
 * Reads `paths` as `samples` rows of `h` steps (row-major) and returns the per-step mean and the requested
 * quantiles, linearly interpolated between order statistics (Hyndman & Fan type 7, numpy's default).
 */
export function forecastFromSamples(
  paths: Float64Array,
  samples: number,
  h: number,
  levels: readonly number[],
): SeriesForecast {
  checkQuantileLevels(levels);
  if (paths.length !== samples * h) throw new RangeError("paths must hold samples × h values");
  const mean = new Float64Array(h);
  const quantiles = levels.map(() => new Float64Array(h));
  const column = new Float64Array(samples);
  for (let t = 0; t < h; t++) {
    let sum = 0;
    for (let s = 0; s < samples; s++) {
      const v = paths[s * h + t];
      column[s] = v;
      sum += v;
    }
    mean[t] = sum / samples;
    column.sort();
    for (let k = 0; k < levels.length; k++) {
      const pos = levels[k] * (samples - 1);
      const lo = Math.floor(pos);
      const hi = Math.min(lo + 1, samples - 1);
      quantiles[k][t] = column[lo] + (pos - lo) * (column[hi] - column[lo]);
    }
  }
  enforceMonotoneQuantiles(levels, quantiles);
  return { mean, quantiles };
}
