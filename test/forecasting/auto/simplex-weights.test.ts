import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ErrorGram, simplexLeastSquares } from "../../../src/forecasting/auto/simplex-weights.js";
import { createRng, standardNormal } from "../../../src/forecasting/rng.js";

/** Series windows: a truth, a history before it, and component forecasts built from the truth by `make`. */
function windows(
  count: number,
  make: (y: Float64Array, rand: () => number) => Float64Array[],
  seed = 1,
): { actual: Float64Array; history: Float64Array; parts: Float64Array[] }[] {
  const rand = createRng(seed);
  return Array.from({ length: count }, () => {
    const level = 10 + 100 * rand();
    const history = Float64Array.from({ length: 12 }, () => level + 5 * (rand() - 0.5));
    const actual = Float64Array.from({ length: 4 }, () => level + 5 * (rand() - 0.5));
    return { actual, history, parts: make(actual, rand) };
  });
}

describe("ErrorGram and simplexLeastSquares", () => {
  it("gives all the weight to a component that equals the truth", () => {
    const data = windows(50, (y, rand) => [
      y.map((v) => v + 3 * (rand() - 0.5)),
      Float64Array.from(y),
      y.map((v) => v * 1.1),
    ]);
    const gram = new ErrorGram(3);
    for (const d of data) gram.add(d.actual, d.parts, d.history, 1);
    assert.deepEqual(simplexLeastSquares(gram.state()), [0, 1, 0]);
  });

  it("recovers the mixture of two components whose errors cancel", () => {
    // f1 = y + 3d, f2 = y − d: the combination 0.25·f1 + 0.75·f2 is exact.
    const data = windows(40, (y, rand) => {
      const d = y.map(() => rand() - 0.5);
      return [
        y.map((v, t) => v + 3 * (d[t] as number)),
        y.map((v, t) => v - (d[t] as number)),
        y.map((v) => v + 2),
      ];
    });
    const gram = new ErrorGram(3);
    for (const d of data) gram.add(d.actual, d.parts, d.history, 1);
    const w = simplexLeastSquares(gram.state());
    assert.ok(Math.abs((w[0] as number) - 0.25) < 1e-6, `w = ${w}`);
    assert.ok(Math.abs((w[1] as number) - 0.75) < 1e-6, `w = ${w}`);
    assert.ok((w[2] as number) < 1e-9);
  });

  it("matches the closed form for two independent noisy components (weights ∝ 1/variance)", () => {
    // Errors of sd 1 and 2, independent: the least-squares weights are 4/5 and 1/5.
    const rand = createRng(7);
    const normal = () => standardNormal(rand);
    const gram = new ErrorGram(2);
    const history = Float64Array.from([0, 1]); // seasonal naive MAE 1 at lag 1: errors unscaled
    for (let i = 0; i < 20000; i++) {
      const y = Float64Array.of(0);
      gram.add(y, [Float64Array.of(normal()), Float64Array.of(2 * normal())], history, 1);
    }
    const w = simplexLeastSquares(gram.state());
    assert.ok(Math.abs((w[0] as number) - 0.8) < 0.02, `w = ${w}`);
  });

  it("merges chunks to the same answer as one chunk", () => {
    const data = windows(60, (y, rand) => [
      y.map((v) => v + 4 * (rand() - 0.3)),
      y.map((v) => v + 6 * (rand() - 0.7)),
      y.map((v) => v * (0.9 + 0.2 * rand())),
      y.map((v) => v + 1),
    ]);
    const whole = new ErrorGram(4);
    const parts = [new ErrorGram(4), new ErrorGram(4), new ErrorGram(4)];
    data.forEach((d, i) => {
      whole.add(d.actual, d.parts, d.history, 1);
      parts[i % 3]?.add(d.actual, d.parts, d.history, 1);
    });
    const merged = ErrorGram.merge(parts.map((p) => p.state()));
    const one = whole.state();
    assert.equal(merged.points, one.points);
    merged.gram.forEach((v, i) => {
      assert.ok(Math.abs(v - (one.gram[i] as number)) <= 1e-9 * Math.abs(v), `entry ${i}`);
    });
    const a = simplexLeastSquares(merged);
    const b = simplexLeastSquares(one);
    a.forEach((v, i) => {
      assert.ok(Math.abs(v - (b[i] as number)) < 1e-9);
    });
    assert.ok(Math.abs(a.reduce((s, v) => s + v, 0) - 1) < 1e-12);
    assert.ok(a.every((v) => v >= 0));
  });

  it("is the best weighting: no point of a fine grid does better", () => {
    const data = windows(30, (y, rand) => [
      y.map((v) => v + 5 * (rand() - 0.4)),
      y.map((v) => v + 5 * (rand() - 0.6)),
      y.map((v) => v * (0.95 + 0.1 * rand())),
    ]);
    const gram = new ErrorGram(3);
    for (const d of data) gram.add(d.actual, d.parts, d.history, 1);
    const s = gram.state();
    const value = (w: number[]) => {
      let v = 0;
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) v += (w[i] as number) * (w[j] as number) * (s.gram[i * 3 + j] as number);
      return v;
    };
    const best = value(simplexLeastSquares(s));
    for (let a = 0; a <= 50; a++)
      for (let b = 0; a + b <= 50; b++)
        assert.ok(value([a / 50, b / 50, (50 - a - b) / 50]) >= best - 1e-9 * best);
  });

  it("leaves out windows where a component has no finite forecast, and scales by the history", () => {
    const gram = new ErrorGram(2);
    const history = Float64Array.from([0, 2, 4]); // lag-1 MAE 2
    assert.equal(gram.add(Float64Array.of(1), [Float64Array.of(3), undefined], history, 1), false);
    assert.equal(
      gram.add(Float64Array.of(1), [Float64Array.of(3), Float64Array.of(Number.NaN)], history, 1),
      false,
    );
    assert.equal(gram.add(Float64Array.of(1), [Float64Array.of(3), Float64Array.of(0)], history, 1), true);
    const s = gram.state();
    assert.deepEqual(s.gram, [1, -0.5, -0.5, 0.25]);
    assert.equal(s.skipped, 2);
    assert.equal(s.points, 1);
  });

  it("gives the first component everything when there is no data", () => {
    assert.deepEqual(simplexLeastSquares(new ErrorGram(3).state()), [1, 0, 0]);
  });
});
