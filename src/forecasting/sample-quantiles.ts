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
 * Order statistics `ranks` (ascending) of column[0..n) by one bucketing pass: every value goes to one of
 * `counts.length − 1` equal-width buckets between the column's minimum and maximum, and only the buckets that
 * hold a wanted rank are gathered (in `sorted`, at their positions in the sorted column) and sorted. The bucket of
 * a value is a monotone function of it (floating-point subtraction and multiplication round monotonically), so
 * bucket b holds exactly the order statistics counts[0..b) … counts[0..b] − 1, and `sorted[r]` is the r-th smallest
 * value for every wanted r: the same number quickselect finds, with no data-dependent branch per value (selection
 * on simulated paths is bound by mispredicted comparisons). Returns false, the column as it was, where that does
 * not hold: a range that is not finite or is zero, or a +0 and a −0 both present (equal to each other, their order
 * in a sort is fixed but quickselect's is not).
 */
function bucketOrderStatistics(
  column: Float64Array,
  n: number,
  min: number,
  max: number,
  ranks: readonly number[],
  bucketOf: Uint16Array,
  counts: Int32Array,
  wanted: Int32Array,
  sorted: Float64Array,
): boolean {
  const buckets = counts.length - 1;
  const scale = buckets / (max - min);
  if (!(max > min) || !Number.isFinite(max - min) || !Number.isFinite(scale)) return false;
  const last = buckets - 1;
  counts.fill(0);
  for (let s = 0; s < n; s++) {
    // Truncation is the floor here: the product lies in [0, buckets].
    let b = (((column[s] as number) - min) * scale) | 0;
    if (b > last) b = last;
    bucketOf[s] = b;
    counts[b + 1]++;
  }
  // counts[b] becomes the position of bucket b's first value in the sorted column.
  for (let b = 1; b <= buckets; b++) counts[b] = (counts[b] as number) + (counts[b - 1] as number);
  // The buckets holding wanted ranks: their write positions, the others −1 (bucketOf values are < 2^16).
  wanted.fill(-1);
  let b = 0;
  for (const rank of ranks) {
    while ((counts[b + 1] as number) <= rank) b++;
    wanted[b] = counts[b] as number;
  }
  for (let s = 0; s < n; s++) {
    const at = wanted[bucketOf[s] as number] as number;
    if (at >= 0) {
      sorted[at] = column[s] as number;
      wanted[bucketOf[s] as number] = at + 1;
    }
  }
  let zeros = 0;
  for (let k = 0; k < buckets; k++) {
    if ((wanted[k] as number) < 0) continue;
    const segment = sorted.subarray(counts[k] as number, counts[k + 1] as number);
    segment.sort();
    for (let i = 0; i < segment.length; i++) if (segment[i] === 0) zeros |= Object.is(segment[i], -0) ? 1 : 2;
  }
  // Zeros of both signs in the wanted buckets: leave the column to quickselect, as before.
  return zeros !== 3;
}

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
  const sorted = new Float64Array(samples);
  const bucketOf = new Uint16Array(samples);
  const buckets = Math.max(16, Math.min(1024, samples >> 2));
  const counts = new Int32Array(buckets + 1);
  const wanted = new Int32Array(buckets);
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
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let s = 0; s < samples; s++) {
      const v = paths[s * h + t];
      column[s] = v;
      sum += v;
      // Plain comparisons (Math.min and Math.max order −0 and NaN, which costs here): a NaN goes to the sort below.
      if (v < min) min = v;
      if (v > max) max = v;
    }
    mean[t] = sum / samples;
    // A NaN (a multiplicative path that broke down) defeats the comparisons selection relies on; sorting puts it
    // last, as before.
    if (
      select &&
      !Number.isNaN(sum) &&
      bucketOrderStatistics(column, samples, min, max, ranks, bucketOf, counts, wanted, sorted)
    ) {
      for (let k = 0; k < levels.length; k++) {
        const pos = levels[k] * (samples - 1);
        const lo = Math.floor(pos);
        const hi = Math.min(lo + 1, samples - 1);
        quantiles[k][t] = sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
      }
      continue;
    }
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
