import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  fitGlobalAr,
  fitPart,
  forecastGlobalAr,
  type GlobalArOptions,
  type GlobalArSeries,
} from "../../../src/forecasting/global-ar/global-ar.js";
import { cholesky, choleskySolve } from "../../../src/forecasting/global-ar/linear-solve.js";
import { createRng, standardNormal } from "../../../src/forecasting/rng.js";
import { close, homogeneousAr2, PLAIN } from "./fixtures.js";

const BASE: GlobalArOptions = { ...PLAIN, horizon: 2, lags: 2, scalePoints: 2, log: false, minHistory: 2 };

describe("Cholesky solve", () => {
  test("factorises [[4, 2], [2, 3]] as [[2, 0], [1, √2]] and solves it", () => {
    const a = Float64Array.from([4, 2, 2, 3]);
    const l = cholesky(a, 2) as Float64Array;
    assert.ok(l);
    close(l[0] as number, 2, 1e-12);
    close(l[2] as number, 1, 1e-12);
    close(l[3] as number, Math.SQRT2, 1e-12);
    // [[4, 2], [2, 3]]·[1, −2] = [0, −4]
    const x = choleskySolve(l, 2, [0, -4]);
    close(x[0] as number, 1, 1e-12);
    close(x[1] as number, -2, 1e-12);
  });

  test("refuses a matrix that is not positive definite", () => {
    assert.equal(cholesky(Float64Array.from([1, 2, 2, 1]), 2), undefined);
  });
});

