// Brute-force Shapley values by enumerating all 2^n coalitions: the reference any faster method is checked
// against, and exact for any model (at 2^n evaluations per point).

import { checkMaskPlayers } from "./groups.js";
import type { CoalitionValueBatch } from "./hybrid-rows.js";
import { shapleyWeights } from "./shapley-weights.js";

/** Beyond this, 2^n coalitions stop being a reasonable brute force. */
export const MAX_EXACT_PLAYERS = 20;

/**
 * φ_i = Σ_{S ∌ i} |S|!(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S)), from the values of all 2^n coalitions indexed by
 * mask (bit i set = player i in S).
 */
export function shapleyFromCoalitionValues(values: Float64Array, nPlayers: number): Float64Array {
  checkMaskPlayers(nPlayers, MAX_EXACT_PLAYERS);
  const size = 1 << nPlayers;
  if (values.length !== size) throw new RangeError(`need ${size} coalition values, got ${values.length}`);
  const w = shapleyWeights(nPlayers);
  const phi = new Float64Array(nPlayers);
  for (let mask = 0; mask < size; mask++) {
    const s = popcount(mask);
    if (s === nPlayers) continue;
    const ws = w[s];
    const v = values[mask];
    for (let i = 0; i < nPlayers; i++) {
      const bit = 1 << i;
      if ((mask & bit) === 0) phi[i] += ws * (values[mask | bit] - v);
    }
  }
  return phi;
}

/** Exact Shapley values of the game `valueOf(mask)`, one evaluation per coalition. */
export function exactShapley(value: (coalitionMask: number) => number, nPlayers: number): Float64Array {
  checkMaskPlayers(nPlayers, MAX_EXACT_PLAYERS);
  const size = 1 << nPlayers;
  const values = new Float64Array(size);
  for (let mask = 0; mask < size; mask++) values[mask] = value(mask);
  return shapleyFromCoalitionValues(values, nPlayers);
}

/** All coalition masks 0..2^n−1, the batch exactShapleyBatched evaluates. */
export function allCoalitions(nPlayers: number): Uint32Array {
  checkMaskPlayers(nPlayers, MAX_EXACT_PLAYERS);
  const masks = new Uint32Array(1 << nPlayers);
  for (let i = 0; i < masks.length; i++) masks[i] = i;
  return masks;
}

/**
 * Exact Shapley values with coalitions evaluated in batches (a model predicts many hybrid rows per call).
 * `chunkSize` bounds the masks per call, hence the memory of the hybrid rows behind it.
 */
export function exactShapleyBatched(
  valueOfBatch: CoalitionValueBatch,
  nPlayers: number,
  options: { chunkSize?: number } = {},
): Float64Array {
  const masks = allCoalitions(nPlayers);
  const chunk = options.chunkSize ?? 65_536;
  const values = new Float64Array(masks.length);
  for (let from = 0; from < masks.length; from += chunk) {
    const part = masks.subarray(from, Math.min(masks.length, from + chunk));
    const v = valueOfBatch(part);
    if (v.length !== part.length)
      throw new RangeError(`value batch returned ${v.length} values for ${part.length}`);
    values.set(v, from);
  }
  return shapleyFromCoalitionValues(values, nPlayers);
}

export function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
