// The impacts of a predictor whose point forecast is the combination's median (OptimizationMetric MAPE,
// forecasting/auto/point-adjustment.ts): the combination is linear in the members' outputs level by level, so its
// median is Σ_m w_m·(member m's median), and explaining each member's median (explainedOutput) keeps efficiency:
// each row's impacts sum to the point the predictor forecasts minus its value at the baseline.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { combineExplanations, explainGlobal } from "../../src/explain/index.js";
import { bridgeGaps, pointAdjustmentFor } from "../../src/forecasting/auto/members.js";
import { explainedOutput } from "../../src/forecasting/auto/point-adjustment.js";
import { fitGlobalModel, forecastGlobal, nPlayers } from "../../src/forecasting/global/index.js";
import { fitGlobalArSet, forecastGlobalArSet } from "../../src/forecasting/global-ar/index.js";
import { demandData } from "../forecasting/global/demand-data.js";

const HORIZON = 7;
const LEVELS = [0.1, 0.5, 0.9];
const { set } = demandData({ nSeries: 10, n: 120, horizon: HORIZON, seed: 11 });

describe("explanations of a MAPE predictor's point (the combination's median)", () => {
  test("members explained at their median: impacts sum to the combined median minus its baseline (1e-9)", () => {
    const point = pointAdjustmentFor("MAPE", LEVELS);
    const quantile = explainedOutput(point);
    assert.equal(quantile, 0.5);
    const w = { global: 0.6, ar: 0.4 };
    const model = fitGlobalModel(set, { quantiles: LEVELS, maxTrainingRows: 4_000, params: { nTrees: 30 } });
    const K = nPlayers(model.layout);
    const steps = Array.from({ length: HORIZON }, (_, s) => s);
    const points = [0, 3, 8].map((series) => ({ series, steps }));
    const phi = explainGlobal(model, set, points, { quantile });
    const mean = explainGlobal(model, set, points, { quantile: "mean" });
    const ar = forecastGlobalArSet(fitGlobalArSet(set, LEVELS, 0, bridgeGaps), set, 0, bridgeGaps);
    const arMedian = Float64Array.from(phi.rows, (r) => ar[r.series]?.quantiles[1]?.[r.step] as number);
    const combined = combineExplanations([
      { weight: w.global, raw: phi.raw, forecast: phi.forecast, baselineForecast: phi.baselineForecast },
      { weight: w.ar, raw: new Float64Array(phi.raw.length), forecast: arMedian, baselineForecast: arMedian },
    ]);
    const raw = forecastGlobal(model, set, { raw: true });
    let apart = 0;
    phi.rows.forEach(({ series, step }, r) => {
      // The point the predictor forecasts (before ordering and the floor): the weighted members' medians.
      const median =
        w.global * (raw[series]?.quantiles[1]?.[step] as number) + w.ar * (arMedian[r] as number);
      const atBaseline = w.global * (phi.baselineForecast[r] as number) + w.ar * (arMedian[r] as number);
      let sum = 0;
      for (let a = 0; a < K; a++) sum += combined.raw[r * K + a] as number;
      assert.ok(Math.abs((combined.forecast[r] as number) - median) < 1e-9, `row ${r} forecast`);
      assert.ok(Math.abs(sum - (median - atBaseline)) < 1e-9, `row ${r}: ${sum} vs ${median - atBaseline}`);
      apart += Math.abs((phi.forecast[r] as number) - (mean.forecast[r] as number));
    });
    assert.ok(apart > 0, "the global model's median and mean differ, so the explained output matters");
  });
});
