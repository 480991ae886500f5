import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AugursEtsModel } from "../../src/forecasting/ets-augurs.js";
import { AIR_PASSENGERS, NILE } from "./fixtures.js";

describe("ETS through augurs", () => {
  test("non-seasonal AutoETS on Nile: flat forecast near the recent level, widening intervals", () => {
    const f = new AugursEtsModel().fit(NILE, { period: 1 }).forecast(5, [0.05, 0.95]);
    for (let i = 0; i < 5; i++) {
      assert.ok(f.mean[i] > 750 && f.mean[i] < 900, `${f.mean[i]}`);
      assert.ok(f.quantiles[0][i] < f.mean[i] && f.mean[i] < f.quantiles[1][i]);
    }
    assert.ok(f.quantiles[1][4] - f.quantiles[0][4] > f.quantiles[1][0] - f.quantiles[0][0]);
  });

  test("seasonal series go through MSTL and keep the season (July above November)", () => {
    const f = new AugursEtsModel().fit(AIR_PASSENGERS, { period: 12 }).forecast(12, [0.5]);
    // The forecast year starts in January: July is index 6, November index 10.
    assert.ok(f.mean[6] > f.mean[10] * 1.2);
    assert.ok(f.mean[6] > 500 && f.mean[6] < 750);
  });

  test("too short or non-finite input falls back to the naive benchmarks", () => {
    const f = new AugursEtsModel().fit(Float64Array.of(1, 2, 3), { period: 1 }).forecast(2, [0.5]);
    assert.deepEqual(Array.from(f.mean), [3, 3]);
    const g = new AugursEtsModel()
      .fit(Float64Array.of(1, Number.NaN, 3, 4, 5, 6), { period: 1 })
      .forecast(1, []);
    assert.deepEqual(Array.from(g.mean), [6]);
  });
});