describe("fitGlobalAr / forecastGlobalAr", () => {
  test("recovers a pooled AR(2): its one- and two-step forecasts and its noise quantiles", () => {
    const series = homogeneousAr2(0.7, 0.3, 0.02, 60, 200);
    const model = fitGlobalAr(series, BASE);
    // The scaled lags sum to 2, so the lag coefficients and the intercept are identified only together: test the
    // forecasts. One step: φ1·y_{t−1} + φ2·y_{t−2}; two: (φ1² + φ2)·y_{t−1} + φ1·φ2·y_{t−2}.
    for (const [a, b] of [
      [100, 110],
      [110, 100],
      [1000, 950],
    ] as const) {
      const f = forecastGlobalAr(model, { y: Float64Array.from([a, b]), phase: 0 });
      close(f.mean[0] as number, 0.7 * b + 0.3 * a, 0.005 * b, `step 1 after ${a}, ${b}`);
      close(f.mean[1] as number, 0.79 * b + 0.21 * a, 0.01 * b, `step 2 after ${a}, ${b}`);
    }
    // Step-1 residuals are σ·ε: p10 and p90 at ∓1.2816σ, p50 at 0.
    const [q10, q50, q90] = model.residualQuantiles[0] as number[];
    close(q10 as number, -1.2816 * 0.02, 0.002, "p10");
    close(q50 as number, 0, 0.001, "p50");
    close(q90 as number, 1.2816 * 0.02, 0.002, "p90");
    assert.equal(model.rows, 60 * 198);
  });

  test("a pooled multiplicative AR(1) forecasts φ·last and φ²·last, with and without the log", () => {
    const rng = createRng(3);
    const phi = 1.02;
    const series = Array.from({ length: 40 }, (_, i) => {
      const y = new Float64Array(60);
      y[0] = 5 + 20 * i;
      for (let t = 1; t < y.length; t++) y[t] = phi * (y[t - 1] as number) * (1 + 0.01 * standardNormal(rng));
      return { y, phase: 0 };
    });
    for (const log of [false, true]) {
      const options = { ...BASE, lags: 1, scalePoints: 1, minHistory: 1, log };
      const model = fitGlobalAr(series, options);
      assert.equal(model.log, log);
      const f = forecastGlobalAr(model, { y: Float64Array.from([3, 50]), phase: 0 });
      close(f.mean[0] as number, 50 * phi, 0.05, `log ${log}: step 1`);
      close(f.mean[1] as number, 50 * phi * phi, 0.08, `log ${log}: step 2`);
      assert.ok((f.quantiles[0]?.[0] as number) < (f.mean[0] as number));
      assert.ok((f.quantiles[2]?.[0] as number) > (f.mean[0] as number));
    }
  });

  test("reproduces a seasonal pattern shared by series of different levels and phases", () => {
    const pattern = [0.8, 1.2, 1.1, 0.9];
    const series = Array.from({ length: 12 }, (_, i) => {
      const phase = i % 4;
      const y = Float64Array.from(
        { length: 30 + i },
        (_, t) => (100 + 50 * i) * (pattern[(phase + t) % 4] as number),
      );
      return { y, phase };
    });
    const options = { ...BASE, horizon: 6, period: 4, lags: 4, scalePoints: 4, minHistory: 4 };
    const target = {
      y: Float64Array.from({ length: 9 }, (_, t) => 70 * (pattern[(2 + t) % 4] as number)),
      phase: 2,
    };
    // Through the lags alone, through the calendar one-hot alone (one lag: the last value), and through both.
    for (const [lags, calendar] of [
      [4, false],
      [1, true],
      [8, true],
    ] as const) {
      const model = fitGlobalAr(series, { ...options, lags, scalePoints: Math.min(4, lags), calendar });
      const f = forecastGlobalAr(model, target);
      for (let k = 0; k < 6; k++)
        close(
          f.mean[k] as number,
          70 * (pattern[(2 + 9 + k) % 4] as number),
          1e-6,
          `lags ${lags} step ${k + 1}`,
        );
    }
  });

  test("the log model forecasts exact geometric growth; data with many zeros falls back to the linear model", () => {
    const series = Array.from({ length: 5 }, (_, i) => ({
      y: Float64Array.from({ length: 20 }, (_, t) => (i + 1) * 1.05 ** t),
      phase: 0,
    }));
    const model = fitGlobalAr(series, {
      ...BASE,
      horizon: 3,
      lags: 3,
      scalePoints: 1,
      minHistory: 3,
      log: true,
    });
    assert.equal(model.log, true);
    const f = forecastGlobalAr(model, { y: Float64Array.from([10, 10.5, 11.025]), phase: 0 });
    for (let k = 0; k < 3; k++) close(f.mean[k] as number, 11.025 * 1.05 ** (k + 1), 1e-6, `step ${k + 1}`);

    const zeros = series.map((s, i) => ({
      ...s,
      y: i === 0 ? s.y.map((v, t) => (t % 2 === 0 ? 0 : v)) : s.y,
    }));
    assert.equal(fitGlobalAr(zeros, { ...BASE, log: true }).log, false);
  });

  test("recent keeps the latest origins of each series; short series are padded with their first value", () => {
    const series = homogeneousAr2(0.7, 0.3, 0.02, 10, 50);
    assert.equal(fitGlobalAr(series, { ...BASE, recent: 5 }).rows, 10 * 5);
    // Windows need minHistory real values: with 1, the origin after the first value is a window too.
    assert.equal(fitGlobalAr(series, { ...BASE, minHistory: 1 }).rows, 10 * 49);
    // 480 candidate windows (origins 2..49) thinned to at most 100: every 5th back from the latest, 10 per series.
    assert.equal(fitGlobalAr(series, { ...BASE, maxRows: 100 }).rows, 10 * 10);
    const model = fitGlobalAr(series, { ...BASE, lags: 6, scalePoints: 2 });
    const f = forecastGlobalAr(model, { y: Float64Array.from([40]), phase: 0 });
    assert.ok(f.mean.every((v) => Number.isFinite(v) && v > 0));
  });

  test("the log model's lagged-product sums give the window-by-window fit", () => {
    const rng = createRng(11);
    // Seasonal positive series of different lengths, a few with a zero (which breaks their runs of windows) and
    // a few with a value far below the window's scale (floored, so summed window by window).
    const series = Array.from({ length: 25 }, (_, i) => {
      const y = Float64Array.from(
        { length: 60 + 3 * i },
        (_, t) =>
          (20 + i) * (1 + 0.4 * Math.sin((2 * Math.PI * t) / 4)) * Math.exp(0.1 * standardNormal(rng)),
      );
      if (i % 5 === 0) y[30] = 0;
      if (i % 7 === 0) y[40] = 0.001;
      return { y, phase: i % 4 };
    });
    const options = {
      ...BASE,
      horizon: 5,
      period: 4,
      lags: 9,
      scalePoints: 4,
      minHistory: 4,
      log: true,
      calendar: true,
      ridge: 0.01,
      recent: 30,
    };
    // The latest 30 origins, and every origin (the first windows padded with the first value).
    for (const recent of [30, 0]) {
      const fast = fitGlobalAr(series, { ...options, recent });
      const slow = fitGlobalAr(series, { ...options, recent, windowByWindow: true });
      assert.equal(fast.log, true);
      assert.equal(fast.rows, slow.rows);
      for (let k = 0; k < fast.coefficients.length; k++) {
        for (const [i, v] of (fast.coefficients[k] as number[]).entries())
          close(
            v,
            slow.coefficients[k]?.[i] as number,
            1e-9,
            `recent ${recent} step ${k + 1} coefficient ${i}`,
          );
        for (const [l, v] of (fast.residualQuantiles[k] as number[]).entries())
          close(
            v,
            slow.residualQuantiles[k]?.[l] as number,
            1e-9,
            `recent ${recent} step ${k + 1} level ${l}`,
          );
      }
    }
  });

  test("a fit on the latest origins reads only their windows: it equals an all-origins fit on those parts", () => {
    // Seasonal positive series in several phases; minHistory above lags, so the part keeps minHistory values.
    const rng = createRng(5);
    const series = Array.from({ length: 12 }, (_, i) => ({
      y: Float64Array.from(
        { length: 70 + 5 * i },
        (_, t) =>
          (30 + 7 * i) *
          (1 + 0.3 * Math.sin((2 * Math.PI * (t + i)) / 4)) *
          Math.exp(0.05 * standardNormal(rng)),
      ),
      phase: i % 4,
    }));
    const options = {
      ...BASE,
      horizon: 3,
      period: 4,
      lags: 5,
      scalePoints: 4,
      minHistory: 7,
      log: true,
      calendar: true,
      ridge: 0.01,
      recent: 20,
    };
    for (const maxRows of [undefined, 100]) {
      const o = { ...options, ...(maxRows ? { maxRows } : {}) };
      // Each series' last recent + max(lags, minHistory) values, in the phase of their first one.
      const parts = series.map((s) => fitPart(o, s));
      parts.forEach((p, i) => {
        const start = (series[i] as GlobalArSeries).y.length - 27;
        assert.equal(p.y.length, 27);
        assert.equal(p.y[0], (series[i] as GlobalArSeries).y[start]);
        assert.equal(p.phase, ((series[i] as GlobalArSeries).phase + start) % 4);
      });
      // The reference: every origin of those parts (recent 0 reads whole series, so nothing is cut), with the
      // first origin after max(lags, minHistory) values as the recent fit has it.
      const recentFit = fitGlobalAr(series, o);
      const reference = fitGlobalAr(parts, { ...o, recent: 0, minHistory: 7 });
      assert.equal(recentFit.rows, maxRows ? 12 * 7 : 12 * 20);
      assert.deepEqual(
        { ...recentFit, options: undefined },
        { ...reference, options: undefined },
        `maxRows ${maxRows}`,
      );
    }
    // No recent origins to keep to: the whole series.
    const whole = series[0] as GlobalArSeries;
    assert.equal(fitPart({ ...options, recent: 0 }, whole), whole);
  });

  test("quantiles are ordered and the options are checked", () => {
    const series = homogeneousAr2(0.6, 0.4, 0.05, 20, 80);
    const model = fitGlobalAr(series, { ...BASE, horizon: 5 });
    const f = forecastGlobalAr(model, series[0] as GlobalArSeries);
    for (let k = 0; k < 5; k++) {
      assert.ok((f.quantiles[0]?.[k] as number) <= (f.quantiles[1]?.[k] as number));
      assert.ok((f.quantiles[1]?.[k] as number) <= (f.quantiles[2]?.[k] as number));
    }
    assert.throws(() => fitGlobalAr(series, { ...BASE, scalePoints: 3 }), /scalePoints/);
    assert.throws(() => fitGlobalAr(series, { ...BASE, levels: [1] }), /quantile level/);
  });

  test("point median: the log model's point is the median growth of the windows, the default its mean", () => {
    // One lag scaled by itself: an intercept per step, fitted to the mean of the windows' log growth; 19 windows
    // of each of 5 series growing 1, 2, 3, 4 and 50% a step: the median window grows 3%.
    const series: GlobalArSeries[] = [0.01, 0.02, 0.03, 0.04, 0.5].map((g, i) => ({
      y: Float64Array.from({ length: 20 }, (_, t) => (10 + i) * (1 + g) ** t),
      phase: 0,
    }));
    const o = { ...BASE, lags: 1, scalePoints: 1, minHistory: 1, log: true, horizon: 1 };
    const s = series[0] as GlobalArSeries;
    const last = s.y[19] as number;
    const median = forecastGlobalAr(fitGlobalAr(series, { ...o, point: "median" }), s).mean[0] as number;
    close(median / last, 1.03, 1e-12, "median point");
    const mean = forecastGlobalAr(fitGlobalAr(series, o), s).mean[0] as number;
    assert.ok(mean / last > 1.1, `the mean point ${mean / last} is pulled up by the 50% series`);
    assert.throws(() => fitGlobalAr(series, { ...o, point: "mode" as "mean" }), RangeError);
  });
});
