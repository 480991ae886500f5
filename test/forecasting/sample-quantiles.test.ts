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
  test("the bucketed order statistics are a full sort's, bit for bit, on awkward columns", () => {
    const samples = 1000;
    const rng = createRng(5);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const columns: [string, (s: number) => number][] = [
      ["normal", () => 100 + normal()],
      ["one far outlier", (s) => (s === 17 ? 1e12 : normal())],
      ["heavy tail", () => Math.exp(4 * normal())],
      ["few distinct values", (s) => s % 3],
      ["all equal", () => 4.25],
      ["zeros of one sign and negatives", (s) => (s % 2 === 0 ? -0 : -1 - rng())],
      ["zeros of both signs", (s) => (s % 3 === 0 ? -0 : s % 3 === 1 ? 0 : rng())],
      ["an infinity", (s) => (s === 3 ? Number.POSITIVE_INFINITY : rng())],
      ["tiny range", (s) => 1 + s * Number.EPSILON],
      ["subnormal range", (s) => (s % 2) * 5e-324],
    ];
    const levels = [0.1, 0.5, 0.9];
    for (const [name, value] of columns) {
      const h = 2;
      const paths = new Float64Array(samples * h);
      for (let s = 0; s < samples; s++) for (let t = 0; t < h; t++) paths[s * h + t] = value(s) * (t + 1);
      const f = forecastFromSamples(paths, samples, h, levels);
      for (let t = 0; t < h; t++) {
        const column = Float64Array.from({ length: samples }, (_, s) => paths[s * h + t] as number);
        column.sort();
        levels.forEach((level, k) => {
          const pos = level * (samples - 1);
          const lo = Math.floor(pos);
          const expected =
            (column[lo] as number) + (pos - lo) * ((column[lo + 1] as number) - (column[lo] as number));
          const got = f.quantiles[k]?.[t] as number;
          // Mixed-sign zeros go to quickselect, whose choice among equal zeros is its own: compare values there.
          if (name === "zeros of both signs") assert.equal(got, expected, `${name} ${level}`);
          else
            assert.ok(Object.is(got, expected), `${name}, level ${level}, step ${t}: ${got} vs ${expected}`);
        });
      }
    }
  });
});
