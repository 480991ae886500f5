import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ensembleFromJson,
  ensembleToJson,
  featureMatrix,
  maxDepth,
  predict,
  predictRow,
  readRow,
  trainGbdt,
} from "../../../src/forecasting/gbdt/index.js";
import { createRng } from "../../../src/forecasting/rng.js";
import { linearData, normal, rmse, uniformMatrix } from "./synthetic.js";

describe("gbdt, squared error", () => {
  test("fits y = 3·x0 − 2·x1 + noise closely on held-out rows", () => {
    const train = linearData(20_000, 1);
    const held = linearData(5_000, 2);
    const { ensemble } = trainGbdt(train.X, train.y, { nTrees: 300, maxDepth: 4, learningRate: 0.1 });
    const p = predict(ensemble, held.X);
    const err = rmse(p, held.truth);
    // The target's spread is about 2.1; a piecewise-constant fit of a plane should land within a few percent.
    assert.ok(err < 0.08, `rmse against the noiseless truth ${err}`);
  });

  test("Float32 features train and predict like their Float64 copy", () => {
    const { X, y } = linearData(2_000, 12);
    const X32 = featureMatrix(Float32Array.from(X.data), X.nRows, X.nFeatures);
    const X64 = featureMatrix(Float64Array.from(X32.data), X.nRows, X.nFeatures);
    const a = trainGbdt(X32, y, { nTrees: 10, maxDepth: 3 }).ensemble;
    const b = trainGbdt(X64, y, { nTrees: 10, maxDepth: 3 }).ensemble;
    assert.deepEqual(predict(a, X32), predict(b, X64));
  });

  test("a subsample too small for some trees still trains", () => {
    const { X, y } = linearData(20, 13);
    const { ensemble } = trainGbdt(X, y, { nTrees: 30, subsample: 0.05, minDataInLeaf: 1 });
    for (const v of predict(ensemble, X)) assert.ok(Number.isFinite(v));
  });

  test("predictRow agrees with batch predict", () => {
    const { X, y } = linearData(2_000, 3);
    const { ensemble } = trainGbdt(X, y, { nTrees: 20, maxDepth: 3 });
    const batch = predict(ensemble, X);
    for (let r = 0; r < 50; r++) assert.equal(predictRow(ensemble, readRow(X, r)), batch[r]);
  });

  test("respects maxDepth, maxLeaves and minDataInLeaf", () => {
    const { X, y } = linearData(3_000, 4);
    const { ensemble: e } = trainGbdt(X, y, { nTrees: 10, maxDepth: 5, maxLeaves: 7, minDataInLeaf: 100 });
    assert.ok(maxDepth(e) <= 5);
    for (let t = 0; t < e.treeRoots.length; t++) {
      const end = t + 1 < e.treeRoots.length ? e.treeRoots[t + 1] : e.feature.length;
      let leaves = 0;
      for (let i = e.treeRoots[t]; i < end; i++) {
        if (e.feature[i] < 0) {
          leaves++;
          assert.ok(e.cover[i] >= 100, `leaf cover ${e.cover[i]}`);
        }
      }
      assert.equal(leaves, 7);
    }
  });

  test("learns where missing values go", () => {
    const rng = createRng(5);
    const n = 4_000;
    const data = new Float64Array(n);
    const y = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const missing = rng() < 0.3;
      data[r] = missing ? Number.NaN : rng();
      y[r] = missing ? 10 : data[r];
    }
    const { ensemble } = trainGbdt(featureMatrix(data, n, 1), y, { nTrees: 100, maxDepth: 3 });
    const p = predict(ensemble, featureMatrix(Float64Array.from([Number.NaN, 0.1, 0.9]), 3, 1));
    assert.ok(Math.abs(p[0] - 10) < 0.05, `NaN → ${p[0]}`);
    assert.ok(Math.abs(p[1] - 0.1) < 0.05 && Math.abs(p[2] - 0.9) < 0.05, `values → ${p[1]}, ${p[2]}`);
    // The cleanest split is "every value left, missing right": threshold +Infinity.
    assert.ok(ensemble.threshold.includes(Number.POSITIVE_INFINITY));
  });

  test("early stopping keeps the best prefix of trees", () => {
    const train = linearData(2_000, 6, 1.5);
    const valid = linearData(2_000, 7, 1.5);
    const res = trainGbdt(
      train.X,
      train.y,
      { nTrees: 500, maxDepth: 6, learningRate: 0.5, earlyStoppingRounds: 10 },
      valid,
    );
    assert.ok(res.nTreesKept < 100, `kept ${res.nTreesKept}`);
    assert.equal(res.validLoss.length, res.nTreesKept + 10);
    const best = Math.min(...res.validLoss);
    assert.equal(res.validLoss[res.nTreesKept - 1], best);
    const p = predict(res.ensemble, valid.X);
    let mse = 0;
    for (let i = 0; i < p.length; i++) mse += (p[i] - valid.y[i]) ** 2 / p.length;
    assert.ok(Math.abs(mse - best) < 1e-9 * best);
  });
});

