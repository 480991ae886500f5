import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  coalitionValueBatch,
  exactShapley,
  exactShapleyBatched,
  hybridRow,
  hybridRows,
  popcount,
} from "../../src/explain/index.js";
import type { FeatureMatrix } from "../../src/forecasting/gbdt/matrix.js";
import { createRng } from "../../src/forecasting/rng.js";
import { linearModel } from "./linear-model.js";

describe("exactShapley", () => {
  test("glove game: one left glove, two right gloves → 2/3, 1/6, 1/6", () => {
    const v = (m: number) => ((m & 1) !== 0 && (m & 6) !== 0 ? 1 : 0);
    const phi = exactShapley(v, 3);
    const want = [2 / 3, 1 / 6, 1 / 6];
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(phi[i] - want[i]) < 1e-15, `${phi}`);
  });

  test("a linear model's values are w·(x − b) summed over each player's columns", () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 20; trial++) {
      const model = linearModel(rng, 9, 6);
      const { x, b, groups, weights, nPlayers } = model;
      const want = new Float64Array(nPlayers);
      for (let f = 0; f < 9; f++) if (groups[f] >= 0) want[groups[f]] += weights[f] * (x[f] - b[f]);
      const single = exactShapley((m) => model.predictRow(hybridRow(x, b, groups, m)), nPlayers);
      const batched = exactShapleyBatched(
        coalitionValueBatch(model.predict, x, b, groups, nPlayers),
        nPlayers,
        {
          chunkSize: 7,
        },
      );
      for (let i = 0; i < nPlayers; i++) {
        assert.ok(Math.abs(single[i] - want[i]) < 1e-12, `single ${single[i]} vs ${want[i]}`);
        assert.ok(Math.abs(batched[i] - want[i]) < 1e-12, `batched ${batched[i]} vs ${want[i]}`);
      }
    }
  });

  test("20 players, the upper limit, still runs; 21 is refused", () => {
    const phi = exactShapley((m) => popcount(m) ** 2, 20);
    // Symmetric game: each gets v(all)/n = 400/20.
    for (const v of phi) assert.ok(Math.abs(v - 20) < 1e-9);
    assert.throws(() => exactShapley(() => 0, 21), RangeError);
  });
});

describe("hybrid rows", () => {
  test("players outside the coalition take the baseline, non-players keep x", () => {
    const x = [1, 2, 3, 4];
    const b = [10, 20, 30, 40];
    const groups = Int32Array.from([0, 1, 0, -1]);
    const m: FeatureMatrix = hybridRows(x, b, groups, Uint32Array.from([0, 1, 2, 3]));
    const rows = [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((f) => m.data[f * 4 + r]));
    assert.deepEqual(rows, [
      [10, 20, 30, 4],
      [1, 20, 3, 4],
      [10, 2, 30, 4],
      [1, 2, 3, 4],
    ]);
    assert.deepEqual(Array.from(hybridRow(x, b, groups, 2)), [10, 2, 30, 4]);
  });
});
