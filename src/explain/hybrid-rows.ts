// Hybrid rows turn any batch-predicting model into a coalition game: a row where the players of the coalition
// keep the explained point's values and the others are held at the baseline. Non-player columns always keep
// the point's values.

import type { FeatureMatrix } from "../forecasting/gbdt/matrix.js";
import { checkGroups } from "./groups.js";

export type CoalitionValueBatch = (masks: Uint32Array) => Float64Array;

/** One dense hybrid row for coalition `mask`. */
export function hybridRow(
  x: ArrayLike<number>,
  baseline: ArrayLike<number>,
  groups: Int32Array,
  mask: number,
  out: Float64Array = new Float64Array(groups.length),
): Float64Array {
  for (let f = 0; f < groups.length; f++) {
    const g = groups[f];
    out[f] = g < 0 || ((mask >>> g) & 1) === 1 ? x[f] : baseline[f];
  }
  return out;
}

/** A column-major matrix with one hybrid row per mask, in mask order. */
export function hybridRows(
  x: ArrayLike<number>,
  baseline: ArrayLike<number>,
  groups: Int32Array,
  masks: Uint32Array,
): FeatureMatrix {
  const nFeatures = groups.length;
  const m = masks.length;
  const data = new Float64Array(m * nFeatures);
  for (let f = 0; f < nFeatures; f++) {
    const g = groups[f];
    const col = data.subarray(f * m, (f + 1) * m);
    if (g < 0) {
      col.fill(x[f]);
      continue;
    }
    const xv = x[f];
    const bv = baseline[f];
    for (let k = 0; k < m; k++) col[k] = ((masks[k] >>> g) & 1) === 1 ? xv : bv;
  }
  return { data, nRows: m, nFeatures };
}

/** The coalition game of one point for a model with batch prediction, ready for exact or sampled Shapley. */
export function coalitionValueBatch(
  predictBatch: (X: FeatureMatrix) => Float64Array,
  x: ArrayLike<number>,
  baseline: ArrayLike<number>,
  groups: Int32Array,
  nPlayers: number,
): CoalitionValueBatch {
  checkGroups(groups, groups.length, nPlayers);
  if (x.length !== groups.length || baseline.length !== groups.length) {
    throw new RangeError(`x and baseline must have ${groups.length} values`);
  }
  return (masks) => predictBatch(hybridRows(x, baseline, groups, masks));
}
