import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  applyCalibration,
  confirmedCalibration,
  learnCalibration,
  SpreadSums,
} from "../../../src/forecasting/auto/interval-calibration.js";
import type { SeriesForecast } from "../../../src/forecasting/model.js";

const LEVELS = [0.1, 0.5, 0.9];
const forecast = (centre: number[], lower: number[], upper: number[]): SeriesForecast => ({
  mean: Float64Array.from(centre),
  quantiles: [Float64Array.from(lower), Float64Array.from(centre), Float64Array.from(upper)],
});

describe("interval calibration", () => {
  test("each level's factor minimises its pinball loss over the backtest points", () => {
    // Centre 0, p10 at −1, p90 at +1. Actual 2 at every point: the p90 loss 0.9·(2 − s) falls until s = 2 and then
    // grows as 0.1·(s − 2), so s = 2; the p10 loss 0.1·s is smallest at the grid's lowest factor, 0.5.
    const sums = new SpreadSums(LEVELS, 2);
    for (let k = 0; k < 3; k++) sums.add([2, 2], forecast([0, 0], [-1, -1], [1, 1]));
    const c = learnCalibration(sums.state(), false);
    assert.deepEqual(c.levels, LEVELS);
    assert.ok(Math.abs((c.factors[0]?.[0] as number) - 0.5) < 1e-9);
    assert.deepEqual(c.factors[1], [1, 1]);
    assert.ok(Math.abs((c.factors[2]?.[0] as number) - 2) < 1e-9);
    assert.ok(Math.abs((c.factors[2]?.[1] as number) - 2) < 1e-9);
  });

  test("per step: each horizon step gets its own factor", () => {
    // Step 0: the actual sits at the p90 (factor 1); step 1: three times as far (factor 3).
    const sums = new SpreadSums(LEVELS, 2);
    sums.add([1, 3], forecast([0, 0], [-1, -1], [1, 1]));
    const c = learnCalibration(sums.state(), true);
    assert.ok(Math.abs((c.factors[2]?.[0] as number) - 1) < 1e-9);
    assert.ok(Math.abs((c.factors[2]?.[1] as number) - 3) < 1e-9);
    // Over both steps the p90 loss is 0.9·[(1 − s)⁺ + (3 − s)⁺] + 0.1·[(s − 1)⁺ + (s − 3)⁺]: least at s = 3.
    const pooled = learnCalibration(sums.state(), false);
    assert.ok(Math.abs((pooled.factors[2]?.[0] as number) - 3) < 1e-9);
  });

  test("chunks' sums merge to the sums of all points", () => {
    const a = new SpreadSums(LEVELS, 1);
    const b = new SpreadSums(LEVELS, 1);
    const all = new SpreadSums(LEVELS, 1);
    a.add([5], forecast([1], [0], [2]));
    b.add([-3], forecast([1], [0], [2]));
    all.add([5], forecast([1], [0], [2]));
    all.add([-3], forecast([1], [0], [2]));
    const merged = SpreadSums.merge([a.state(), b.state()]);
    assert.deepEqual(merged.points, all.state().points);
    merged.loss.forEach((v, i) => {
      assert.ok(Math.abs(v - (all.state().loss[i] as number)) < 1e-9);
    });
  });

  test("confirmed: used only where the most recent window (0) scores better with the older windows' factors", () => {
    // Window 1 asks for p10 × 0.5 and p90 × 2 (actual 2 against a band of ±1).
    const confirmed = new SpreadSums(LEVELS, 1, 2);
    confirmed.add([2], forecast([0], [-1], [1]), 1);
    confirmed.add([2], forecast([0], [-1], [1]), 0);
    const c = confirmedCalibration(confirmed.state(), true);
    assert.ok(c);
    assert.ok(Math.abs((c.factors[2]?.[0] as number) - 2) < 1e-9);
    // In window 0 the actual is 0.5: p90 × 2 costs 0.1 of loss, p10 × 0.5 saves 0.05: not confirmed.
    const refuted = new SpreadSums(LEVELS, 1, 2);
    refuted.add([2], forecast([0], [-1], [1]), 1);
    refuted.add([0.5], forecast([0], [-1], [1]), 0);
    assert.equal(confirmedCalibration(refuted.state(), true), undefined);
    // One window: nothing to confirm on.
    const single = new SpreadSums(LEVELS, 1, 1);
    single.add([2], forecast([0], [-1], [1]));
    assert.equal(confirmedCalibration(single.state(), false), undefined);
  });

  test("applying moves each level away from the median by its factor, the median and mean unchanged", () => {
    const f = forecast([10, 20], [8, 15], [11, 30]);
    f.mean = Float64Array.from([9, 19]);
    applyCalibration(f, {
      levels: LEVELS,
      factors: [
        [0.5, 2],
        [1, 1],
        [2, 1],
      ],
    });
    assert.deepEqual(Array.from(f.quantiles[0] as Float64Array), [9, 10]);
    assert.deepEqual(Array.from(f.quantiles[1] as Float64Array), [10, 20]);
    assert.deepEqual(Array.from(f.quantiles[2] as Float64Array), [12, 30]);
    assert.deepEqual(Array.from(f.mean), [9, 19]);
  });

  test("without a p50 the mean is the centre", () => {
    const f: SeriesForecast = { mean: Float64Array.from([10]), quantiles: [Float64Array.from([7])] };
    applyCalibration(f, { levels: [0.2], factors: [[2]] });
    assert.deepEqual(Array.from(f.quantiles[0] as Float64Array), [4]);
  });
});
