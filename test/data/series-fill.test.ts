import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fillMissing, STATISTIC_WINDOW } from "../../src/data/series-fill.js";

const N = Number.NaN;
const filled = (
  values: number[],
  regions: Parameters<typeof fillMissing>[1],
  methods: Parameters<typeof fillMissing>[2],
) => {
  const array = Float64Array.from(values);
  fillMissing(array, regions, methods);
  return [...array];
};

describe("fillMissing", () => {
  test("each region gets its own method; before the first record nothing is filled", () => {
    const regions = { frontEnd: 1, middleEnd: 5, backEnd: 7 };
    assert.deepEqual(
      filled([N, 1, N, N, 4, N, N, N, N], regions, {
        middle: { method: "zero" },
        back: { method: "value", value: 9 },
        future: { method: "max" },
      }),
      [N, 1, 0, 0, 4, 9, 9, 4, 4],
    );
  });

  test("a region without a method keeps its NaNs; nan fills leave them too", () => {
    const regions = { frontEnd: 0, middleEnd: 3, backEnd: 5 };
    assert.deepEqual(filled([1, N, 3, N, N], regions, { back: { method: "nan" } }), [1, N, 3, N, N]);
  });

  test("statistics use the observed values before each gap, never earlier fills", () => {
    const regions = { frontEnd: 0, middleEnd: 8, backEnd: 8 };
    // Gap 1 sees [1, 2, 6]: median 2, mean 3. Gap 2 sees [1, 2, 6, 10] (not the fill): median 4, mean 4.75.
    assert.deepEqual(
      filled([1, 2, 6, N, 10, N, N, 0], regions, { middle: { method: "median" } }),
      [1, 2, 6, 2, 10, 4, 4, 0],
    );
    assert.deepEqual(
      filled([1, 2, 6, N, 10, N, N, 0], regions, { middle: { method: "mean" } }),
      [1, 2, 6, 3, 10, 4.75, 4.75, 0],
    );
    assert.deepEqual(
      filled([5, N, 3, N], { frontEnd: 0, middleEnd: 4, backEnd: 4 }, { middle: { method: "min" } }),
      [5, 5, 3, 3],
    );
  });

  test(`only the ${STATISTIC_WINDOW} most recent observations count`, () => {
    // 100 observations: 1000 then 0..98; the window of 64 holds 35..98, whose mean is 66.5 (1000 has left it).
    const values = [1000, ...Array.from({ length: 99 }, (_, i) => i), N];
    const out = filled(values, { frontEnd: 0, middleEnd: 101, backEnd: 101 }, { middle: { method: "mean" } });
    assert.equal(out[100], 66.5);
  });

  test("with nothing observed before a gap, a statistic leaves NaN", () => {
    assert.deepEqual(
      filled([N, N, 2], { frontEnd: 0, middleEnd: 3, backEnd: 3 }, { middle: { method: "mean" } }),
      [N, N, 2],
    );
  });
});
