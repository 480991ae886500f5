// A linear model with a random grouping of its columns into players: Shapley values known in closed form.

import type { FeatureMatrix } from "../../src/forecasting/gbdt/matrix.js";
import type { Rng } from "../../src/forecasting/rng.js";

export function linearModel(rng: Rng, nFeatures: number, nPlayers: number) {
  const weights = new Float64Array(nFeatures);
  const x = new Float64Array(nFeatures);
  const b = new Float64Array(nFeatures);
  const groups = new Int32Array(nFeatures);
  for (let f = 0; f < nFeatures; f++) {
    weights[f] = rng() * 4 - 2;
    x[f] = rng() * 10 - 5;
    b[f] = rng() * 10 - 5;
    groups[f] = rng() < 0.2 ? -1 : Math.floor(rng() * nPlayers);
  }
  const intercept = 1.5;
  const predictRow = (row: ArrayLike<number>) => {
    let s = intercept;
    for (let f = 0; f < nFeatures; f++) s += weights[f] * row[f];
    return s;
  };
  const predict = (m: FeatureMatrix) => {
    const out = new Float64Array(m.nRows).fill(intercept);
    for (let f = 0; f < nFeatures; f++) {
      for (let r = 0; r < m.nRows; r++) out[r] += weights[f] * m.data[f * m.nRows + r];
    }
    return out;
  };
  return { weights, x, b, groups, nPlayers, predictRow, predict };
}
