import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SERIES_CHOICE, seriesWeights, soleComponent } from "../../../src/forecasting/auto/combined-model.js";
import { combined, learnWeights, simplexGrid, WeightLearner } from "../../../src/forecasting/auto/weights.js";
import { finishForecast, weightedForecast } from "../../../src/forecasting/combination.js";
import type { SeriesForecast } from "../../../src/forecasting/model.js";

const f = (mean: number[], ...quantiles: number[][]): SeriesForecast => ({
  mean: Float64Array.from(mean),
  quantiles: quantiles.map((q) => Float64Array.from(q)),
});
const close = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  assert.deepEqual(
    Array.from(a, (x) => Number(x.toFixed(12))),
    Array.from(b, (x) => Number(x.toFixed(12))),
  );

describe("weighted combination", () => {
  test("Σ w·f for the mean and each quantile level, level by level", () => {
    const c = weightedForecast([f([10, 20], [8, 18], [12, 22]), f([0, 40], [-2, 30], [2, 50])], [0.75, 0.25]);
    close(c.mean, [7.5, 25]);
    close(c.quantiles[0] as Float64Array, [5.5, 21]);
    close(c.quantiles[1] as Float64Array, [9.5, 29]);
  });

  test("a missing member or a zero weight is left out and the others' weights rescaled", () => {
    close(weightedForecast([f([10]), undefined, f([40])], [0.2, 0.5, 0.3]).mean, [28]);
    close(weightedForecast([f([10]), f([99])], [1, 0]).mean, [10]);
    assert.throws(() => weightedForecast([undefined, f([1])], [1, 0]), /no member/);
    assert.throws(() => weightedForecast([f([1])], [-1]), /weights/);
  });

  test("finishing makes the quantiles monotone first, then floors at 0", () => {
    // Levels asked as 0.9, 0.1: the 0.9 quantile must not lie below the 0.1 one.
    const c = finishForecast(f([-1, 5], [3, -4], [4, -6]), [0.9, 0.1], true);
    close(c.mean, [0, 5]);
    close(c.quantiles[0] as Float64Array, [4, 0]);
    close(c.quantiles[1] as Float64Array, [4, 0]);
  });
});

describe("weight learner", () => {
  test("the grid covers the simplex in steps of 0.1, the first component alone first", () => {
    const two = simplexGrid(2);
    assert.equal(two.length, 11);
    assert.deepEqual(two[0], [1, 0]);
    assert.deepEqual(two[10], [0, 1]);
    const three = simplexGrid(3);
    assert.equal(three.length, 66);
    for (const w of three) assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.deepEqual(simplexGrid(1), [[1]]);
  });

  // Actuals are exactly 0.3·a + 0.7·b: the weighting [0.3, 0.7] has no error, and is learned.
  const windows = [{ start: 0, end: 1 }];
  const levels = [0.5];
  const a = f([10, 12, 14], [10, 12, 14]);
  const b = f([20, 18, 30], [20, 18, 30]);
  const actual = Float64Array.from([17, 16.2, 25.2]);
  const history = Float64Array.from([1, 2, 3, 4]);

  test("known answer: the exact mix of two members is found", () => {
    const learner = new WeightLearner(simplexGrid(2), levels, windows, true);
    learner.add(0, actual, [a, b], history, 1);
    const learned = learnWeights([learner.state()], "WAPE");
    close(learned.weights, [0.3, 0.7]);
    assert.ok((learned.windows[0]?.ErrorMetrics[0]?.WAPE as number) < 1e-12);
    assert.equal(learned.scores.length, 11);
  });

  test("chunks merge: two chunks learn what one chunk of both learns, for every metric", () => {
    const c = f([5, 5, 5], [5, 5, 5]);
    const d = f([9, 1, 2], [9, 1, 2]);
    const other = Float64Array.from([6, 4, 4]);
    for (const metric of ["WAPE", "RMSE", "MASE", "MAPE", "AverageWeightedQuantileLoss"] as const) {
      const one = new WeightLearner(simplexGrid(2), levels, windows, true);
      one.add(0, actual, [a, b], history, 1);
      one.add(0, other, [c, d], history, 1);
      const x = new WeightLearner(simplexGrid(2), levels, windows, true);
      x.add(0, actual, [a, b], history, 1);
      const y = new WeightLearner(simplexGrid(2), levels, windows, true);
      y.add(0, other, [c, d], history, 1);
      const whole = learnWeights([one.state()], metric);
      const merged = learnWeights([x.state(), y.state()], metric);
      assert.deepEqual(merged.weights, whole.weights, metric);
      close(merged.scores, whole.scores);
    }
  });

  test("ties go to the earlier candidate (less weight on the later components)", () => {
    const learner = new WeightLearner(simplexGrid(2), levels, windows, true);
    learner.add(
      0,
      Float64Array.from([7, 7, 7]),
      [f([7, 7, 7], [7, 7, 7]), f([7, 7, 7], [7, 7, 7])],
      history,
      1,
    );
    assert.deepEqual(learnWeights([learner.state()], "WAPE").weights, [1, 0]);
  });

  test("a component without a forecast for a series leaves the others to forecast it", () => {
    const c = combined([a, undefined], [0.5, 0.5], levels, true);
    close(c?.mean as Float64Array, [10, 12, 14]);
    assert.equal(combined([undefined, b], [1, 0], levels, true), undefined);
    close(
      combined([a, f([Number.NaN, 1, 2], [1, 1, 1])], [0.5, 0.5], levels, true)?.mean as Float64Array,
      [10, 12, 14],
    );
  });
});

describe("combination record", () => {
  test("a series' weights: its own member in the choice slot, zero weights left out", () => {
    const record = { components: [SERIES_CHOICE, "global"], weights: [0.4, 0.6] };
    assert.deepEqual(
      [...seriesWeights(record, "theta")],
      [
        ["theta", 0.4],
        ["global", 0.6],
      ],
    );
    assert.deepEqual(
      [...seriesWeights({ components: [SERIES_CHOICE, "global"], weights: [1, 0] }, "arima")],
      [["arima", 1]],
    );
    // A version-1 model: the global model was a series' own choice.
    assert.deepEqual([...seriesWeights(soleComponent(SERIES_CHOICE), "global")], [["global", 1]]);
  });
});
