import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  competitionMase,
  intervalHits,
  paperMase,
  percentErrorSum,
  pinballSum,
  pooledMape,
} from "../../src/forecasting/competition-metrics.js";

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe("tourism competition metrics, hand-computed", () => {
  test("MAPE pools every point: (10% + 25%) / 2, then with a second series of one point", () => {
    const a = percentErrorSum([100, 200], [110, 150]);
    assert.deepEqual(a, { sum: 35, points: 2 });
    close(pooledMape([a]), 17.5);
    // A second series with one point of 40% error: (35 + 40) / 3, not the mean of 17.5 and 40.
    close(pooledMape([a, percentErrorSum([50], [70])]), 25);
  });

  test("MASE scales by the in-sample lag-m naive MAE: lag 1 → 1.5 / 1.75, lag 2 → 1.5 / (5/3)", () => {
    const history = [1, 3, 2, 5, 4];
    close(competitionMase([6, 7], [5, 5], history, 1), 1.5 / 1.75);
    close(competitionMase([6, 7], [5, 5], history, 2), 0.9);
  });

  test("the paper's MASE scales over history and test together: lag 1 → 1.5 / (10/6), lag 2 → 1.5 / (9/5)", () => {
    const history = [1, 3, 2, 5, 4];
    close(paperMase([6, 7], [5, 5], history, 1), 0.9);
    close(paperMase([6, 7], [5, 5], history, 2), 1.5 / 1.8);
    // The history is not changed, and the Kaggle formula on the same forecast differs.
    assert.deepEqual(history, [1, 3, 2, 5, 4]);
    assert.notEqual(paperMase([6, 7], [5, 5], history, 1), competitionMase([6, 7], [5, 5], history, 1));
  });

  test("MASE has no lag-1 fallback: a history of m points or fewer gives NaN", () => {
    assert.ok(Number.isNaN(competitionMase([1], [1], [1, 2, 3, 4], 4)));
  });

  test("pinball sum at 0.9: 2·(0.1·2 + 0.9·5) = 9.4; interval hits count both ends", () => {
    close(pinballSum([10, 20], [12, 15], 0.9), 9.4);
    assert.equal(intervalHits([1, 2, 3, 4], [1, 0, 3.5, 0], [1, 1, 4, 5]), 2);
  });
});
