import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type GlobalArSeries, pooledWindows } from "../../../src/forecasting/global-ar/global-ar.js";
import {
  fitGlobalMlp,
  forecastGlobalMlp,
  type GlobalMlpOptions,
  trainPooledMlp,
} from "../../../src/forecasting/global-mlp/global-mlp.js";

const close = (a: number, b: number, tol: number, what = "") =>
  assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (tolerance ${tol})`);

const BASE: GlobalMlpOptions = {
  horizon: 2,
  period: 1,
  lags: 1,
  scalePoints: 1,
  log: true,
  calendar: false,
  recent: 0,
  minHistory: 1,
  levels: [0.1, 0.5, 0.9],
  hidden: 0,
  steps: 3000,
  batch: 32,
  learningRate: 0.01,
  seed: 7,
};

/** Series growing by a constant factor each, 20 values: every window of series i has targets (1 + g_i)^k. */
const growing = (rates: readonly number[]): GlobalArSeries[] =>
  rates.map((g, i) => ({
    y: Float64Array.from({ length: 20 }, (_, t) => (10 + i) * (1 + g) ** t),
    phase: 0,
  }));

describe("global-mlp: the pooled network on the global-ar windows", () => {
  test("known answer: the linear model on the absolute error forecasts the median growth, not the mean", () => {
    // With one lag scaled by itself the lag feature is log(1) = 0: the model is one intercept per step, and the
    // absolute error's minimiser is the median over the windows of the log growth, here series 3's 3% a step
    // (the least squares mean would be pulled up to ~12% by the 50% series).
    const series = growing([0.01, 0.02, 0.03, 0.04, 0.5]);
    const model = fitGlobalMlp(series, BASE);
    const s = series[0] as GlobalArSeries;
    const last = s.y[s.y.length - 1] as number;
    const f = forecastGlobalMlp(model, s);
    close((f.mean[0] as number) / last, 1.03, 2e-3, "step 1");
    close((f.mean[1] as number) / last, 1.03 ** 2, 4e-3, "step 2");
    // The median is the p50; the p10 below it and the p90 above it.
    const [p10, p50, p90] = f.quantiles.map((q) => q[0] as number) as [number, number, number];
    assert.ok(p10 < p50 && p50 < p90, `${p10} < ${p50} < ${p90}`);
  });

  test("deterministic: the same data and options give the same weights bit for bit; another seed others", () => {
    const series = growing([0.01, 0.05, -0.02, 0.03]);
    const o = { ...BASE, lags: 3, hidden: 8, steps: 200 };
    const a = fitGlobalMlp(series, o);
    const b = fitGlobalMlp(series, o);
    assert.deepEqual(a.weights, b.weights);
    assert.deepEqual(a.residualQuantiles, b.residualQuantiles);
    const c = fitGlobalMlp(series, { ...o, seed: 8 });
    assert.notDeepEqual(a.weights, c.weights);
  });

  test("training lowers the absolute error, and the hidden layer fits what the linear model cannot", () => {
    // The log change follows the tent map d → 0.3 − 2|d| (chaotic on [−0.3, 0.3], so the windows cover it): a V
    // in the previous change, which a line fits badly and a few ReLUs exactly.
    const series: GlobalArSeries[] = Array.from({ length: 40 }, (_, i) => {
      const y = new Float64Array(30);
      y[0] = 100;
      let change = 0.29 * Math.sin(i + 1);
      for (let t = 1; t < 30; t++) {
        y[t] = (y[t - 1] as number) * Math.exp(change);
        change = 0.3 - 2 * Math.abs(change);
      }
      return { y, phase: 0 };
    });
    const o = { ...BASE, lags: 2, horizon: 1, scalePoints: 1, learningRate: 0.005, steps: 2000 };
    const data = pooledWindows(series, { ...o, ridge: 0 });
    const linear = trainPooledMlp(data, o);
    const network = trainPooledMlp(data, { ...o, hidden: 16 });
    assert.ok(linear.lossAfter < linear.lossBefore, `${linear.lossAfter} < ${linear.lossBefore}`);
    assert.ok(network.lossAfter < network.lossBefore, `${network.lossAfter} < ${network.lossBefore}`);
    assert.ok(
      network.lossAfter < 0.5 * linear.lossAfter,
      `network ${network.lossAfter} against linear ${linear.lossAfter}`,
    );
  });

  test("a step no window reaches forecasts as the step before it", () => {
    // Only the latest origin trains (recent 1): it reaches step 1 alone.
    const series = growing([0.01, 0.02, 0.03]);
    const model = fitGlobalMlp(series, { ...BASE, recent: 1, steps: 500 });
    const f = forecastGlobalMlp(model, series[1] as GlobalArSeries);
    assert.equal(f.mean[1], f.mean[0]);
  });

  test("options out of range are refused; an empty series forecasts NaN", () => {
    const series = growing([0.01]);
    assert.throws(() => fitGlobalMlp(series, { ...BASE, hidden: -1 }), RangeError);
    assert.throws(() => fitGlobalMlp(series, { ...BASE, batch: 0 }), RangeError);
    assert.throws(() => fitGlobalMlp(series, { ...BASE, learningRate: 0 }), RangeError);
    const model = fitGlobalMlp(series, { ...BASE, steps: 10 });
    assert.ok(Number.isNaN(forecastGlobalMlp(model, { y: new Float64Array(0), phase: 0 }).mean[0]));
  });
});
