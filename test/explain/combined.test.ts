// The impacts of a weighted combination of members: Σ_m w_m·φ_m is exact (checked against brute-force Shapley
// values of the combined game) and efficient against the combined forecast, per point.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  coalitionValueBatch,
  combineExplanations,
  exactShapleyBatched,
  explainedEnsemble,
  explainGlobal,
} from "../../src/explain/index.js";
import { weightedForecast } from "../../src/forecasting/combination.js";
import { type FeatureMatrix, predict, readRow } from "../../src/forecasting/gbdt/index.js";
import {
  baselineRows,
  featureRows,
  fitGlobalModel,
  forecastGlobal,
  nPlayers,
  playerGroups,
  seriesContexts,
} from "../../src/forecasting/global/index.js";
import type { SeriesForecast } from "../../src/forecasting/model.js";
import { demandData } from "../forecasting/global/demand-data.js";

const HORIZON = 7;
const { set } = demandData({ nSeries: 12, n: 120, horizon: HORIZON, seed: 5 });
const model = fitGlobalModel(set, { quantiles: [0.5, 0.9], maxTrainingRows: 4_000, params: { nTrees: 30 } });
const steps = Array.from({ length: HORIZON }, (_, s) => s);
const points = [0, 3, 7].map((series) => ({ series, steps }));
const K = nPlayers(model.layout);

describe("impacts of a weighted combination", () => {
  test("efficiency per point against the combined forecast (1e-9)", () => {
    const alpha = 0.35;
    const phi = explainGlobal(model, set, points, { quantile: "mean" });
    // The statistical part: any forecast that ignores the attributes (here the last value, held flat).
    const statistical = (series: number): SeriesForecast => {
      const y = set.series[series]?.target as Float64Array;
      return { mean: new Float64Array(HORIZON).fill(y[y.length - 1] as number), quantiles: [] };
    };
    const raw = forecastGlobal(model, set, { raw: true });
    const stat = points.map((p) => statistical(p.series));
    const combinedRows = combineExplanations([
      {
        weight: 1 - alpha,
        raw: new Float64Array(phi.raw.length),
        forecast: Float64Array.from(
          phi.rows,
          (r, i) => stat[Math.floor(i / HORIZON)]?.mean[r.step] as number,
        ),
        baselineForecast: Float64Array.from(
          phi.rows,
          (r, i) => stat[Math.floor(i / HORIZON)]?.mean[r.step] as number,
        ),
      },
      { weight: alpha, raw: phi.raw, forecast: phi.forecast, baselineForecast: phi.baselineForecast },
    ]);
    phi.rows.forEach(({ series, step }, r) => {
      // The forecast the predictor makes (before quantile ordering and the floor), from the members' outputs.
      const forecast = weightedForecast([stat[Math.floor(r / HORIZON)], raw[series]], [1 - alpha, alpha]);
      const atBaseline =
        (1 - alpha) * (stat[Math.floor(r / HORIZON)]?.mean[step] as number) + alpha * phi.baselineForecast[r];
      let sum = 0;
      for (let a = 0; a < K; a++) sum += combinedRows.raw[r * K + a] as number;
      assert.ok(
        Math.abs((forecast.mean[step] as number) - (combinedRows.forecast[r] as number)) < 1e-9,
        `row ${r} forecast`,
      );
      assert.ok(
        Math.abs(sum - ((forecast.mean[step] as number) - atBaseline)) < 1e-9,
        `row ${r}: ${sum} vs ${(forecast.mean[step] as number) - atBaseline}`,
      );
    });
  });

  test("Σ w_m φ_m equals the brute-force Shapley values of the combined game", () => {
    // Three members: the mean ensemble, the 0.9-quantile ensemble (both use the attributes) and a constant.
    const weights = { mean: 0.5, q90: 0.2, constant: 0.3 };
    const constant = 40;
    const mean = explainGlobal(model, set, points, { quantile: "mean" });
    const q90 = explainGlobal(model, set, points, { quantile: 0.9 });
    const zeros = new Float64Array(mean.raw.length);
    const flat = new Float64Array(mean.forecast.length).fill(constant);
    const fast = combineExplanations([
      { weight: weights.mean, ...mean },
      { weight: weights.q90, ...q90 },
      { weight: weights.constant, raw: zeros, forecast: flat, baselineForecast: flat },
    ]);
    const contexts = seriesContexts(set, 0);
    const n = mean.rows.length;
    const rows = {
      series: Int32Array.from(mean.rows, (r) => r.series),
      origin: Int32Array.from(mean.rows, (r) => contexts[r.series]?.end as number),
      step: Int32Array.from(mean.rows, (r) => r.step),
    };
    const { X, scale } = featureRows(model.layout, contexts, rows);
    const B = baselineRows(model.layout, contexts, rows, X, model.typicalMetadata);
    const eMean = explainedEnsemble(model, "mean");
    const eQ90 = explainedEnsemble(model, 0.9);
    const groups = playerGroups(model.layout);
    let largest = 0;
    for (let r = 0; r < n; r++) {
      const s = scale[r] as number;
      // v(S) of the combined forecast, every coalition enumerated.
      const combinedOutput = (M: FeatureMatrix) => {
        const a = predict(eMean, M);
        const b = predict(eQ90, M);
        return a.map(
          (v, i) => s * (weights.mean * v + weights.q90 * (b[i] as number)) + weights.constant * constant,
        );
      };
      const game = coalitionValueBatch(combinedOutput, readRow(X, r), readRow(B, r), groups, K);
      const brute = exactShapleyBatched(game, K);
      for (let a = 0; a < K; a++) {
        largest = Math.max(largest, Math.abs((brute[a] as number) - (fast.raw[r * K + a] as number)));
      }
    }
    assert.ok(largest < 1e-9, `largest difference ${largest}`);
  });
});
