import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { POINT_FORECAST, pointAdjustmentFor } from "../../../src/forecasting/auto/members.js";
import {
  adjustedPoint,
  applyPointAdjustment,
  explainedOutput,
  LOGNORMAL_GRID,
  learnPointFactors,
  lognormalFactors,
  MAX_LOG_SD,
  PointSums,
} from "../../../src/forecasting/auto/point-adjustment.js";
import type { SeriesForecast } from "../../../src/forecasting/model.js";
import { normalQuantile } from "../../../src/forecasting/normal.js";

const LEVELS = [0.1, 0.5, 0.9];
const Z90 = 1.2815515655446004;

/** A lognormal forecast per step: median exp(μ_t), log-sd s_t; the mean is the lognormal's. */
function lognormal(mu: number[], s: number[]): SeriesForecast {
  return {
    mean: Float64Array.from(mu, (m, t) => Math.exp(m + (s[t] as number) ** 2 / 2)),
    quantiles: [-Z90, 0, Z90].map((z) => Float64Array.from(mu, (m, t) => Math.exp(m + z * (s[t] as number)))),
  };
}

/** n actuals at the lognormal's quantiles (i + 0.5)/n: a deterministic sample of it. */
function lognormalSample(mu: number, s: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => Math.exp(mu + s * normalQuantile((i + 0.5) / n)));
}

describe("the point forecast for MAPE", () => {
  test("lognormal factors: exp(−s²) from p10 and p90, from p50 and p90 where p10 is 0, capped, 1 without", () => {
    const f = lognormal([Math.log(100), Math.log(50), Math.log(10)], [0.3, 0.5, 2]);
    const got = lognormalFactors(f, LEVELS);
    assert.ok(Math.abs((got[0] as number) - Math.exp(-0.09)) < 1e-12);
    assert.ok(Math.abs((got[1] as number) - Math.exp(-0.25)) < 1e-12);
    assert.ok(Math.abs((got[2] as number) - Math.exp(-(MAX_LOG_SD ** 2))) < 1e-12, "s = 2 is capped");
    // A forecast floored at 0: p10 = 0, s from log(p90/p50)/z.
    (f.quantiles[0] as Float64Array)[1] = 0;
    assert.ok(Math.abs((lognormalFactors(f, LEVELS)[1] as number) - Math.exp(-0.25)) < 1e-12);
    const zero: SeriesForecast = {
      mean: new Float64Array(2),
      quantiles: LEVELS.map(() => new Float64Array(2)),
    };
    assert.deepEqual(Array.from(lognormalFactors(zero, LEVELS)), [1, 1]);
    assert.deepEqual(Array.from(lognormalFactors(f, [0.5])), [1, 1, 1], "no level above the median: 1");
  });

  test("on a lognormal sample, the factor with the least MAPE from the median is exp(−s²) (to the grid)", () => {
    const s = 0.2;
    const y = lognormalSample(Math.log(100), s, 4000);
    const sums = new PointSums(1, 1);
    for (const v of y) sums.add([v], [100]);
    const [c] = learnPointFactors(sums.state(), false);
    assert.ok(Math.abs((c as number) - Math.exp(-s * s)) <= 0.0025 + 1e-9, `factor ${c}`);
    // And the exponent λ of exp(−λ·s²) learned the same way is 1 (to the grid's 0.025).
    const exps = new PointSums(1, 1, LOGNORMAL_GRID);
    for (const v of y) exps.add([v], [100], 0, [Math.exp(-s * s)]);
    const [lambda] = learnPointFactors(exps.state(), false, 0);
    assert.ok(Math.abs((lambda as number) - 1) <= 0.05, `λ ${lambda}`);
  });

  test("per-step factors, chunks merged as one, zero actuals and steps without points skipped", () => {
    const steps = 3;
    const one = new PointSums(steps, 2);
    const a = new PointSums(steps, 2);
    const b = new PointSums(steps, 2);
    // Step 0: actuals 0.9 × the point; step 1: 1.1 ×; step 2: actual 0 only (skipped).
    for (let i = 0; i < 10; i++) {
      const point = [10 + i, 20 + i, 5];
      const actual = [0.9 * (10 + i), 1.1 * (20 + i), 0];
      one.add(actual, point, i % 2);
      (i < 4 ? a : b).add(actual, point, i % 2);
    }
    const merged = PointSums.merge([a.state(), b.state()]);
    assert.deepEqual(merged.points, one.state().points);
    merged.error.forEach((v, i) => {
      assert.ok(Math.abs(v - (one.state().error[i] as number)) < 1e-9);
    });
    assert.deepEqual(learnPointFactors(merged, true), [0.9, 1.1, 1]);
  });

  test("OptimizationMetric MAPE makes the point the median; the other metrics keep the mean", () => {
    assert.deepEqual(pointAdjustmentFor("MAPE", LEVELS), { base: "median", lognormal: 0, factors: [1] });
    assert.equal(pointAdjustmentFor("MAPE", [0.1, 0.9]), undefined, "no median to take");
    for (const metric of ["AverageWeightedQuantileLoss", "WAPE", "RMSE", "MASE"] as const) {
      assert.equal(pointAdjustmentFor(metric, LEVELS), undefined);
      assert.equal(POINT_FORECAST[metric], undefined);
    }
    const f = lognormal([Math.log(100), Math.log(40)], [0.4, 0.4]);
    const point = pointAdjustmentFor("MAPE", LEVELS);
    assert.ok(point);
    const adjusted = applyPointAdjustment(
      { mean: Float64Array.from(f.mean), quantiles: f.quantiles },
      LEVELS,
      point,
    );
    assert.deepEqual(Array.from(adjusted.mean), Array.from(f.quantiles[1] as Float64Array));
    assert.ok((adjusted.mean[0] as number) < (f.mean[0] as number), "below the lognormal's mean");
    assert.equal(explainedOutput(point), 0.5);
    assert.equal(explainedOutput(undefined), "mean");
    // The full lognormal correction from the median: exp(μ − s²).
    const full = adjustedPoint(f, LEVELS, { base: "median", lognormal: 1, factors: [1] });
    assert.ok(Math.abs((full[0] as number) - Math.exp(Math.log(100) - 0.16)) < 1e-9);
  });
});
