import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { normalCdf, normalQuantile } from "../../src/forecasting/normal.js";

describe("normalQuantile", () => {
  test("matches R's qnorm at common and extreme levels", () => {
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-12);
    assert.ok(Math.abs(normalQuantile(0.01) - -2.326347874040841) < 1e-12);
    assert.ok(Math.abs(normalQuantile(0.9) - 1.2815515655446004) < 1e-12);
    assert.ok(Math.abs(normalQuantile(1e-10) - -6.361340902404056) < 1e-9);
    assert.equal(normalQuantile(0.5), 0);
  });

  test("is symmetric and inverts the CDF", () => {
    for (const p of [0.01, 0.1, 0.3, 0.45]) {
      assert.ok(Math.abs(normalQuantile(p) + normalQuantile(1 - p)) < 1e-12);
      assert.ok(Math.abs(normalCdf(normalQuantile(p)) - p) < 1e-6);
    }
  });

  test("edges", () => {
    assert.equal(normalQuantile(0), Number.NEGATIVE_INFINITY);
    assert.equal(normalQuantile(1), Number.POSITIVE_INFINITY);
    assert.ok(Number.isNaN(normalQuantile(1.5)));
  });
});
