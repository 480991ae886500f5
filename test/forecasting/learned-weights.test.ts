import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { learnSimplexWeights, weightedLoss } from "../../bench/accuracy/learned-weights.js";

describe("learned simplex weights (bench)", () => {
  test("puts the weight on the member that is exactly right", () => {
    const actuals = Float64Array.of(1, 2, 3, 4, 5);
    const problem = {
      forecasts: [Float64Array.of(1, 2, 3, 4, 5), Float64Array.of(2, 4, 1, 0, 9)],
      actuals,
      inverseScales: new Float64Array(5).fill(1),
    };
    const w = learnSimplexWeights(problem);
    assert.ok(w[0] > 0.95, `${w[0]}`);
    assert.ok(Math.abs(w[0] + w[1] - 1) < 1e-12);
  });

  test("members biased by +1 and −1 are best combined half and half (loss 0)", () => {
    const actuals = Float64Array.of(10, 20, 30, 40);
    const problem = {
      forecasts: [actuals.map((v) => v + 1), actuals.map((v) => v - 1)],
      actuals,
      inverseScales: new Float64Array(4).fill(1),
    };
    const w = learnSimplexWeights(problem);
    assert.ok(Math.abs(w[0] - 0.5) < 0.02, `${w[0]}`);
    assert.ok(weightedLoss(problem, w) < 0.05);
  });

  test("at τ = 0.9 the weight goes to the member that sits above the actuals nine times in ten", () => {
    const actuals = Float64Array.from({ length: 100 }, (_, i) => 100 + (i % 10));
    // Member 0 is the empirical 0.9 quantile of the actuals' cycle (108); member 1 is their median (104.5).
    const problem = {
      forecasts: [new Float64Array(100).fill(108), new Float64Array(100).fill(104.5)],
      actuals,
      inverseScales: new Float64Array(100).fill(1),
    };
    const w = learnSimplexWeights(problem, 300, 0.9);
    assert.ok(w[0] > 0.9, `${w[0]}`);
    assert.ok(learnSimplexWeights(problem, 300, 0.5)[1] > 0.9);
  });
});
