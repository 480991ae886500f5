import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fitSes } from "../../src/forecasting/ses.js";
import { leastSquaresLine } from "../../src/forecasting/theta-m3.js";
import {
  fitTwoLines,
  OptimizedThetaModel,
  runTwoLines,
  simulateTwoLines,
  twoLinesSse,
} from "../../src/forecasting/theta-optimized.js";
import { AIR_PASSENGERS, NILE } from "./fixtures.js";

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

// Hand computation of Fiorucci et al. (2016)'s recursions on y = 1, 3, 2, 4, 3, 5 with ℓ0 = 1, α = 0.5, θ = 2.
const Y = Float64Array.of(1, 3, 2, 4, 3, 5);
const P = { level0: 1, alpha: 0.5, theta: 2 };

describe("optimised Theta models (OTM, DOTM)", () => {
  test("OTM one-step means with the whole-sample line A = 0.8, B = 0.628571", () => {
    const fitted = new Float64Array(6);
    runTwoLines(Y, P, false, leastSquaresLine(Y), fitted);
    const expected = [
      1.714285714285714, 1.6714285714285715, 2.65, 2.6392857142857142, 3.6339285714285716, 3.63125,
    ];
    for (let t = 0; t < 6; t++) close(fitted[t], expected[t]);
  });

  test("DOTM one-step means with A, B updated after every point", () => {
    const fitted = new Float64Array(6);
    const state = runTwoLines(Y, P, true, leastSquaresLine(Y), fitted);
    const expected = [1, 1.25, 3.625, 2.53125, 3.790625, 3.509375];
    for (let t = 0; t < 6; t++) close(fitted[t], expected[t]);
    // After y_6: Ȳ = 3, and the dynamic line is the least-squares line of all six points.
    close(state.meanY, 3);
    close(state.b, 0.6285714285714286);
    close(state.a, 0.8);
  });

  test("θ = 1 is simple exponential smoothing: the means are SES's one-step forecasts", () => {
    const fitted = new Float64Array(NILE.length);
    const ses = fitSes(NILE, 0.3);
    runTwoLines(
      NILE,
      { level0: ses.initialLevel, alpha: 0.3, theta: 1 },
      false,
      leastSquaresLine(NILE),
      fitted,
    );
    for (let t = 0; t < NILE.length; t++) close(fitted[t], ses.fitted[t], 1e-6);
  });

  test("OTM forecasts rise by (1 − 1/θ)·B per step; parameters stay in α ∈ [0.1, 0.99], θ ≥ 1", () => {
    const fit = fitTwoLines(NILE, false);
    assert.ok(fit.params.alpha >= 0.1 && fit.params.alpha <= 0.99 && fit.params.theta >= 1);
    const f = new OptimizedThetaModel({ dynamic: false }).fit(NILE, { period: 1 }).forecast(4, [0.1, 0.9]);
    const step = (1 - 1 / fit.params.theta) * leastSquaresLine(NILE).slope;
    for (let j = 1; j < 4; j++) close(f.mean[j] - f.mean[j - 1], step, 1e-6);
    for (let j = 0; j < 4; j++) assert.ok(f.quantiles[0][j] < f.mean[j] && f.mean[j] < f.quantiles[1][j]);
  });

  test("DOTM on AirPassengers: seasonal, intervals widen with the horizon", () => {
    const f = new OptimizedThetaModel({ dynamic: true })
      .fit(AIR_PASSENGERS, { period: 12 })
      .forecast(24, [0.1, 0.9]);
    assert.ok(f.mean[6] > 1.3 * f.mean[10]);
    const width = (j: number) => (f.quantiles[1][j] - f.quantiles[0][j]) / f.mean[j];
    assert.ok(width(23) > width(0));
  });

  test("very short series: the random walk's σ, not a zero-width interval", () => {
    // 3 points leave one residual from t = 3 (σ was 0): σ = rms of the differences 2, −1 = √2.5, and the first
    // step's p10 and p90 are the simulation's normal quantiles, ±1.2816·σ around the mean (1,000 paths: ±6%).
    const y = Float64Array.of(10, 12, 11);
    const fit = fitTwoLines(y, false);
    close(fit.sigma, Math.sqrt(2.5), 1e-12);
    for (const dynamic of [false, true]) {
      const f = new OptimizedThetaModel({ dynamic }).fit(y, { period: 1 }).forecast(2, [0.1, 0.9]);
      const half = 1.2815516 * Math.sqrt(2.5);
      close(f.mean[0] - f.quantiles[0][0], half, 0.06 * half);
      close(f.quantiles[1][0] - f.mean[0], half, 0.06 * half);
      // Later steps carry at least the same noise (plus what the level picks up of the earlier steps').
      assert.ok(f.quantiles[1][1] - f.quantiles[0][1] > 0.9 * 2 * half);
    }
    // Enough residuals (NILE, 100 points): their own standard deviation, as before.
    const nile = fitTwoLines(NILE, false);
    assert.ok(nile.sigma > 100 && nile.sigma < 200, `${nile.sigma}`);
  });
  test("twoLinesSse, the optimiser's objective, is the scaled SSE over runTwoLines's fitted values bit for bit", () => {
    for (const series of [AIR_PASSENGERS, NILE, [5, 7], [3]]) {
      const x = Float64Array.from(series);
      const line = leastSquaresLine(x);
      for (const dynamic of [false, true]) {
        for (const p of [
          { level0: x[0] / 2, alpha: 0.5, theta: 2 },
          { level0: 101.7, alpha: 0.1234, theta: 3.71 },
          { level0: -3, alpha: 0.99, theta: 1 },
        ]) {
          const first = dynamic ? 2 : 0;
          const scale = 17.25;
          const fitted = new Float64Array(x.length);
          runTwoLines(x, p, dynamic, line, fitted);
          let expected = 0;
          for (let t = first; t < x.length; t++) expected += ((x[t] - fitted[t]) / scale) ** 2;
          assert.ok(Object.is(twoLinesSse(x, p, dynamic, line, first, scale), expected));
        }
      }
    }
  });
  test("simulateTwoLines draws the paths of stepping nextMean and update, bit for bit", () => {
    const x = Float64Array.from(AIR_PASSENGERS);
    const h = 7;
    const paths = 5;
    const normals = Float64Array.from({ length: paths * h }, (_, i) => Math.sin(i * 1.7) * 1.3);
    for (const dynamic of [false, true]) {
      const p = { level0: 101.7, alpha: 0.3217, theta: 2.37 };
      const line = leastSquaresLine(x);
      const state = runTwoLines(x, p, dynamic, line);
      const out = new Float64Array(paths * h);
      simulateTwoLines(p, state, dynamic, 4.5, normals, paths, h, out);
      // The same recursion stepped by hand with runTwoLines on the series extended by each path's draws.
      for (let path = 0; path < paths; path++) {
        const extended = Float64Array.from([...x, ...new Array(h).fill(0)]);
        for (let j = 0; j < h; j++) {
          const fitted = new Float64Array(extended.length);
          runTwoLines(extended.subarray(0, x.length + j + 1), p, dynamic, line, fitted);
          const expected = (fitted[x.length + j] as number) + 4.5 * (normals[path * h + j] as number);
          assert.ok(Object.is(out[path * h + j], expected), `path ${path} step ${j}`);
          extended[x.length + j] = expected;
        }
      }
    }
  });
});
