import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FittedEts } from "../../src/forecasting/ets/auto-ets.js";
import { MultiplicativeSeasonEtsModel } from "../../src/forecasting/ets-mseason.js";
import { NaiveModel } from "../../src/forecasting/naive.js";
import { AIR_PASSENGERS } from "./fixtures.js";

describe("multiplicative-season ETS", () => {
  test("AirPassengers (positive, seasonal) gets one of MNM, MAM, MAdM", () => {
    const fitted = new MultiplicativeSeasonEtsModel(new NaiveModel()).fit(AIR_PASSENGERS, { period: 12 });
    assert.ok(fitted instanceof FittedEts);
    assert.ok(["MNM", "MAM", "MAdM"].includes((fitted as FittedEts).model));
    const f = fitted.forecast(12, [0.1, 0.9]);
    for (let j = 0; j < 12; j++) assert.ok(f.quantiles[0][j] < f.mean[j] && f.mean[j] < f.quantiles[1][j]);
  });

  test("a zero in the data, or no season, falls back to the given member", () => {
    const y = AIR_PASSENGERS.slice();
    y[5] = 0;
    assert.ok(
      !(new MultiplicativeSeasonEtsModel(new NaiveModel()).fit(y, { period: 12 }) instanceof FittedEts),
    );
    assert.ok(
      !(
        new MultiplicativeSeasonEtsModel(new NaiveModel()).fit(AIR_PASSENGERS, { period: 1 }) instanceof
        FittedEts
      ),
    );
  });
});
