import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { WindowAccumulator } from "../../src/forecasting/auto/accuracy.js";
import { scoreForecastRows } from "../../src/forecasting/forecast-scoring.js";
import type { PreparedSeries } from "../../src/forecasting/series-set.js";

const DAY = 86_400_000;

function series(days: number[], target: number[]): PreparedSeries {
  return {
    key: ["x"],
    timestamps: Float64Array.from(days, (d) => d * DAY),
    target: Float64Array.from(target),
    related: [],
    metadata: new Float64Array(0),
    holidays: [],
  };
}

describe("scoring a stored forecast against later actuals", () => {
  test("known answers: one series scored, one without data and one off the grid left out", () => {
    const data = [
      series([0, 1, 2, 3, 4], [10, 12, 14, 16, 18]),
      // Its grid has days 0, 2, 4: the forecast's days 3 and 5 are not on it.
      series([0, 2, 4], [1, 1, 1]),
    ];
    // Forecast series 0 → data 0; 1 → no data; 2 → data 1 (off grid). Columns: mean, then p50.
    const rows = {
      seriesId: Int32Array.from([0, 0, 1, 1, 2, 2]),
      ms: Float64Array.from([3, 4, 3, 4, 3, 5], (d) => d * DAY),
      values: [Float64Array.from([15, 20, 0, 0, 1, 1]), Float64Array.from([16, 17, 0, 0, 1, 1])],
      seriesIndex: Int32Array.from([0, -1, 1]),
    };
    const { state, items } = scoreForecastRows(data, rows, {
      levels: [0.5],
      start: 3 * DAY,
      end: 4 * DAY,
      period: 1,
    });
    assert.equal(items, 1);
    const accuracy = WindowAccumulator.combine([state]);
    const mean = accuracy.ErrorMetrics.find((e) => e.ForecastType === "mean");
    // Actuals 16, 18 against 15, 20: errors 1 and -2; volume 34.
    assert.ok(mean);
    assert.ok(Math.abs(mean.WAPE - 3 / 34) < 1e-12);
    assert.ok(Math.abs(mean.RMSE - Math.sqrt(5 / 2)) < 1e-12);
    assert.ok(Math.abs(mean.MAPE - (1 / 16 + 2 / 18) / 2) < 1e-12);
    // The naive scale of the history 10, 12, 14 is 2; the mean absolute error 1.5.
    assert.ok(Math.abs(mean.MASE - 0.75) < 1e-12);
    // p50 16, 17: pinball 0 and 0.5·1, doubled, over the volume.
    const wql = accuracy.WeightedQuantileLosses[0];
    assert.ok(wql);
    assert.ok(Math.abs(wql.LossValue - 1 / 34) < 1e-12);
  });

  test("no rows: nothing scored", () => {
    const empty = {
      seriesId: new Int32Array(0),
      ms: new Float64Array(0),
      values: [],
      seriesIndex: new Int32Array(0),
    };
    const { items } = scoreForecastRows([], empty, { levels: [], start: 0, end: 0, period: 1 });
    assert.equal(items, 0);
  });
});
