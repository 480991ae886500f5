import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { optimizer } from "@bsull/augurs-prophet-wasmstan";
import { augursProphet } from "../../src/forecasting/augurs-wasm.js";
import { ProphetModel } from "../../src/forecasting/prophet.js";

const LEVELS = [0.05, 0.25, 0.5, 0.75, 0.95];
const PATTERN = [3, 5, 9, 14, 20, 25, 27, 24, 18, 12, 7, 4];

/** Deterministic noise in [−5, 5]. */
const noise = (t: number) => ((t * 37) % 11) - 5;

/** A trend whose slope changes twice, a period-12 season and noise: Prophet's trend uncertainty is not tiny. */
const BROKEN_TREND = Float64Array.from({ length: 90 }, (_, t) => {
  const trend = t < 30 ? t : t < 60 ? 30 - 0.5 * (t - 30) : 15 + 2 * (t - 60);
  return 100 + trend + 6 * Math.sin((2 * Math.PI * t) / 12) + noise(t);
});

function assertOrdered(q: Float64Array[], label: string): void {
  for (let k = 1; k < q.length; k++) {
    for (let t = 0; t < (q[0] as Float64Array).length; t++) {
      assert.ok((q[k - 1] as Float64Array)[t] <= (q[k] as Float64Array)[t], `${label}: level ${k} step ${t}`);
    }
  }
}

