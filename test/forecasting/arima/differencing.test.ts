import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  chooseD,
  chooseSeasonalD,
  kpssStatistic,
  seasonalStrength,
} from "../../../src/forecasting/arima/differencing.js";
import { AIR_PASSENGERS, NILE } from "../fixtures.js";

describe("differencing tests", () => {
  test("KPSS statistic matches urca::ur.kpss(type = 'mu') at ndiffs' lag and at lags = 'short'", () => {
    assert.ok(Math.abs(kpssStatistic(NILE) - 1.31522646318) < 1e-9);
    assert.ok(Math.abs(kpssStatistic(AIR_PASSENGERS) - 4.34228679711) < 1e-9);
    assert.ok(Math.abs(kpssStatistic(NILE, 4) - 0.965434907753) < 1e-9);
    assert.ok(Math.abs(kpssStatistic(AIR_PASSENGERS, 4) - 2.73947362096) < 1e-9);
  });

  test("chooseD agrees with R's ndiffs on Nile and AirPassengers", () => {
    assert.equal(chooseD(NILE), 1);
    assert.equal(chooseD(AIR_PASSENGERS), 1);
  });

  test("seasonal strength: a pure cycle is ~1, a line is 0", () => {
    const cycle = Float64Array.from({ length: 48 }, (_, t) => [5, 1, 3, 7][t % 4]);
    assert.ok(seasonalStrength(cycle, 4) > 0.99);
    const line = Float64Array.from({ length: 48 }, (_, t) => 2 * t + 1);
    assert.equal(seasonalStrength(line, 4), 0);
    assert.equal(chooseSeasonalD(AIR_PASSENGERS, 12), 1);
  });
});
