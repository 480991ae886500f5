import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cleanOutliers, findOutliers, runningMedian } from "../../src/forecasting/outliers.js";

const SEASON = [0.8, 0.85, 1.0, 1.1, 1.2, 1.35, 1.4, 1.3, 1.1, 0.95, 0.85, 0.9];
/** Deterministic noise within ±2%. */
const noise = (t: number) => 1 + 0.02 * Math.sin(7.3 * t + 1.1) * Math.cos(2.9 * t);
/** A clean monthly series: growing 0.5% a month, multiplicative season, small noise. */
function monthly(n: number): Float64Array {
  return Float64Array.from(
    { length: n },
    (_, t) => 1000 * (1 + 0.005 * t) * (SEASON[t % 12] as number) * noise(t),
  );
}
const yearly = (n: number) =>
  Float64Array.from({ length: n }, (_, t) => 500 + 40 * t + 15 * Math.sin(1.7 * t));

describe("outlier cleaning", () => {
  test("one spike in a clean seasonal series is found and replaced by the seasonal value", () => {
    const clean = monthly(96);
    const y = Float64Array.from(clean);
    y[50] = 3 * (clean[50] as number);
    for (const k of [3, 2]) {
      const found = findOutliers(y, 12, { k, maxShare: 0.1 });
      assert.deepEqual(
        found.map((o) => o.index),
        [50],
      );
      // The replacement is the trend times the season at t = 50 (noise aside): within 3% of the clean value.
      const expected = 1000 * (1 + 0.005 * 50) * (SEASON[50 % 12] as number);
      assert.ok(
        Math.abs((found[0]?.replacement as number) / expected - 1) < 0.03,
        `${found[0]?.replacement}`,
      );
      const out = cleanOutliers(y, 12, { k, maxShare: 0.1 });
      assert.notEqual(out, y);
      for (let t = 0; t < y.length; t++) if (t !== 50) assert.equal(out[t], y[t]);
    }
  });

  test("a spike at the latest point is replaced (unless kept), two high latest points (a possible new level) are not", () => {
    const clean = monthly(60);
    const spike = Float64Array.from(clean);
    spike[59] = 2.5 * (clean[59] as number);
    const found = findOutliers(spike, 12, { k: 3, maxShare: 0.1 });
    assert.deepEqual(
      found.map((o) => o.index),
      [59],
    );
    assert.ok(Math.abs((found[0]?.replacement as number) / (clean[59] as number) - 1) < 0.05);
    assert.deepEqual(findOutliers(spike, 12, { k: 3, maxShare: 0.1, keepLatest: 1 }), []);
    const shift = Float64Array.from(spike);
    shift[58] = 2.5 * (clean[58] as number);
    assert.deepEqual(findOutliers(shift, 12, { k: 3, maxShare: 0.1 }), []);
  });

  test("a clean series is returned unchanged, bit for bit", () => {
    for (const k of [3, 2]) {
      const y = monthly(120);
      const copy = Float64Array.from(y);
      const out = cleanOutliers(y, 12, { k, maxShare: 0.1 });
      assert.equal(out, y);
      assert.deepEqual(out, copy);
      const q = Float64Array.from(
        { length: 40 },
        (_, t) => 200 + 3 * t + ([10, -20, 30, -20][t % 4] as number),
      );
      assert.equal(cleanOutliers(q, 4, { k, maxShare: 0.1 }), q);
      const a = yearly(20);
      assert.equal(cleanOutliers(a, 1, { k, maxShare: 0.1 }), a);
    }
  });

  test("a level shift is not treated as a run of outliers", () => {
    const y = monthly(96);
    for (let t = 40; t < 96; t++) y[t] = 1.6 * (y[t] as number);
    assert.deepEqual(findOutliers(y, 12, { k: 2, maxShare: 0.1 }), []);
    const a = yearly(24);
    for (let t = 12; t < 24; t++) a[t] = (a[t] as number) + 600;
    assert.deepEqual(findOutliers(a, 1, { k: 2, maxShare: 0.1 }), []);
  });

  test("a non-seasonal spike is replaced by the smooth trend", () => {
    const a = yearly(20);
    const y = Float64Array.from(a);
    y[10] = 3000;
    const found = findOutliers(y, 1, { k: 3, maxShare: 0.1 });
    assert.deepEqual(
      found.map((o) => o.index),
      [10],
    );
    // The smoothed running median around t = 10 of an almost linear series: within 4% of the line 500 + 40·t.
    assert.ok(Math.abs((found[0]?.replacement as number) / 900 - 1) < 0.04, `${found[0]?.replacement}`);
  });

  test("short series are left alone, and at most maxShare of the points is replaced", () => {
    const short = monthly(23);
    short[10] = 5 * (short[10] as number);
    assert.equal(cleanOutliers(short, 12, { k: 3, maxShare: 0.1 }), short);
    const fewYears = Float64Array.of(10, 11, 100, 13, 14);
    assert.equal(cleanOutliers(fewYears, 1, { k: 3, maxShare: 0.1 }), fewYears);
    const y = monthly(96);
    y[20] = 4 * (y[20] as number);
    y[50] = 3 * (y[50] as number);
    y[70] = 2.5 * (y[70] as number);
    assert.deepEqual(
      findOutliers(y, 12, { k: 3, maxShare: 0.1 }).map((o) => o.index),
      [20, 50, 70],
    );
    // A share of 2 points in 96: the two most extreme are replaced.
    assert.deepEqual(
      findOutliers(y, 12, { k: 3, maxShare: 2 / 96 }).map((o) => o.index),
      [20, 50],
    );
  });

  test("the running median follows a step and extends a trend linearly at the ends", () => {
    const step = Float64Array.of(1, 1, 1, 1, 1, 5, 5, 5, 5, 5);
    assert.deepEqual(Array.from(runningMedian(step, 5)), [1, 1, 1, 1, 1, 5, 5, 5, 5, 5]);
    const line = Float64Array.from({ length: 9 }, (_, t) => 2 * t + 1);
    assert.deepEqual(Array.from(runningMedian(line, 5)), Array.from(line));
  });
});
