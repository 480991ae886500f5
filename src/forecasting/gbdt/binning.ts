// Quantile binning: each feature's values are mapped to at most 255 ordered bins so that split finding works on
// small histograms instead of sorted raw values. Bin k holds values in (upper[k-1], upper[k]]; a split
// "bin <= k" is therefore exactly "value <= upper[k]" on raw values, which is what the ensemble stores.

import { type Rng, randomInt } from "../rng.js";
import type { FeatureMatrix } from "./matrix.js";

/** Bin code reserved for missing values (NaN); value bins are 0..254. */
export const MISSING_BIN = 255;
export const MAX_VALUE_BINS = 255;

export interface BinMapper {
  /** Per feature, ascending upper bounds of every value bin but the last (length = nBins - 1). */
  readonly upperBounds: Float64Array[];
  /** Per feature, number of value bins (1..255). */
  readonly nBins: Int32Array;
}

/**
 * Chooses bin bounds per feature from (a sample of) its finite values. Features with few distinct values get one
 * bin per value; others get bins of roughly equal counts, a heavy value keeping a bin to itself.
 * Infinite values take no part in choosing bounds: they fall in the first or last bin.
 */
export function fitBinMapper(X: FeatureMatrix, maxBins: number, sampleSize: number, rng: Rng): BinMapper {
  if (!(maxBins >= 2 && maxBins <= MAX_VALUE_BINS)) throw new RangeError(`maxBins must be in [2, 255]`);
  const { nRows, nFeatures, data } = X;
  const sampled = nRows > sampleSize;
  const rows = sampled ? new Int32Array(sampleSize) : null;
  if (rows) for (let i = 0; i < sampleSize; i++) rows[i] = randomInt(rng, nRows);
  const upperBounds: Float64Array[] = [];
  const nBins = new Int32Array(nFeatures);
  const values = new Float64Array(sampled ? sampleSize : nRows);
  for (let f = 0; f < nFeatures; f++) {
    const off = f * nRows;
    let m = 0;
    if (rows) {
      for (let i = 0; i < rows.length; i++) {
        const v = data[off + rows[i]];
        if (Number.isFinite(v)) values[m++] = v;
      }
    } else {
      for (let r = 0; r < nRows; r++) {
        const v = data[off + r];
        if (Number.isFinite(v)) values[m++] = v;
      }
    }
    const bounds = boundsFromSorted(values.subarray(0, m).sort(), maxBins);
    upperBounds.push(bounds);
    nBins[f] = bounds.length + 1;
  }
  return { upperBounds, nBins };
}

function boundsFromSorted(sorted: Float64Array, maxBins: number): Float64Array {
  const m = sorted.length;
  if (m === 0) return new Float64Array(0);
  // Distinct values and their counts.
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < m; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      distinct.push(sorted[i]);
      counts.push(1);
    } else counts[counts.length - 1]++;
  }
  const bounds: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 0; i + 1 < distinct.length; i++) bounds.push(midpoint(distinct[i], distinct[i + 1]));
  } else {
    // Greedy equal-count cuts: cut after a distinct value once the running count passes the next quota.
    const perBin = m / maxBins;
    let cumulative = 0;
    for (let i = 0; i + 1 < distinct.length && bounds.length < maxBins - 1; i++) {
      cumulative += counts[i];
      if (cumulative >= perBin * (bounds.length + 1)) bounds.push(midpoint(distinct[i], distinct[i + 1]));
    }
  }
  return Float64Array.from(bounds);
}

// Halving first so that the midpoint of two huge finite values cannot overflow to Infinity.
function midpoint(a: number, b: number): number {
  const mid = a / 2 + b / 2;
  return mid < b ? mid : a;
}

/** Bin of one value: the first k with value <= upper[k], the last bin above all bounds, MISSING_BIN for NaN. */
export function binOf(value: number, upper: Float64Array): number {
  if (Number.isNaN(value)) return MISSING_BIN;
  let lo = 0;
  let hi = upper.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= upper[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Bins the whole matrix, column-major like the input. */
export function binMatrix(X: FeatureMatrix, mapper: BinMapper): Uint8Array {
  const { nRows, nFeatures, data } = X;
  const bins = new Uint8Array(nRows * nFeatures);
  for (let f = 0; f < nFeatures; f++) {
    const upper = mapper.upperBounds[f];
    const off = f * nRows;
    for (let r = 0; r < nRows; r++) bins[off + r] = binOf(data[off + r], upper);
  }
  return bins;
}
