// Permutation sampling for games too large to enumerate. Each permutation's marginal contributions telescope to
// v(all) − v(none), so the estimate keeps efficiency exactly; antithetic pairs (a permutation and its reverse)
// cancel much of the order effect and lower the variance at no extra cost.

import { createRng, randomInt } from "../forecasting/rng.js";
import { checkMaskPlayers } from "./groups.js";
import type { CoalitionValueBatch } from "./hybrid-rows.js";

export interface SampledShapleyOptions {
  /** Permutations to average; rounded up to an even number (antithetic pairs). */
  permutations: number;
  seed: number;
  /** Most coalitions per call of the value function (bounds the memory of hybrid rows). */
  chunkSize?: number;
}

export function sampledShapley(
  valueOfBatch: CoalitionValueBatch,
  nPlayers: number,
  options: SampledShapleyOptions,
): Float64Array {
  checkMaskPlayers(nPlayers);
  const phi = new Float64Array(nPlayers);
  if (nPlayers === 0) return phi;
  if (!(Number.isInteger(options.permutations) && options.permutations >= 1)) {
    throw new RangeError("permutations must be a positive integer");
  }
  const pairs = Math.ceil(options.permutations / 2);
  const nPerm = 2 * pairs;
  const rng = createRng(options.seed);
  const full = nPlayers === 32 ? 0xffffffff : (1 << nPlayers) - 1;

  // Every permutation, then the masks of its proper non-empty prefixes; v(∅) and v(all) are shared.
  const orders = new Int32Array(nPerm * nPlayers);
  const perm = new Int32Array(nPlayers);
  for (let p = 0; p < pairs; p++) {
    for (let i = 0; i < nPlayers; i++) perm[i] = i;
    for (let i = nPlayers - 1; i > 0; i--) {
      const j = randomInt(rng, i + 1);
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    const a = 2 * p * nPlayers;
    const b = a + nPlayers;
    for (let i = 0; i < nPlayers; i++) {
      orders[a + i] = perm[i];
      orders[b + i] = perm[nPlayers - 1 - i];
    }
  }
  const inner = nPlayers - 1;
  const masks = new Uint32Array(2 + nPerm * inner);
  masks[0] = 0;
  masks[1] = full;
  for (let p = 0; p < nPerm; p++) {
    let mask = 0;
    for (let k = 0; k < inner; k++) {
      mask = (mask | (1 << orders[p * nPlayers + k])) >>> 0;
      masks[2 + p * inner + k] = mask;
    }
  }
  const values = evaluateInChunks(valueOfBatch, masks, options.chunkSize ?? 65_536);

  const vEmpty = values[0];
  const vFull = values[1];
  for (let p = 0; p < nPerm; p++) {
    let previous = vEmpty;
    for (let k = 0; k < nPlayers; k++) {
      const current = k < inner ? values[2 + p * inner + k] : vFull;
      phi[orders[p * nPlayers + k]] += current - previous;
      previous = current;
    }
  }
  for (let i = 0; i < nPlayers; i++) phi[i] /= nPerm;
  return phi;
}

function evaluateInChunks(
  valueOfBatch: CoalitionValueBatch,
  masks: Uint32Array,
  chunk: number,
): Float64Array {
  const values = new Float64Array(masks.length);
  for (let from = 0; from < masks.length; from += chunk) {
    const part = masks.subarray(from, Math.min(masks.length, from + chunk));
    const v = valueOfBatch(part);
    if (v.length !== part.length)
      throw new RangeError(`value batch returned ${v.length} values for ${part.length}`);
    values.set(v, from);
  }
  return values;
}
