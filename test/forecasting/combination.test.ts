import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CombinationModel, combineForecasts } from "../../src/forecasting/combination.js";
import { createMember, loadMembers, MEMBER_NAMES } from "../../src/forecasting/members.js";
import type { FittedSeries, SeriesModel } from "../../src/forecasting/model.js";
import { forecastFromSamples } from "../../src/forecasting/sample-quantiles.js";

await loadMembers(MEMBER_NAMES);

const constant = (name: string, value: number, spread: number): SeriesModel => ({
  name,
  fit: (): FittedSeries => ({
    forecast: (h, levels) => ({
      mean: new Float64Array(h).fill(value),
      quantiles: levels.map((l) => new Float64Array(h).fill(value + (l - 0.5) * spread)),
    }),
  }),
});

describe("combinations", () => {
  test("mean and median of member forecasts, level by level", () => {
    const members = [constant("a", 1, 2), constant("b", 4, 2), constant("c", 10, 20)];
    const mean = new CombinationModel(members, "mean")
      .fit(new Float64Array(3), { period: 1 })
      .forecast(2, [0.9]);
    assert.deepEqual(Array.from(mean.mean), [5, 5]);
    assert.ok(Math.abs(mean.quantiles[0][0] - (1.8 + 4.8 + 18) / 3) < 1e-12);
    const median = combineForecasts(
      members.map((m) => m.fit(new Float64Array(1), { period: 1 }).forecast(1, [0.1])),
      [0.1],
      "median",
    );
    assert.equal(median.mean[0], 4);
    // at 0.1: 1 − 0.8 = 0.2, 4 − 0.8 = 3.2, 10 − 8 = 2 → median 2
    assert.ok(Math.abs(median.quantiles[0][0] - 2) < 1e-12);
  });
});

describe("sample quantiles", () => {
  test("type-7 interpolation over sample paths", () => {
    // 5 samples × 1 step: 10, 20, 30, 40, 50 (given unsorted)
    const f = forecastFromSamples(Float64Array.of(30, 10, 50, 20, 40), 5, 1, [0.5, 0.1, 0.95]);
    assert.equal(f.mean[0], 30);
    assert.equal(f.quantiles[0][0], 30);
    assert.ok(Math.abs(f.quantiles[1][0] - 14) < 1e-12);
    assert.ok(Math.abs(f.quantiles[2][0] - 48) < 1e-12);
  });
});

describe("member registry", () => {
  test("every name builds a member that forecasts", () => {
    const y = Float64Array.from({ length: 40 }, (_, t) => 10 + (t % 4) + t / 10);
    for (const name of MEMBER_NAMES) {
      const member = createMember(name);
      const f = member.fit(y, { period: 4 }).forecast(3, [0.1, 0.9]);
      assert.equal(f.mean.length, 3, name);
      assert.ok(f.mean.every(Number.isFinite), name);
      for (let t = 0; t < 3; t++) assert.ok(f.quantiles[0][t] <= f.quantiles[1][t], name);
    }
  });
});
