// Synthetic data shared by the GBDT tests.

import { type FeatureMatrix, featureMatrix } from "../../../src/forecasting/gbdt/matrix.js";
import { createRng, type Rng } from "../../../src/forecasting/rng.js";

export function normal(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** nFeatures uniform in [-1, 1], column-major. */
export function uniformMatrix(nRows: number, nFeatures: number, rng: Rng): FeatureMatrix {
  const data = new Float64Array(nRows * nFeatures);
  for (let i = 0; i < data.length; i++) data[i] = 2 * rng() - 1;
  return featureMatrix(data, nRows, nFeatures);
}

export function column(X: FeatureMatrix, f: number): Float64Array {
  return Float64Array.from(X.data.subarray(f * X.nRows, (f + 1) * X.nRows));
}

/** y = 3·x0 − 2·x1 + noise·N(0, 1); also returns the noiseless truth. */
export function linearData(nRows: number, seed: number, noise = 0.1) {
  const rng = createRng(seed);
  const X = uniformMatrix(nRows, 5, rng);
  const truth = new Float64Array(nRows);
  const y = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) {
    truth[r] = 3 * X.data[r] - 2 * X.data[nRows + r];
    y[r] = truth[r] + noise * normal(rng);
  }
  return { X, y, truth };
}

export function rmse(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}
