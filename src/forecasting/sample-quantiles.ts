// Quantiles and mean of Monte Carlo sample paths, for members that forecast by simulation.

import { selectKth } from "./gbdt/quantile-select.js";
import { checkQuantileLevels, enforceMonotoneQuantiles, type SeriesForecast } from "./model.js";

function moveMinimumTo(a: Float64Array, k: number, right: number): void {
  let at = k;
  for (let i = k + 1; i <= right; i++) if (a[i] < a[at]) at = i;
  const t = a[k];
  a[k] = a[at];
  a[at] = t;
}

/** Beyond this many order statistics per step, one sort of the column is cheaper than selecting each. */
const SELECT_LIMIT = 8;

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
  // The order statistics each level interpolates between, ascending and distinct, selected left to right so each
  // selection only scans what lies beyond the previous one.
  const ranks = [
    ...new Set(
      levels.flatMap((level) => {
        const lo = Math.floor(level * (samples - 1));
        return [lo, Math.min(lo + 1, samples - 1)];
      }),
    ),
  ].sort((a, b) => a - b);
  const select = ranks.length <= SELECT_LIMIT;
  for (let t = 0; t < h; t++) {
    let sum = 0;
    for (let s = 0; s < samples; s++) {
      const v = paths[s * h + t];
      column[s] = v;
      sum += v;
    }
    mean[t] = sum / samples;
    // A NaN (a multiplicative path that broke down) defeats the comparisons selection relies on; sorting puts it
    // last, as before.
    if (select && !Number.isNaN(sum)) {
      let left = 0;
      for (const rank of ranks) {
        // The next order statistic after a selected one is the smallest of what lies beyond it.
        if (rank === left && left > 0) moveMinimumTo(column, rank, samples - 1);
        else selectKth(column, left, samples - 1, rank);
        left = rank + 1;
      }
    } else {
      column.sort();
    }
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
