import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { gaussianForecast } from "../../src/forecasting/gaussian.js";
import {
  checkQuantileLevels,
  clampNonNegative,
  enforceMonotoneQuantiles,
} from "../../src/forecasting/model.js";

describe("quantile helpers", () => {
  test("enforceMonotoneQuantiles orders by level whatever the request order", () => {
    const levels = [0.9, 0.1, 0.5];
    const q = [Float64Array.of(5, 1), Float64Array.of(6, 0), Float64Array.of(4, 2)];
    enforceMonotoneQuantiles(levels, q);
    // step 0: p10=6, p50=max(6,4)=6, p90=max(6,5)=6; step 1: p10=0, p50=2, p90=max(2,1)=2
    assert.deepEqual(Array.from(q[1]), [6, 0]);
    assert.deepEqual(Array.from(q[2]), [6, 2]);
    assert.deepEqual(Array.from(q[0]), [6, 2]);
  });

  test("clampNonNegative floors mean and quantiles at zero", () => {
    const f = clampNonNegative({ mean: Float64Array.of(-1, 2), quantiles: [Float64Array.of(-3, 0.5)] });
    assert.deepEqual(Array.from(f.mean), [0, 2]);
    assert.deepEqual(Array.from(f.quantiles[0]), [0, 0.5]);
  });

  test("checkQuantileLevels rejects levels outside (0, 1)", () => {
    assert.throws(() => checkQuantileLevels([0.5, 1]), RangeError);
    assert.throws(() => checkQuantileLevels([0]), RangeError);
    checkQuantileLevels([0.01, 0.99]);
  });

  test("gaussianForecast puts mean ± z·sd at the requested levels", () => {
    const f = gaussianForecast(Float64Array.of(10, 20), Float64Array.of(1, 2), [0.975, 0.5, 0.025]);
    assert.ok(Math.abs(f.quantiles[0][1] - (20 + 2 * 1.959963984540054)) < 1e-9);
    assert.equal(f.quantiles[1][0], 10);
    assert.ok(Math.abs(f.quantiles[2][0] - (10 - 1.959963984540054)) < 1e-9);
  });
});
