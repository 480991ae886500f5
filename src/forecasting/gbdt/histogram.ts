// Gradient histograms of one tree node: per feature and bin, the sum of gradients and the number of rows.
// Both losses used here have a unit hessian, so the row count doubles as the hessian sum; a loss with a varying
// hessian would need a third channel.

import { MISSING_BIN } from "./binning.js";

/** Slots per feature: 256 bin codes (255 = missing) × (gradient sum, count). */
export const HIST_STRIDE = 512;

/**
 * Fills `hist` for the rows idx[start..end). `ordered` is scratch of at least end - start values: gradients
 * are gathered once in row order, so that the per-feature sweeps read them sequentially. Features are swept
 * four at a time (one index load feeds four updates), and when the rows are all rows in order the index is
 * skipped altogether; together these about halve the time of a plain per-feature sweep.
 */
export function buildHistogram(
  hist: Float64Array,
  bins: Uint8Array,
  nRows: number,
  nFeatures: number,
  idx: Uint32Array,
  start: number,
  end: number,
  grad: Float64Array,
  ordered: Float64Array,
): void {
  hist.fill(0);
  const len = end - start;
  const allRows = start === 0 && len === nRows;
  if (!allRows) for (let i = 0; i < len; i++) ordered[i] = grad[idx[start + i]];
  const g = allRows ? grad : ordered;
  let f = 0;
  for (; f + 4 <= nFeatures; f += 4) {
    const c0 = f * nRows;
    const c1 = c0 + nRows;
    const c2 = c1 + nRows;
    const c3 = c2 + nRows;
    const h0 = f * HIST_STRIDE;
    const h1 = h0 + HIST_STRIDE;
    const h2 = h1 + HIST_STRIDE;
    const h3 = h2 + HIST_STRIDE;
    for (let i = 0; i < len; i++) {
      const r = allRows ? i : idx[start + i];
      const gi = g[i];
      let s = h0 + (bins[c0 + r] << 1);
      hist[s] += gi;
      hist[s + 1] += 1;
      s = h1 + (bins[c1 + r] << 1);
      hist[s] += gi;
      hist[s + 1] += 1;
      s = h2 + (bins[c2 + r] << 1);
      hist[s] += gi;
      hist[s + 1] += 1;
      s = h3 + (bins[c3 + r] << 1);
      hist[s] += gi;
      hist[s + 1] += 1;
    }
  }
  for (; f < nFeatures; f++) {
    const c0 = f * nRows;
    const h0 = f * HIST_STRIDE;
    for (let i = 0; i < len; i++) {
      const r = allRows ? i : idx[start + i];
      const s = h0 + (bins[c0 + r] << 1);
      hist[s] += g[i];
      hist[s + 1] += 1;
    }
  }
}

/** parent -= child, in place: the sibling's histogram without another sweep over its rows. */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i] -= child[i];
}

export interface SplitCandidate {
  gain: number;
  feature: number;
  /** Rows whose bin <= this go left. */
  bin: number;
  defaultLeft: boolean;
  leftGrad: number;
  leftCount: number;
}

export function emptySplit(): SplitCandidate {
  return { gain: 0, feature: -1, bin: 0, defaultLeft: false, leftGrad: 0, leftCount: 0 };
}

/**
 * Best split of a node over all features, by the L2-regularised gain
 * GL²/(CL+λ) + GR²/(CR+λ) − G²/(C+λ). Missing rows are tried on both sides; the winning side becomes the
 * default direction. A feature's last value bin is also tried as a split point when the node has missing rows
 * (all values left, missing right). Leaves `out.feature` at -1 when no split beats `minGain`.
 */
export function findBestSplit(
  hist: Float64Array,
  nFeatures: number,
  nBins: Int32Array,
  sumGrad: number,
  count: number,
  minDataInLeaf: number,
  lambda: number,
  minGain: number,
  out: SplitCandidate,
): void {
  out.feature = -1;
  out.gain = minGain;
  const parentScore = (sumGrad * sumGrad) / (count + lambda);
  const missSlot = MISSING_BIN << 1;
  for (let f = 0; f < nFeatures; f++) {
    const h = hist.subarray(f * HIST_STRIDE, (f + 1) * HIST_STRIDE);
    const nb = nBins[f];
    const gMiss = h[missSlot];
    const cMiss = h[missSlot + 1];
    const last = cMiss > 0 ? nb - 1 : nb - 2;
    let gl = 0;
    let cl = 0;
    for (let k = 0; k <= last; k++) {
      gl += h[k << 1];
      cl += h[(k << 1) + 1];
      // Missing rows to the right.
      let cr = count - cl;
      if (cl >= minDataInLeaf && cr >= minDataInLeaf) {
        const gr = sumGrad - gl;
        const gain = (gl * gl) / (cl + lambda) + (gr * gr) / (cr + lambda) - parentScore;
        if (gain > out.gain) {
          out.gain = gain;
          out.feature = f;
          out.bin = k;
          // Without missing rows in training, unseen NaN follows the bigger side.
          out.defaultLeft = cMiss > 0 ? false : cl >= cr;
          out.leftGrad = gl;
          out.leftCount = cl;
        }
      }
      if (cMiss > 0 && k < nb - 1) {
        const gl2 = gl + gMiss;
        const cl2 = cl + cMiss;
        cr = count - cl2;
        if (cl2 >= minDataInLeaf && cr >= minDataInLeaf) {
          const gr = sumGrad - gl2;
          const gain = (gl2 * gl2) / (cl2 + lambda) + (gr * gr) / (cr + lambda) - parentScore;
          if (gain > out.gain) {
            out.gain = gain;
            out.feature = f;
            out.bin = k;
            out.defaultLeft = true;
            out.leftGrad = gl2;
            out.leftCount = cl2;
          }
        }
      }
    }
  }
}
