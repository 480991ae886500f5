import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  averageWeightedQuantileLoss,
  mape,
  mase,
  rmse,
  smape,
  wape,
  weightedQuantileLoss,
} from "../../src/forecasting/metrics.js";

const y = [10, 20, 0, 30];
const f = [12, 15, 5, 30];
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);

describe("Amazon Forecast metrics, hand-computed", () => {
  test("wQL at 0.9: 2·(0.1·2 + 0.9·5 + 0.1·5 + 0) / 60", () => {
    close(weightedQuantileLoss(y, f, 0.9), (2 * 5.2) / 60);
  });

  test("wQL at 0.5 is WAPE of the median", () => {
    close(weightedQuantileLoss(y, f, 0.5), wape(y, f));
  });

  test("average wQL over levels", () => {
    // at 0.1: 0.9·2 + 0.1·5 + 0.9·5 = 6.8 → 2·6.8/60
    close(averageWeightedQuantileLoss(y, [f, f], [0.1, 0.9]), ((2 * 6.8) / 60 + (2 * 5.2) / 60) / 2);
  });

  test("WAPE, RMSE, MAPE, sMAPE", () => {
    close(wape(y, f), 12 / 60);
    close(rmse(y, f), Math.sqrt(54 / 4));
    close(mape(y, f), (0.2 + 0.25 + 0) / 3);
    close(smape(y, f), (400 / 22 + 1000 / 35 + 200 + 0) / 4);
  });

  test("MASE scales by the in-sample seasonal naive MAE", () => {
    // lag-2 differences of [1,3,2,6,4]: 1, 3, 2 → scale 2; MAE 3 → 1.5
    close(mase(y, f, [1, 3, 2, 6, 4], 2), 1.5);
    // too short for the season: lag 1, differences 2 → MAE 3 / 2
    close(mase(y, f, [1, 3], 12), 1.5);
  });

  test("zero denominators give NaN", () => {
    assert.ok(Number.isNaN(wape([0, 0], [1, 1])));
    assert.ok(Number.isNaN(mape([0], [1])));
    assert.ok(Number.isNaN(mase([1], [1], [5, 5, 5], 1)));
  });

  test("length mismatch throws", () => {
    assert.throws(() => wape([1, 2], [1]), RangeError);
  });
});
