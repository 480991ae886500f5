// How the pooled autoregression (global-ar, no attribute) enters an AutoPredictor's impacts: its output does not
// move when any attribute does, so its exact Shapley values are 0 and the combination's impacts are the covariate
// model's scaled by that model's weight alone; efficiency still holds against the combined forecast, global-ar
// included (docs/decisions.md, "Explanations of a combination with a covariate-free member").
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { combineExplanations, explainGlobal } from "../../src/explain/index.js";
import { bridgeGaps } from "../../src/forecasting/auto/members.js";
import { fitGlobalModel, forecastGlobal, nPlayers } from "../../src/forecasting/global/index.js";
import { isGlobalArEnsemble } from "../../src/forecasting/global-ar/ensemble.js";
import {
  fitGlobalArSet,
  forecastGlobalArSet,
  type GlobalArComponentModel,
} from "../../src/forecasting/global-ar/index.js";
import type { SeriesSet } from "../../src/forecasting/series-set.js";
import { demandData } from "../forecasting/global/demand-data.js";

const HORIZON = 7;
const LEVELS = [0.1, 0.5, 0.9];
const { set } = demandData({ nSeries: 12, n: 120, horizon: HORIZON, seed: 5 });
const K = nPlayers(
  fitGlobalModel(set, { quantiles: [0.5], maxTrainingRows: 500, params: { nTrees: 2 } }).layout,
);

/** The set with every attribute changed: related series scaled and shifted, metadata and holidays flipped. */
function perturbed(s: SeriesSet): SeriesSet {
  return {
    ...s,
    series: s.series.map((p) => ({
      ...p,
      related: p.related.map((r) => Float64Array.from(r, (v) => 3 * v + 7)),
      metadata: Float64Array.from(p.metadata, (v) => v + 1),
      holidays: p.holidays.map((h) => Float64Array.from(h, (v) => 1 - v)),
    })),
  };
}

/** Every fitted model's coefficients: the ensemble's members', or the single model's. */
const coefficientsOf = (m: GlobalArComponentModel): number[][][] =>
  (isGlobalArEnsemble(m) ? m.members : [m]).map((member) => member.coefficients);

describe("a covariate-free member in the impacts of a combination", () => {
  const ar = fitGlobalArSet(set, LEVELS, 0, bridgeGaps);

  test("global-ar's forecasts do not depend on any attribute (so its Shapley values are exactly 0)", () => {
    assert.ok(K > 0, "the data has attributes");
    const a = forecastGlobalArSet(ar, set, 0, bridgeGaps);
    const refit = fitGlobalArSet(perturbed(set), LEVELS, 0, bridgeGaps);
    const b = forecastGlobalArSet(refit, perturbed(set), 0, bridgeGaps);
    assert.deepEqual(coefficientsOf(refit), coefficientsOf(ar));
    a.forEach((f, i) => {
      assert.ok(f.mean.every(Number.isFinite), `series ${i} has a forecast`);
      assert.deepEqual(b[i]?.mean, f.mean, `series ${i}`);
    });
  });

  test("impacts = w_global·φ_global, and they sum to the combined forecast minus its baseline (1e-9)", () => {
    const w = { global: 0.4, ar: 0.35, flat: 0.25 };
    const model = fitGlobalModel(set, { quantiles: [0.5], maxTrainingRows: 4_000, params: { nTrees: 30 } });
    const steps = Array.from({ length: HORIZON }, (_, s) => s);
    const points = [0, 4, 9].map((series) => ({ series, steps }));
    const phi = explainGlobal(model, set, points, { quantile: "mean" });
    const arForecast = forecastGlobalArSet(ar, set, 0, bridgeGaps);
    const arRows = Float64Array.from(phi.rows, (r) => arForecast[r.series]?.mean[r.step] as number);
    const flatRows = Float64Array.from(phi.rows, (r) => {
      const y = set.series[r.series]?.target as Float64Array;
      return y[y.length - 1] as number;
    });
    const combined = combineExplanations([
      { weight: w.global, raw: phi.raw, forecast: phi.forecast, baselineForecast: phi.baselineForecast },
      // Covariate-free: no impact, and its output at the baseline is its output.
      { weight: w.ar, raw: new Float64Array(phi.raw.length), forecast: arRows, baselineForecast: arRows },
      {
        weight: w.flat,
        raw: new Float64Array(phi.raw.length),
        forecast: flatRows,
        baselineForecast: flatRows,
      },
    ]);
    const raw = forecastGlobal(model, set, { raw: true });
    let shrunk = 0;
    phi.rows.forEach(({ series, step }, r) => {
      const forecast =
        w.global * (raw[series]?.mean[step] as number) +
        w.ar * (arRows[r] as number) +
        w.flat * (flatRows[r] as number);
      const atBaseline =
        w.global * (phi.baselineForecast[r] as number) +
        w.ar * (arRows[r] as number) +
        w.flat * (flatRows[r] as number);
      let sum = 0;
      for (let a = 0; a < K; a++) {
        const v = combined.raw[r * K + a] as number;
        assert.ok(Math.abs(v - w.global * (phi.raw[r * K + a] as number)) < 1e-12, `row ${r} attribute ${a}`);
        sum += v;
        shrunk += Math.abs(phi.raw[r * K + a] as number) - Math.abs(v);
      }
      assert.ok(Math.abs((combined.forecast[r] as number) - forecast) < 1e-9, `row ${r} forecast`);
      assert.ok(
        Math.abs(sum - (forecast - atBaseline)) < 1e-9,
        `row ${r}: ${sum} vs ${forecast - atBaseline}`,
      );
    });
    assert.ok(shrunk > 0, "the weights below 1 shrink the impacts");
  });
});
