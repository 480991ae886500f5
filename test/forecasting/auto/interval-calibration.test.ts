import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  applyCalibration,
  calibrationFor,
  confirmedCalibration,
  learnCalibration,
  SPREAD_GRID,
  SpreadSums,
  shrunkTowards,
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
    // grows as 0.1·(s − 2), so s = 2; the p10 loss 0.1·s is smallest at the grid's lowest factor, 0.1.
    const sums = new SpreadSums(LEVELS, 2);
    for (let k = 0; k < 3; k++) sums.add([2, 2], forecast([0, 0], [-1, -1], [1, 1]));
    const c = learnCalibration(sums.state(), false);
    assert.deepEqual(c.levels, LEVELS);
    assert.equal(SPREAD_GRID[0], 0.1);
    assert.ok(Math.abs((c.factors[0]?.[0] as number) - 0.1) < 1e-9);
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

  test("coverage: each level's factor puts the level's share of backtest points below it", () => {
    // Centre 0, band ±1; actuals 0.5, 1, …, 5 and −0.5, −1, …, −5 (20 points). p90 needs 18 below: the 10
    // negatives and 8 of the positives, 0.5·i < s for i ≤ 8 and not i = 9: s ∈ (4.0, 4.5], nearest 1: 4.05. p10 needs
    // 2 below −s: 0.5·i > s for i = 9, 10 only: s ∈ [4.0, 4.5), nearest 1: 4.0.
    const sums = new SpreadSums(LEVELS, 1);
    for (let i = 1; i <= 10; i++) {
      sums.add([0.5 * i], forecast([0], [-1], [1]));
      sums.add([-0.5 * i], forecast([0], [-1], [1]));
    }
    const c = learnCalibration(sums.state(), false, undefined, "coverage");
    assert.equal(c.factors[0]?.[0], 4);
    assert.equal(c.factors[2]?.[0], 4.05);
    assert.deepEqual(c.factors[1], [1]);
  });

  test("scaled: every series window weighs alike, pinball lets the largest decide", () => {
    // Nine small windows (actual 1, p90 at 1: factor 1 is right) and one large (actual 200, p90 at 100: factor 2).
    // Pinball loss of p90 between factors 1 and 2 falls by 90 per unit from the large window and grows by 9 × 0.1
    // from the small ones: 2. Each window divided by its mean |actual|, the large one's fall is 0.45: 1. p10 sits
    // at the centre (no spread to scale): every factor ties, and it keeps 1.
    const sums = new SpreadSums(LEVELS, 1);
    for (let i = 0; i < 9; i++) sums.add([1], forecast([0], [0], [1]));
    sums.add([200], forecast([0], [0], [100]));
    const state = sums.state();
    assert.equal(learnCalibration(state, false, undefined, "pinball").factors[2]?.[0], 2);
    assert.equal(learnCalibration(state, false, undefined, "scaled").factors[2]?.[0], 1);
    // Coverage: 9 of 10 below p90 for any factor in (1, 2]: the nearest to 1 of them.
    assert.equal(learnCalibration(state, false, undefined, "coverage").factors[2]?.[0], 1.05);
    for (const objective of ["pinball", "scaled", "coverage"] as const)
      assert.equal(learnCalibration(state, false, undefined, objective).factors[0]?.[0], 1);
  });

  test("calibrationFor: always, confirmed, or nothing when every factor is 1", () => {
    const sums = new SpreadSums(LEVELS, 1, 2);
    sums.add([2], forecast([0], [-1], [1]), 1);
    sums.add([0.5], forecast([0], [-1], [1]), 0);
    const always = calibrationFor(sums.state(), { objective: "pinball", perStep: true, confirm: false });
    assert.ok(always);
    // Over both windows the p90 loss 0.9·(2 − s)⁺ + 0.1·(s − 2)⁺ + 0.9·(0.5 − s)⁺ + 0.1·(s − 0.5)⁺ is least at 2.
    assert.equal(always.factors[2]?.[0], 2);
    assert.equal(
      calibrationFor(sums.state(), { objective: "pinball", perStep: true, confirm: true }),
      undefined,
    );
    // Actuals on the band's edges ask for no change: no calibration at all.
    const neutral = new SpreadSums(LEVELS, 1, 1);
    neutral.add([1], forecast([0], [-1], [1]));
    neutral.add([-1], forecast([0], [-1], [1]));
    assert.equal(
      calibrationFor(neutral.state(), { objective: "pinball", perStep: false, confirm: false }),
      undefined,
    );
  });

  test("merging keeps the scaled losses and the counts below", () => {
    const a = new SpreadSums(LEVELS, 1);
    const b = new SpreadSums(LEVELS, 1);
    a.add([5], forecast([1], [0], [2]));
    b.add([-3], forecast([1], [0], [2]));
    const merged = SpreadSums.merge([a.state(), b.state()]);
    merged.scaledLoss.forEach((v, i) => {
      assert.ok(
        Math.abs(v - ((a.state().scaledLoss[i] as number) + (b.state().scaledLoss[i] as number))) < 1e-12,
      );
    });
    assert.deepEqual(
      merged.below,
      a.state().below.map((v, i) => v + (b.state().below[i] as number)),
    );
  });

  test("shared: one factor for the band, chosen on the points inside it or on both levels' loss", () => {
    // Actuals 0.5, 1, …, 5 above a centre 0 with band ±1 (a forecast biased low). Per level, p90 needs 9 of 10 below
    // it: s ∈ (4.5, 5], so 4.55; p10 can have none below it at any factor and keeps 1. Shared, the band needs 8
    // inside: 0.5·i < s for i ≤ 8: s ∈ (4.0, 4.5], so 4.05. Shared pinball: the slope of the summed loss is
    // 2 − #(0.5·i > s), zero from 4.0 to 4.5: the flat stretch's factor nearest 1, 4.0.
    const sums = new SpreadSums(LEVELS, 1);
    for (let i = 1; i <= 10; i++) sums.add([0.5 * i], forecast([0], [-1], [1]));
    const state = sums.state();
    const perLevel = learnCalibration(state, false, undefined, "coverage");
    assert.equal(perLevel.factors[0]?.[0], 1);
    assert.equal(perLevel.factors[2]?.[0], 4.55);
    const band = learnCalibration(state, false, undefined, "coverage", true);
    assert.deepEqual(band.factors, [[4.05], [1], [4.05]]);
    const pinball = learnCalibration(state, false, undefined, "pinball", true);
    assert.deepEqual(pinball.factors, [[4], [1], [4]]);
  });

  test("recency: window w counts recency^w, so the latest window (0) can outweigh the older ones", () => {
    // p90 at +1 around 0; actuals 2 in window 0 and 4 in windows 1 and 2. The p90 factor minimises
    // Σ_w r^w·ρ0.9(y_w − s), the weighted 0.9-quantile of the actuals. Alike (r = 1): between 2 and 4 the slope is
    // 0.1·1 − 0.9·2 < 0, so s = 4. With r = 0.1 (weights 1, 0.1, 0.01): 0.1·1 − 0.9·0.11 = 0.001 > 0, so s = 2.
    const sums = new SpreadSums(LEVELS, 1, 3);
    sums.add([2], forecast([0], [-1], [1]), 0);
    sums.add([4], forecast([0], [-1], [1]), 1);
    sums.add([4], forecast([0], [-1], [1]), 2);
    const alike = calibrationFor(sums.state(), { objective: "pinball", perStep: false, confirm: false });
    assert.equal(alike?.factors[2]?.[0], 4);
    const half = calibrationFor(sums.state(), {
      objective: "pinball",
      perStep: false,
      confirm: false,
      recency: 0.5,
    });
    assert.equal(half?.factors[2]?.[0], 4);
    const recent = calibrationFor(sums.state(), {
      objective: "pinball",
      perStep: false,
      confirm: false,
      recency: 0.1,
    });
    assert.equal(recent?.factors[2]?.[0], 2);
    // Coverage, band: with r = 0.1 the latest window's point decides: inside at s > 2, so the grid's 2.05.
    const band = calibrationFor(sums.state(), {
      objective: "coverage",
      perStep: false,
      confirm: false,
      shared: true,
      recency: 0.1,
    });
    assert.equal(band?.factors[2]?.[0], 2.05);
  });

  test("shrink: per-step factors move geometrically towards the factor shared by the steps", () => {
    assert.deepEqual(
      shrunkTowards({ levels: LEVELS, factors: [[4, 1]] }, { levels: LEVELS, factors: [[1]] }, 0.5).factors,
      [[2, 1]],
    );
    // As in "per step": own p90 factors 1 and 3, the shared one 3; halfway (geometrically): √3 and 3.
    const sums = new SpreadSums(LEVELS, 2);
    sums.add([1, 3], forecast([0, 0], [-1, -1], [1, 1]));
    const c = calibrationFor(sums.state(), {
      objective: "pinball",
      perStep: true,
      confirm: false,
      shrink: 0.5,
    });
    assert.ok(Math.abs((c?.factors[2]?.[0] as number) - Math.sqrt(3)) < 1e-12);
    assert.ok(Math.abs((c?.factors[2]?.[1] as number) - 3) < 1e-12);
    assert.deepEqual(c?.factors[1], [1, 1]);
    // shrink 0: the shared factor at every step; 1: the steps' own.
    const none = calibrationFor(sums.state(), {
      objective: "pinball",
      perStep: true,
      confirm: false,
      shrink: 0,
    });
    assert.deepEqual(none?.factors[2], [3, 3]);
    const own = calibrationFor(sums.state(), {
      objective: "pinball",
      perStep: true,
      confirm: false,
      shrink: 1,
    });
    assert.deepEqual(own?.factors[2], [1, 3]);
  });
});
