// Random tree ensembles and points on a small value grid, so that points often sit exactly on thresholds and
// missing values take default directions: the cases where an explainer's branching is easiest to get wrong.

import type { GbdtEnsemble } from "../../src/forecasting/gbdt/ensemble.js";
import type { Rng } from "../../src/forecasting/rng.js";

const THRESHOLDS = [0.5, 1, 1.5, 2, 2.5, Number.POSITIVE_INFINITY];
const VALUES = [0, 1, 2, 3, Number.NaN];

export function randomEnsemble(rng: Rng, nFeatures: number, nTrees: number, depth: number): GbdtEnsemble {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const defaultLeft: number[] = [];
  const value: number[] = [];
  const treeRoots: number[] = [];
  // Pre-order: a node's children always come after it, as ensembleFromJson requires.
  const grow = (d: number): number => {
    const node = feature.length;
    const leaf = d === depth || (d > 0 && rng() < 0.25);
    feature.push(leaf ? -1 : Math.floor(rng() * nFeatures));
    threshold.push(leaf ? 0 : THRESHOLDS[Math.floor(rng() * THRESHOLDS.length)]);
    left.push(-1);
    right.push(-1);
    defaultLeft.push(rng() < 0.5 ? 1 : 0);
    value.push(leaf ? Math.round((rng() * 2 - 1) * 1000) / 100 : 0);
    if (!leaf) {
      left[node] = grow(d + 1);
      right[node] = grow(d + 1);
    }
    return node;
  };
  for (let t = 0; t < nTrees; t++) treeRoots.push(grow(0));
  return {
    nFeatures,
    objective: "squared",
    alpha: Number.NaN,
    baseScore: 0.25,
    treeRoots: Int32Array.from(treeRoots),
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    defaultLeft: Uint8Array.from(defaultLeft),
    value: Float64Array.from(value),
    cover: new Float64Array(feature.length).fill(1),
  };
}

export function randomPoint(rng: Rng, nFeatures: number): Float64Array {
  const x = new Float64Array(nFeatures);
  for (let f = 0; f < nFeatures; f++) x[f] = VALUES[Math.floor(rng() * VALUES.length)];
  return x;
}

/** Each column to a random player or (with probability pNonPlayer) to none; some players may own nothing. */
export function randomGroups(rng: Rng, nFeatures: number, nPlayers: number, pNonPlayer = 0.3): Int32Array {
  const groups = new Int32Array(nFeatures);
  for (let f = 0; f < nFeatures; f++) groups[f] = rng() < pNonPlayer ? -1 : Math.floor(rng() * nPlayers);
  return groups;
}
