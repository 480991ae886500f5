import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  baselineTreeShap,
  baselineTreeShapBatch,
  coalitionValueBatch,
  exactShapley,
  exactShapleyBatched,
  hybridRow,
} from "../../src/explain/index.js";
import { featureMatrix, predict, predictRow, readRow, trainGbdt } from "../../src/forecasting/gbdt/index.js";
import { createRng } from "../../src/forecasting/rng.js";
import { randomEnsemble, randomGroups, randomPoint } from "./random-ensemble.js";

const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);

function assertClose(got: Float64Array, want: Float64Array, tol: number, label: string) {
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= tol, `${label}: player ${i} got ${got[i]}, want ${want[i]}`);
  }
}

describe("baselineTreeShap", () => {
  test("equals brute-force Shapley on 500 random ensembles, groupings, points and baselines", () => {
    const rng = createRng(2024);
    let players = 0;
    let nonZero = 0;
    for (let c = 0; c < 500; c++) {
      const nFeatures = 1 + Math.floor(rng() * 8);
      const nPlayers = 1 + Math.floor(rng() * 6);
      const e = randomEnsemble(rng, nFeatures, 1 + Math.floor(rng() * 5), 1 + Math.floor(rng() * 6));
      const groups = randomGroups(rng, nFeatures, nPlayers);
      const x = randomPoint(rng, nFeatures);
      const b = randomPoint(rng, nFeatures);
      const phi = baselineTreeShap(e, x, b, groups, nPlayers);
      const want = exactShapley((mask) => predictRow(e, hybridRow(x, b, groups, mask)), nPlayers);
      assertClose(phi, want, 1e-9, `case ${c}`);
      const gap = predictRow(e, x) - predictRow(e, hybridRow(x, b, groups, 0));
      assert.ok(Math.abs(sum(phi) - gap) <= 1e-9, `case ${c}: efficiency ${sum(phi)} vs ${gap}`);
      players += nPlayers;
      nonZero += phi.filter((v) => v !== 0).length;
    }
    // Guard against a vacuous comparison of zeros.
    assert.ok(nonZero > players / 4, `${nonZero} non-zero of ${players}`);
  });

  test("players that own no column, or whose columns equal the baseline, get exactly 0", () => {
    const rng = createRng(7);
    const e = randomEnsemble(rng, 4, 5, 5);
    const x = Float64Array.from([0, 1, 2, 3]);
    const b = Float64Array.from([0, 3, 0, 0]);
    const phi = baselineTreeShap(e, x, b, Int32Array.from([1, 2, 2, -1]), 4);
    assert.equal(phi[0], 0); // owns nothing
    assert.equal(phi[1], 0); // x0 = b0
    assert.equal(phi[3], 0); // owns nothing
  });

  test("a trained ensemble with missing values: batch TreeSHAP equals batched brute force", () => {
    const rng = createRng(99);
    const n = 3_000;
    const nF = 7;
    const data = new Float64Array(n * nF);
    for (let i = 0; i < data.length; i++) data[i] = rng() < 0.1 ? Number.NaN : rng() * 2 - 1;
    const y = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const v = (f: number) => (Number.isNaN(data[f * n + r]) ? 0.5 : data[f * n + r]);
      y[r] = 2 * v(0) * v(1) - v(2) + (v(3) > 0 ? 1 : -1) * v(4) + v(5) * v(6);
    }
    const X = featureMatrix(data, n, nF);
    const { ensemble } = trainGbdt(X, y, { nTrees: 40, maxDepth: 5, minDataInLeaf: 5 });
    // Players: {0,1}, {2}, {3,4}, {5}; column 6 is not a player.
    const groups = Int32Array.from([0, 0, 1, 2, 2, 3, -1]);
    const rows = 30;
    const sub = featureMatrix(new Float64Array(rows * nF), rows, nF);
    for (let f = 0; f < nF; f++) for (let r = 0; r < rows; r++) sub.data[f * rows + r] = data[f * n + r];
    const baseline = Float64Array.from([0, 0, 0, Number.NaN, 0, 0.3, 0]);
    const phis = baselineTreeShapBatch(ensemble, sub, baseline, groups, 4);
    const fx = predict(ensemble, sub);
    for (let r = 0; r < rows; r++) {
      const x = readRow(sub, r);
      const want = exactShapleyBatched(
        coalitionValueBatch((m) => predict(ensemble, m), x, baseline, groups, 4),
        4,
      );
      const got = phis.subarray(r * 4, r * 4 + 4);
      assertClose(got, want, 1e-9, `row ${r}`);
      assertClose(got, baselineTreeShap(ensemble, x, baseline, groups, 4), 0, `row ${r} single vs batch`);
      const base = predictRow(ensemble, hybridRow(x, baseline, groups, 0));
      assert.ok(Math.abs(sum(got) - (fx[r] - base)) <= 1e-9);
    }
  });

  test("a baseline row per row gives each row its own reference", () => {
    const rng = createRng(5);
    const e = randomEnsemble(rng, 3, 4, 4);
    const groups = Int32Array.from([0, 1, 2]);
    const xs = [randomPoint(rng, 3), randomPoint(rng, 3)];
    const bs = [randomPoint(rng, 3), randomPoint(rng, 3)];
    const col = (rows: Float64Array[]) =>
      featureMatrix(Float64Array.from([0, 1, 2].flatMap((f) => rows.map((r) => r[f]))), rows.length, 3);
    const out = baselineTreeShapBatch(e, col(xs), col(bs), groups, 3);
    for (let r = 0; r < 2; r++) {
      assertClose(
        out.subarray(3 * r, 3 * r + 3),
        baselineTreeShap(e, xs[r], bs[r], groups, 3),
        0,
        `row ${r}`,
      );
    }
  });

  test("rejects groups that do not fit the model", () => {
    const e = randomEnsemble(createRng(1), 3, 1, 2);
    const x = new Float64Array(3);
    assert.throws(() => baselineTreeShap(e, x, x, Int32Array.from([0, 1]), 2), /groups/);
    assert.throws(() => baselineTreeShap(e, x, x, Int32Array.from([0, 1, 2]), 2), /outside/);
  });
});
