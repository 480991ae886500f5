import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  GroupedErrorGram,
  groupedWeights,
  groupOf,
  groupThresholds,
  segmentedCombined,
  segmentOf,
  segmentStarts,
  seriesFeature,
} from "../../bench/accuracy/grouped-weights.js";
import { ErrorGram, simplexLeastSquares } from "../../src/forecasting/auto/simplex-weights.js";
import { combined } from "../../src/forecasting/auto/weights.js";
import type { SeriesForecast } from "../../src/forecasting/model.js";
import { createRng } from "../../src/forecasting/rng.js";

/** A window of a series of the given kind: kind 0 is forecast exactly by component 0, kind 1 by component 2. */
function window(kind: number, rand: () => number, h = 6) {
  const level = 10 + 100 * rand();
  const history = Float64Array.from({ length: 12 }, () => level + 5 * (rand() - 0.5));
  const actual = Float64Array.from({ length: h }, () => level + 5 * (rand() - 0.5));
  const noisy = () => actual.map((v) => v + 4 * (rand() - 0.5));
  const exact = Float64Array.from(actual);
  const parts = kind === 0 ? [exact, noisy(), noisy()] : [noisy(), noisy(), exact];
  return { actual, history, parts };
}

describe("grouped weights: segments and groups of series", () => {
  it("cuts the horizon into halves and thirds", () => {
    assert.deepEqual(segmentStarts(8, 2), [0, 4]);
    assert.deepEqual(segmentStarts(5, 2), [0, 3]);
    assert.deepEqual(segmentStarts(4, 3), [0, 2, 3]);
    assert.deepEqual(segmentStarts(24, 3), [0, 8, 16]);
    assert.deepEqual(segmentStarts(1, 2), [0]);
    assert.deepEqual(
      [0, 1, 2, 3, 4, 7].map((t) => segmentOf([0, 4], t)),
      [0, 0, 0, 0, 1, 1],
    );
  });

  it("places series in terciles of a feature of their history", () => {
    const t = groupThresholds([5, 1, 9, 3, 7, 2], 3);
    assert.deepEqual(t, [2, 5]);
    assert.deepEqual(
      [1, 2, 3, 5, 6, 9].map((v) => groupOf(t, v)),
      [0, 0, 1, 1, 2, 2],
    );
    assert.equal(seriesFeature("length", new Float64Array(17), 4), 17);
    // Last two seasons of period 2: |diffs| 2, 0, 2, 2 over levels 12, 10, 14, 12 → 6 / 48.
    const y = Float64Array.from([10, 10, 10, 12, 10, 14, 12]);
    assert.equal(seriesFeature("volatility", y, 2), 6 / 48);
    assert.equal(seriesFeature("volatility", new Float64Array(6), 1), 0);
  });

  it("with one group and one segment gives the dataset's weights bit for bit", () => {
    const rand = createRng(3);
    const plain = new ErrorGram(3);
    const grouped = new GroupedErrorGram(3, 1, [0]);
    for (let i = 0; i < 60; i++) {
      const w = window(i % 2, rand);
      plain.add(w.actual, w.parts, w.history, 1);
      grouped.add(0, w.actual, w.parts, w.history, 1);
    }
    const state = GroupedErrorGram.merge([grouped.state()]);
    assert.deepEqual(state.cells[0], plain.state());
    assert.deepEqual(groupedWeights(state), [simplexLeastSquares(plain.state())]);
  });

  it("gives each group of two kinds of series the weight of its own exact member", () => {
    const rand = createRng(5);
    const grouped = new GroupedErrorGram(3, 2, [0, 3]);
    for (let i = 0; i < 200; i++) {
      const w = window(i % 2, rand);
      grouped.add(i % 2, w.actual, w.parts, w.history, 1);
    }
    const weights = groupedWeights(grouped.state(), 0.1);
    assert.equal(weights.length, 4);
    // Shrunk a little toward the set (λ = 0.1) the exact member still takes nearly everything in its own group.
    for (const s of [0, 1]) {
      assert.ok((weights[s]?.[0] as number) > 0.9, `group 0 segment ${s}: ${weights[s]}`);
      assert.ok((weights[2 + s]?.[2] as number) > 0.9, `group 1 segment ${s}: ${weights[2 + s]}`);
    }
    // Shrunk as much as the set weighs (λ = 1): the set's mixture pulls it, the own member still leads.
    const pulled = groupedWeights(grouped.state(), 1);
    assert.ok((pulled[0]?.[0] as number) > 0.5 && (pulled[0]?.[0] as number) < 0.95, `${pulled[0]}`);
    // Unshrunk (λ = 0): exactly the exact member.
    const alone = groupedWeights(grouped.state(), 0);
    assert.deepEqual(alone[0], [1, 0, 0]);
    assert.deepEqual(alone[3], [0, 0, 1]);
  });

  it("learns different weights for the near and the far steps", () => {
    // Component 0 is exact on steps 1–2 and off after; component 1 the other way round.
    const rand = createRng(7);
    const grouped = new GroupedErrorGram(2, 1, [0, 2]);
    for (let i = 0; i < 50; i++) {
      const { actual, history } = window(0, rand, 4);
      const near = actual.map((v, t) => (t < 2 ? v : v + 10 * (rand() - 0.5)));
      const far = actual.map((v, t) => (t >= 2 ? v : v + 10 * (rand() - 0.5)));
      grouped.add(0, actual, [near, far], history, 1);
    }
    assert.deepEqual(groupedWeights(grouped.state()), [
      [1, 0],
      [0, 1],
    ]);
  });

  it("combines each segment's steps with that segment's weights", () => {
    const part = (v: number): SeriesForecast => ({
      mean: new Float64Array(4).fill(v),
      quantiles: [
        new Float64Array(4).fill(v - 1),
        new Float64Array(4).fill(v),
        new Float64Array(4).fill(v + 1),
      ],
    });
    const parts = [part(10), part(20)];
    const levels = [0.1, 0.5, 0.9];
    const f = segmentedCombined(
      parts,
      [
        [1, 0],
        [0.5, 0.5],
      ],
      [0, 3],
      levels,
      true,
    ) as SeriesForecast;
    assert.deepEqual(Array.from(f.mean), [10, 10, 10, 15]);
    assert.deepEqual(Array.from(f.quantiles[2] as Float64Array), [11, 11, 11, 16]);
    assert.deepEqual(
      segmentedCombined(parts, [[0.3, 0.7]], [0], levels, true),
      combined(parts, [0.3, 0.7], levels, true),
    );
  });
});
