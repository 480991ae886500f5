import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createRng } from "../../src/forecasting/rng.js";
import { forecastFromSamples } from "../../src/forecasting/sample-quantiles.js";

describe("forecastFromSamples", () => {
  test("selecting the order statistics gives the quantiles a full sort gives", () => {
    const samples = 999;
    const h = 5;
    const paths = Float64Array.from({ length: samples * h }, createRng(11));
    const few = [0.1, 0.5, 0.9];
    // Twenty levels take the sorting path; the three above take the selecting one.
    const many = Array.from({ length: 20 }, (_, i) => 0.01 + i * 0.049);
    const selected = forecastFromSamples(paths, samples, h, few);
    const bySort = forecastFromSamples(
      paths,
      samples,
      h,
      [...many, ...few].sort((a, b) => a - b),
    );
    const levels = [...many, ...few].sort((a, b) => a - b);
    few.forEach((level, k) => {
      assert.deepEqual(selected.quantiles[k], bySort.quantiles[levels.indexOf(level)]);
    });
  });

  test("a column holding NaN is sorted, NaN last, as selection cannot order it", () => {
    const paths = Float64Array.from({ length: 101 }, (_, i) => i);
    paths[3] = Number.NaN;
    paths[50] = Number.NaN;
    const f = forecastFromSamples(paths, 101, 1, [0.1, 0.5, 0.9]);
    assert.deepEqual(
      f.quantiles.map((q) => q[0]),
      [11, 52, 92],
    );
  });

  test("type 7 quantiles of a known column", () => {
    // Columns 1..5 in shuffled rows: p10 = 1.4, p50 = 3, p90 = 4.6.
    const paths = Float64Array.of(3, 5, 1, 4, 2);
    const f = forecastFromSamples(paths, 5, 1, [0.1, 0.5, 0.9]);
    assert.deepEqual(
      f.quantiles.map((q) => Number((q[0] as number).toFixed(10))),
      [1.4, 3, 4.6],
    );
    assert.equal(f.mean[0], 3);
  });
});