describe("Prophet member", () => {
  test("extrapolates a straight line, with or without a seasonality term", () => {
    const y = Float64Array.from({ length: 40 }, (_, t) => 5 + 2 * t);
    for (const period of [1, 12]) {
      const f = new ProphetModel().fit(y, { period }).forecast(6, LEVELS);
      for (let j = 0; j < 6; j++) {
        const line = 5 + 2 * (40 + j);
        assert.ok(Math.abs(f.mean[j] - line) < 0.01, `period ${period}: ${f.mean[j]} vs ${line}`);
        // A perfect fit leaves almost no noise and no slope changes to extrapolate.
        const width = (f.quantiles[4] as Float64Array)[j] - (f.quantiles[0] as Float64Array)[j];
        assert.ok(width >= 0 && width < 0.05, `period ${period}: width ${width}`);
      }
    }
  });

  test("repeats a period-12 pattern", () => {
    const y = Float64Array.from({ length: 48 }, (_, t) => 100 + (PATTERN[t % 12] as number));
    const f = new ProphetModel().fit(y, { period: 12 }).forecast(24, [0.5]);
    for (let j = 0; j < 24; j++) {
      const expected = 100 + (PATTERN[j % 12] as number);
      assert.ok(Math.abs(f.mean[j] - expected) < 0.05, `step ${j}: ${f.mean[j]} vs ${expected}`);
    }
  });

  test("leaves the season out with fewer than two full seasons", () => {
    // 20 points of a period-12 pattern: Prophet fits a trend only, so the forecast has no season in it.
    const y = Float64Array.from({ length: 20 }, (_, t) => 100 + (PATTERN[t % 12] as number));
    const f = new ProphetModel().fit(y, { period: 12 }).forecast(12, [0.5]);
    const range = Math.max(...f.mean) - Math.min(...f.mean);
    const slope = Math.abs(f.mean[11] - f.mean[0]);
    assert.ok(Math.abs(range - slope) < 1e-6, "the forecast is a straight line");
  });

  test("a series Stan's first L-BFGS run fails on still gets Prophet's trend, not the naive stand-in", () => {
    // Tourism yearly series Y1: the line search fails from Prophet's starting noise scale.
    const y = Float64Array.of(
      25092.2284,
      24271.5134,
      25828.9883,
      27697.5047,
      27956.2276,
      29924.4321,
      30216.8321,
      32613.4968,
      36053.1674,
      38472.7532,
      38420.894,
    );
    const f = new ProphetModel().fit(y, { period: 1 }).forecast(4, [0.5]);
    for (let j = 1; j < 4; j++)
      assert.ok(f.mean[j] > f.mean[j - 1] + 500, `a rising trend: ${Array.from(f.mean)}`);
  });

  test("takes related series as regressors, known ahead, and ignores those it cannot fit", () => {
    // Demand of 100 lifted by 40 on irregular promotion days, which a season cannot predict.
    const promo = Float64Array.from({ length: 134 }, (_, t) => ((t * 7) % 11 < 3 ? 1 : 0));
    const y = Float64Array.from({ length: 120 }, (_, t) => 100 + 40 * (promo[t] as number) + noise(t) / 5);
    const constant = new Float64Array(134).fill(3);
    const broken = Float64Array.from({ length: 134 }, (_, t) => (t === 5 ? Number.NaN : t));
    const withPromo = new ProphetModel()
      .fit(y, { period: 1, regressors: [constant, promo, broken] })
      .forecast(14, [0.5]);
    const without = new ProphetModel().fit(y, { period: 1 }).forecast(14, [0.5]);
    const error = (f: { mean: Float64Array }) =>
      f.mean.reduce((sum, v, j) => sum + Math.abs(v - (100 + 40 * (promo[120 + j] as number))), 0) / 14;
    assert.ok(error(withPromo) < 2, `with the promotion known ahead: mean error ${error(withPromo)}`);
    assert.ok(error(without) > 10, `without it: mean error ${error(without)}`);
  });

  test("quantiles are ordered, straddle the mean and widen with the horizon", () => {
    const f = new ProphetModel().fit(BROKEN_TREND, { period: 12 }).forecast(24, LEVELS);
    assertOrdered(f.quantiles, "levels");
    const width = (j: number) => (f.quantiles[4] as Float64Array)[j] - (f.quantiles[0] as Float64Array)[j];
    for (let j = 0; j < 24; j++) {
      assert.ok(
        (f.quantiles[0] as Float64Array)[j] < f.mean[j] && f.mean[j] < (f.quantiles[4] as Float64Array)[j],
      );
      assert.ok(
        Math.abs((f.quantiles[2] as Float64Array)[j] - f.mean[j]) < 0.15 * width(j),
        `median at ${j}`,
      );
    }
    assert.ok(width(23) > 1.5 * width(0), `${width(0)} → ${width(23)}`);
    // Levels asked in any order give the same values.
    const shuffled = new ProphetModel().fit(BROKEN_TREND, { period: 12 }).forecast(24, [0.95, 0.05, 0.5]);
    assert.deepEqual(shuffled.quantiles[0], f.quantiles[4]);
    assert.deepEqual(shuffled.quantiles[1], f.quantiles[0]);
  });

  test("its seeded simulation matches Prophet's own 80% interval", () => {
    const h = 12;
    const ours = new ProphetModel().fit(BROKEN_TREND, { period: 12 }).forecast(h, [0.1, 0.9]);
    const prophet = new (augursProphet().Prophet)({
      optimizer,
      yearlySeasonality: { type: "manual", enabled: false },
      weeklySeasonality: { type: "manual", enabled: false },
      dailySeasonality: { type: "manual", enabled: false },
      uncertaintySamples: 4000,
      intervalWidth: 0.8,
    });
    prophet.addSeasonality("season", { period: 12, fourierOrder: 6 });
    prophet.fit({ ds: Array.from(BROKEN_TREND, (_, t) => t * 86_400), y: BROKEN_TREND }, { seed: 42 });
    const theirs = prophet.predict(prophet.makeFutureDataframe(h, { includeHistory: false })).yhat;
    prophet.free();
    const intervals = theirs.intervals;
    assert.ok(intervals, "Prophet states an interval when intervalWidth is set");
    for (let j = 0; j < h; j++) {
      assert.ok(Math.abs(ours.mean[j] - (theirs.point[j] as number)) < 1e-9, `point ${j}`);
      const width = (intervals.upper[j] as number) - (intervals.lower[j] as number);
      assert.ok(
        Math.abs((ours.quantiles[0] as Float64Array)[j] - (intervals.lower[j] as number)) < 0.1 * width,
      );
      assert.ok(
        Math.abs((ours.quantiles[1] as Float64Array)[j] - (intervals.upper[j] as number)) < 0.1 * width,
      );
    }
  });

  test("is reproducible; the seed moves the quantiles, not the point forecast", () => {
    const a = new ProphetModel().fit(BROKEN_TREND, { period: 12 }).forecast(12, LEVELS);
    const b = new ProphetModel().fit(BROKEN_TREND, { period: 12 }).forecast(12, LEVELS);
    assert.deepEqual(a, b);
    const fitted = new ProphetModel().fit(BROKEN_TREND, { period: 12 });
    assert.deepEqual(fitted.forecast(12, LEVELS), fitted.forecast(12, LEVELS));
    const c = new ProphetModel({ seed: 7 }).fit(BROKEN_TREND, { period: 12 }).forecast(12, LEVELS);
    assert.deepEqual(c.mean, a.mean);
    assert.notDeepEqual(c.quantiles, a.quantiles);
  });

  test("a constant series is forecast as that constant, zeros included", () => {
    for (const value of [7, 0, -3]) {
      const f = new ProphetModel().fit(new Float64Array(36).fill(value), { period: 12 }).forecast(5, LEVELS);
      for (const a of [f.mean, ...f.quantiles])
        assert.deepEqual(Array.from(a), [value, value, value, value, value]);
    }
  });

  test("too short or non-finite input falls back to the naive benchmarks", () => {
    const f = new ProphetModel().fit(Float64Array.of(1, 2, 3), { period: 1 }).forecast(2, [0.5]);
    assert.deepEqual(Array.from(f.mean), [3, 3]);
    const g = new ProphetModel()
      .fit(Float64Array.of(1, Number.NaN, 3, 4, 5, 6), { period: 1 })
      .forecast(1, []);
    assert.deepEqual(Array.from(g.mean), [6]);
    assert.throws(() => new ProphetModel().fit(new Float64Array(0), { period: 1 }), RangeError);
    assert.throws(() => new ProphetModel({ samples: 0 }), RangeError);
    assert.throws(() => new ProphetModel().fit(BROKEN_TREND, { period: 12 }).forecast(3, [1]), RangeError);
  });
});
