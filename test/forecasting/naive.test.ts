import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NaiveModel, SeasonalNaiveModel } from "../../src/forecasting/naive.js";

const Z975 = 1.959963984540054;

describe("naive", () => {
  test("repeats the last value; sd grows with sqrt(h)", () => {
    const f = new NaiveModel().fit(Float64Array.of(1, 2, 4, 7), { period: 1 }).forecast(4, [0.975]);
    assert.deepEqual(Array.from(f.mean), [7, 7, 7, 7]);
    const sigma = Math.sqrt((1 + 4 + 9) / 3);
    for (let h = 1; h <= 4; h++)
      assert.ok(Math.abs(f.quantiles[0][h - 1] - (7 + Z975 * sigma * Math.sqrt(h))) < 1e-9);
  });

  test("a single observation gives a degenerate interval", () => {
    const f = new NaiveModel().fit(Float64Array.of(3), { period: 1 }).forecast(2, [0.1, 0.9]);
    assert.deepEqual(Array.from(f.quantiles[0]), [3, 3]);
  });
});

describe("seasonal naive", () => {
  test("repeats the last season; sd grows with completed cycles", () => {
    const y = Float64Array.of(1, 2, 3, 2, 4, 5);
    const f = new SeasonalNaiveModel().fit(y, { period: 3 }).forecast(6, [0.975]);
    assert.deepEqual(Array.from(f.mean), [2, 4, 5, 2, 4, 5]);
    const sigma = Math.sqrt((1 + 4 + 4) / 3);
    const expected = [1, 1, 1, 2, 2, 2].map((k, i) => f.mean[i] + Z975 * sigma * Math.sqrt(k));
    expected.forEach((v, i) => {
      assert.ok(Math.abs(f.quantiles[0][i] - v) < 1e-9);
    });
  });

  test("falls back to naive when shorter than a season", () => {
    const f = new SeasonalNaiveModel().fit(Float64Array.of(1, 2), { period: 12 }).forecast(3, []);
    assert.deepEqual(Array.from(f.mean), [2, 2, 2]);
  });
});
