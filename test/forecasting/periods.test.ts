import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { canUseSeason, seasonalPeriod } from "../../src/forecasting/periods.js";

describe("seasonalPeriod", () => {
  test("Amazon's frequencies", () => {
    const expected: Record<string, number> = {
      Y: 1,
      M: 12,
      W: 52,
      D: 7,
      H: 24,
      "30min": 48,
      "15min": 96,
      "10min": 144,
      "5min": 288,
      "1min": 1440,
    };
    for (const [frequency, period] of Object.entries(expected))
      assert.equal(seasonalPeriod(frequency), period);
  });

  test("multiples divide the natural cycle, or lose the season", () => {
    assert.equal(seasonalPeriod("3M"), 4);
    assert.equal(seasonalPeriod("6H"), 4);
    assert.equal(seasonalPeriod("2W"), 26);
    assert.equal(seasonalPeriod("7D"), 1);
    assert.equal(seasonalPeriod("1D"), 7);
    assert.throws(() => seasonalPeriod("Q"), RangeError);
  });

  test("canUseSeason needs two full cycles", () => {
    assert.equal(canUseSeason(24, 12), true);
    assert.equal(canUseSeason(23, 12), false);
    assert.equal(canUseSeason(100, 1), false);
  });
});
