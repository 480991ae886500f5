import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { forecastGlobalArEnsemble, isGlobalArEnsemble } from "../../../src/forecasting/global-ar/ensemble.js";
import { dampGrowth, learnGrowthDamping } from "../../../src/forecasting/global-ar/growth-damping.js";
import {
  backtestGlobalArSet,
  fitGlobalArSet,
  forecastGlobalArSet,
  growthDampingOf,
} from "../../../src/forecasting/global-ar/index.js";

const close = (a: number, b: number, tol: number, what = "") =>
  assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (tolerance ${tol})`);

/** A forecast of 10% growth a step from the last value 100, with p10/p90 at ×0.9 and ×1.1 the mean. */
const growing = () => {
  const mean = Float64Array.from([110, 121, 133.1]);
  return { mean, quantiles: [mean.map((v) => 0.9 * v), mean.map((v) => 1.1 * v)] };
};

describe("dampGrowth", () => {
  test("shrink: step k's log-growth times φ^(k−1); the quantiles move with the mean", () => {
    const d = dampGrowth(growing(), 100, 0.5, "shrink");
    const g = Math.log(1.1);
    // Log-growths g, 2g, 3g become g, 2g·0.5, 3g·0.25.
    [g, g, 0.75 * g].forEach((want, k) => {
      close(Math.log((d.mean[k] as number) / 100), want, 1e-12, `step ${k + 1}`);
      close((d.quantiles[0] as Float64Array)[k] as number, 0.9 * (d.mean[k] as number), 1e-9);
      close((d.quantiles[1] as Float64Array)[k] as number, 1.1 * (d.mean[k] as number), 1e-9);
    });
  });

  test("damp: step k's increment times φ^(k−1), as a damped trend (g, g + φg, g + φg + φ²g)", () => {
    const d = dampGrowth(growing(), 100, 0.5, "damp");
    const g = Math.log(1.1);
    [g, 1.5 * g, 1.75 * g].forEach((want, k) => {
      close(Math.log((d.mean[k] as number) / 100), want, 1e-12, `step ${k + 1}`);
    });
  });

  test("φ = 1 keeps the forecast, φ = 0 repeats step 1 (shrink: the last value after it)", () => {
    const f = growing();
    assert.equal(dampGrowth(f, 100, 1), f);
    assert.deepEqual(Array.from(dampGrowth(f, 100, 0, "shrink").mean), [110, 100, 100]);
    const flat = dampGrowth(f, 100, 0, "damp").mean;
    for (const [k, v] of [110, 110, 110].entries()) close(flat[k] as number, v, 1e-9);
  });

  test("no log-growth where the last value or a mean is not positive: unchanged", () => {
    const f = growing();
    assert.equal(dampGrowth(f, 0, 0.5), f);
    const withZero = { mean: Float64Array.from([1, 0, 2]), quantiles: [] };
    assert.equal(dampGrowth(withZero, 1, 0.5), withZero);
  });
});

describe("learnGrowthDamping", () => {
  test("picks the grid's φ whose damped forecast fits the actuals: 0.5 for growth g, g, 0.75g; 1 for 3g", () => {
    const g = Math.log(1.1);
    const actual = [g, g, 0.75 * g].map((v) => 100 * Math.exp(v));
    assert.equal(learnGrowthDamping([{ forecast: growing(), last: 100, actual }]), 0.5);
    assert.equal(learnGrowthDamping([{ forecast: growing(), last: 100, actual: [110, 121, 133.1] }]), 1);
    // A flat future after step 1: the most damping.
    assert.equal(learnGrowthDamping([{ forecast: growing(), last: 100, actual: [110, 100, 100] }]), 0);
  });

  test("missing actuals are left out; no usable point leaves φ at 1", () => {
    assert.equal(learnGrowthDamping([]), 1);
    const g = Math.log(1.1);
    const actual = [Number.NaN, 100 * Math.exp(g), Number.NaN];
    assert.equal(learnGrowthDamping([{ forecast: growing(), last: 100, actual }]), 0.5);
  });

  test("the scaled error weighs each case by its scale", () => {
    // Case A wants no damping, case B full damping; B's errors count 10× less with scale 10.
    const a = { forecast: growing(), last: 100, actual: [110, 121, 133.1], scale: 1 };
    const b = { forecast: growing(), last: 100, actual: [110, 100, 100], scale: 10 };
    assert.equal(learnGrowthDamping([a, b], "shrink", "scaled"), 1);
    assert.equal(
      learnGrowthDamping(
        [
          { ...a, scale: 10 },
          { ...b, scale: 1 },
        ],
        "shrink",
        "scaled",
      ),
      0,
    );
  });
});

describe("the AutoPredictor's pooled autoregression damps yearly growth", () => {
  /** Series growing 10% a year, then flat for their last 6 years: the pooled growth of the latest origins overshoots. */
  function set(period: number) {
    const series = Array.from({ length: 12 }, (_, i) => {
      const n = 30;
      const y = new Float64Array(n);
      y[0] = 50 + 10 * i;
      for (let t = 1; t < n; t++) {
        const wobble = 1 + 0.003 * (((i * 7 + t * 3) % 5) - 2);
        y[t] = (y[t - 1] as number) * (t < n - 6 ? 1.1 : 1) * wobble;
      }
      return { target: y, timestamps: Float64Array.from(y, (_, t) => Date.UTC(1990 + t, 0, 1)) };
    });
    return { frequency: period === 1 ? "Y" : "3M", period, horizon: 2, series } as unknown as Parameters<
      typeof fitGlobalArSet
    >[0];
  }
  const fill = (y: Float64Array) => y;
  const levels = [0.1, 0.5, 0.9];
  const cutoffs = [2, 4];

  test("the final fit learns the φ of the backtests, and the backtests are damped by it", () => {
    const yearly = set(1);
    const model = fitGlobalArSet(yearly, levels, 0, fill, cutoffs);
    assert.ok(isGlobalArEnsemble(model));
    const undamped = cutoffs.map((c) =>
      forecastGlobalArSet(fitGlobalArSet(yearly, levels, c, fill), yearly, c, fill),
    );
    const phi = growthDampingOf(yearly, cutoffs, undamped, fill);
    assert.equal(model.growthDamping, phi);
    // The windows before the end hold 2 flat years after 4+ years of growth: damping must help there.
    assert.ok(phi < 1, `φ ${phi}`);
    const backtests = backtestGlobalArSet(yearly, levels, cutoffs, fill);
    for (const [j, forecasts] of backtests.entries()) {
      for (const [i, f] of forecasts.entries()) {
        const y = yearly.series[i]?.target as Float64Array;
        const last = y[y.length - (cutoffs[j] as number) - 1] as number;
        assert.deepEqual(f, dampGrowth(undamped[j]?.[i] as typeof f, last, phi));
      }
    }
    // The final forecast is the undamped ensemble's, damped by the same φ over each series' last value.
    const plain = { ...model, growthDamping: undefined };
    const y0 = yearly.series[0]?.target as Float64Array;
    const s = { y: y0, phase: 0 };
    assert.deepEqual(
      forecastGlobalArEnsemble(model, s),
      dampGrowth(forecastGlobalArEnsemble(plain, s), y0[y0.length - 1] as number, phi),
    );
  });

  test("a damped model survives JSON and forecasts the same after it", () => {
    const yearly = set(1);
    const model = fitGlobalArSet(yearly, levels, 0, fill, cutoffs);
    const again = JSON.parse(JSON.stringify(model));
    assert.deepEqual(
      forecastGlobalArSet(again, yearly, 0, fill),
      forecastGlobalArSet(model, yearly, 0, fill),
    );
  });

  test("seasonal data and a fit without backtest cutoffs are not damped", () => {
    const quarterly = set(4);
    const model = fitGlobalArSet(quarterly, levels, 0, fill, cutoffs);
    assert.ok(isGlobalArEnsemble(model) && model.growthDamping === undefined);
    const backtests = backtestGlobalArSet(quarterly, levels, cutoffs, fill);
    assert.deepEqual(
      backtests[0],
      forecastGlobalArSet(fitGlobalArSet(quarterly, levels, 2, fill), quarterly, 2, fill),
    );
    const plain = fitGlobalArSet(set(1), levels, 0, fill);
    assert.ok(isGlobalArEnsemble(plain) && plain.growthDamping === undefined);
  });
});