describe("gbdt, quantile loss", () => {
  // y = x0 + s(x1)·N(0,1) with noise scale s from 0.2 to 2: a calibrated quantile model must follow the scale.
  function heteroscedastic(n: number, seed: number) {
    const rng = createRng(seed);
    const X = uniformMatrix(n, 3, rng);
    const y = new Float64Array(n);
    for (let r = 0; r < n; r++) y[r] = X.data[r] + (1.1 + 0.9 * X.data[n + r]) * normal(rng);
    return { X, y };
  }

  for (const alpha of [0.1, 0.5, 0.9]) {
    test(`coverage at alpha = ${alpha} is near alpha, overall and where noise is low or high`, () => {
      const train = heteroscedastic(20_000, 10);
      const held = heteroscedastic(10_000, 11);
      const { ensemble } = trainGbdt(train.X, train.y, {
        objective: "quantile",
        alpha,
        nTrees: 100,
        maxDepth: 4,
        learningRate: 0.1,
        minDataInLeaf: 50,
      });
      const q = predict(ensemble, held.X);
      const n = held.X.nRows;
      let below = 0;
      const half = [0, 0];
      const halfN = [0, 0];
      for (let r = 0; r < n; r++) {
        const h = held.X.data[n + r] < 0 ? 0 : 1;
        halfN[h]++;
        if (held.y[r] <= q[r]) {
          below++;
          half[h]++;
        }
      }
      const coverage = below / n;
      assert.ok(Math.abs(coverage - alpha) < 0.02, `coverage ${coverage}`);
      for (const h of [0, 1]) {
        const c = half[h] / halfN[h];
        assert.ok(Math.abs(c - alpha) < 0.04, `coverage ${c} in half ${h}`);
      }
    });
  }
});

describe("gbdt, reproducibility and serialisation", () => {
  test("the same seed gives the same model with row subsampling; another seed does not", () => {
    const { X, y } = linearData(3_000, 8);
    const params = { nTrees: 15, maxDepth: 4, subsample: 0.6, binSampleSize: 1_000 };
    const a = JSON.stringify(ensembleToJson(trainGbdt(X, y, { ...params, seed: 1 }).ensemble));
    const b = JSON.stringify(ensembleToJson(trainGbdt(X, y, { ...params, seed: 1 }).ensemble));
    const c = JSON.stringify(ensembleToJson(trainGbdt(X, y, { ...params, seed: 2 }).ensemble));
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  test("JSON round trip predicts identically, +Infinity thresholds included", () => {
    const rng = createRng(9);
    const n = 3_000;
    const data = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      data[r] = rng() < 0.2 ? Number.NaN : rng();
      data[n + r] = rng();
      y[r] = (Number.isNaN(data[r]) ? 3 : data[r]) + data[n + r] ** 2;
    }
    const X = featureMatrix(data, n, 2);
    const { ensemble } = trainGbdt(X, y, { nTrees: 30, maxDepth: 4, objective: "quantile", alpha: 0.3 });
    assert.ok(ensemble.threshold.includes(Number.POSITIVE_INFINITY));
    const restored = ensembleFromJson(JSON.parse(JSON.stringify(ensembleToJson(ensemble))));
    assert.deepEqual(restored, ensemble);
    assert.deepEqual(predict(restored, X), predict(ensemble, X));
  });

  test("rejects a model whose links would loop", () => {
    const j = ensembleToJson(
      trainGbdt(linearData(500, 1).X, linearData(500, 1).y, { nTrees: 2, maxDepth: 2 }).ensemble,
    );
    j.left[0] = 0;
    assert.throws(() => ensembleFromJson(j), /bad children/);
  });
});
