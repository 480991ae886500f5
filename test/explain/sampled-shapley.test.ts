import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { coalitionValueBatch, exactShapley, popcount, sampledShapley } from "../../src/explain/index.js";
import { createRng } from "../../src/forecasting/rng.js";
import { linearModel } from "./linear-model.js";

// A non-additive game: pairwise interactions and a threshold effect.
function interactionGame(n: number, seed: number) {
  const rng = createRng(seed);
  const single = Array.from({ length: n }, () => rng() * 2 - 1);
  const pair = Array.from({ length: n * n }, () => rng() * 2 - 1);
  return (m: number) => {
    let v = 0;
    for (let i = 0; i < n; i++) {
      if (((m >>> i) & 1) === 0) continue;
      v += single[i];
      for (let j = i + 1; j < n; j++) if (((m >>> j) & 1) === 1) v += pair[i * n + j];
    }
    return v + (popcount(m) >= n / 2 ? 1 : 0);
  };
}
const batchOf = (v: (m: number) => number) => (masks: Uint32Array) => Float64Array.from(masks, v);

describe("sampledShapley", () => {
  test("a linear model's closed-form values come out exactly, whatever the permutations", () => {
    const rng = createRng(8);
    for (let trial = 0; trial < 10; trial++) {
      const model = linearModel(rng, 12, 7);
      const { x, b, groups, weights, nPlayers } = model;
      const want = new Float64Array(nPlayers);
      for (let f = 0; f < 12; f++) if (groups[f] >= 0) want[groups[f]] += weights[f] * (x[f] - b[f]);
      const phi = sampledShapley(coalitionValueBatch(model.predict, x, b, groups, nPlayers), nPlayers, {
        permutations: 4,
        seed: trial,
      });
      for (let i = 0; i < nPlayers; i++)
        assert.ok(Math.abs(phi[i] - want[i]) < 1e-12, `${phi[i]} vs ${want[i]}`);
    }
  });

  test("reproducible with a seed, different with another, efficient either way", () => {
    const n = 9;
    const v = interactionGame(n, 1);
    const a = sampledShapley(batchOf(v), n, { permutations: 20, seed: 5 });
    const b = sampledShapley(batchOf(v), n, { permutations: 20, seed: 5 });
    const c = sampledShapley(batchOf(v), n, { permutations: 20, seed: 6 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const total = v((1 << n) - 1) - v(0);
    for (const phi of [a, c]) assert.ok(Math.abs(phi.reduce((s, x) => s + x, 0) - total) < 1e-12);
  });

  test("converges to the exact values on a non-additive game", () => {
    const n = 8;
    const v = interactionGame(n, 2);
    const exact = exactShapley(v, n);
    const phi = sampledShapley(batchOf(v), n, { permutations: 4000, seed: 1, chunkSize: 1000 });
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(phi[i] - exact[i]));
    assert.ok(worst < 0.03, `largest error ${worst}`);
    const few = sampledShapley(batchOf(v), n, { permutations: 2, seed: 1 });
    let worstFew = 0;
    for (let i = 0; i < n; i++) worstFew = Math.max(worstFew, Math.abs(few[i] - exact[i]));
    assert.ok(worstFew > worst, "more permutations should be closer");
  });

  test("evaluates v(∅), v(all) once and n−1 prefixes per permutation, rounding up to pairs", () => {
    let calls = 0;
    const counting = (masks: Uint32Array) => {
      calls += masks.length;
      return new Float64Array(masks.length);
    };
    sampledShapley(counting, 5, { permutations: 3, seed: 1 });
    assert.equal(calls, 2 + 4 * 4);
  });
});
