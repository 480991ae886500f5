import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { binMatrix, binOf, fitBinMapper, MISSING_BIN } from "../../../src/forecasting/gbdt/binning.js";
import { featureMatrix } from "../../../src/forecasting/gbdt/matrix.js";
import { createRng } from "../../../src/forecasting/rng.js";

describe("binning", () => {
  test("few distinct values get one bin each, bounds halfway between them", () => {
    const X = featureMatrix(Float64Array.from([3, 1, 2, 1, Number.NaN, 3]), 6, 1);
    const m = fitBinMapper(X, 255, 1000, createRng(1));
    assert.deepEqual(Array.from(m.upperBounds[0]), [1.5, 2.5]);
    assert.equal(m.nBins[0], 3);
    assert.deepEqual(Array.from(binMatrix(X, m)), [2, 0, 1, 0, MISSING_BIN, 2]);
  });

  test("many distinct values: at most maxBins bins of roughly equal counts", () => {
    const n = 10_000;
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = i;
    const X = featureMatrix(data, n, 1);
    const m = fitBinMapper(X, 10, 100_000, createRng(1));
    assert.equal(m.nBins[0], 10);
    const counts = new Array(10).fill(0);
    for (const b of binMatrix(X, m)) counts[b]++;
    for (const c of counts) assert.ok(c >= 900 && c <= 1100, `bin count ${c}`);
  });

  test("a bin split equals a threshold split on raw values", () => {
    const rng = createRng(3);
    const n = 5000;
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = Math.round(rng() * 1000) / 10;
    const X = featureMatrix(data, n, 1);
    const m = fitBinMapper(X, 32, 1000, rng);
    const upper = m.upperBounds[0];
    for (let i = 0; i < n; i++) {
      const b = binOf(data[i], upper);
      for (let k = 0; k < upper.length; k++) assert.equal(b <= k, data[i] <= upper[k]);
    }
  });

  test("infinities fall in the end bins and do not move the bounds", () => {
    const X = featureMatrix(
      Float64Array.from([Number.NEGATIVE_INFINITY, 0, 1, Number.POSITIVE_INFINITY]),
      4,
      1,
    );
    const m = fitBinMapper(X, 255, 100, createRng(1));
    assert.deepEqual(Array.from(m.upperBounds[0]), [0.5]);
    assert.deepEqual(Array.from(binMatrix(X, m)), [0, 0, 1, 1]);
  });
});
