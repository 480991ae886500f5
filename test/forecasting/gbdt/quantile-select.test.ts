import assert from "node:assert/strict";
import { test } from "node:test";
import { quantileInPlace, selectKth } from "../../../src/forecasting/gbdt/quantile-select.js";
import { createRng } from "../../../src/forecasting/rng.js";

test("selectKth matches sorting, with many ties", () => {
  const rng = createRng(11);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(rng() * 60);
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = Math.floor(rng() * 5);
    const sorted = Float64Array.from(a).sort();
    const k = Math.floor(rng() * n);
    assert.equal(selectKth(a, 0, n - 1, k), sorted[k]);
  }
});

test("quantileInPlace is R's type-7 quantile", () => {
  // R: quantile(c(1, 2, 3, 4, 10), c(0.1, 0.5, 0.9)) = 1.4, 3.0, 7.6
  const values = [1, 2, 3, 4, 10];
  const got = [0.1, 0.5, 0.9].map((q) => quantileInPlace(Float64Array.from([10, 3, 1, 4, 2]), 5, q));
  assert.ok(
    Math.abs(got[0] - 1.4) < 1e-12 && got[1] === 3 && Math.abs(got[2] - 7.6) < 1e-12,
    `${got} of ${values}`,
  );
  assert.equal(quantileInPlace(Float64Array.from([7]), 1, 0.3), 7);
});
