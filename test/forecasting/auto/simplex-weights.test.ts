import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ErrorGram,
  type ErrorScale,
  objectiveText,
  simplexLeastSquares,
  windowWeight,
} from "../../../src/forecasting/auto/simplex-weights.js";
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

describe("ErrorGram's error scale per objective", () => {
  // Two series windows of two points each. The large series (actuals 100 and 300, history with lag-1 MAE 10):
  // component 1 misses each point by 10·(±1), component 2 is exact. The small series (actuals 1 and 3, history
  // MAE 1): component 1 is exact, component 2 misses each point by ±1. The errors never overlap, so the Gram is
  // diagonal, G = diag(a, b), and the simplex least-squares weights are (b, a)/(a + b).
  const large = { actual: Float64Array.of(100, 300), history: Float64Array.of(0, 10, 0) };
  const small = { actual: Float64Array.of(1, 3), history: Float64Array.of(0, 1, 0) };
  const gramOf = (scale: ErrorScale) => {
    const gram = new ErrorGram(2, scale);
    gram.add(large.actual, [Float64Array.of(110, 290), Float64Array.of(100, 300)], large.history, 1);
    gram.add(small.actual, [Float64Array.of(1, 3), Float64Array.of(2, 2)], small.history, 1);
    return gram.state();
  };
  const near = (got: number[], want: number[]) => {
    for (const [i, v] of got.entries())
      assert.ok(Math.abs(v - (want[i] as number)) < 1e-9, `${got} vs ${want}`);
  };

  it("unscaled: the large series decides (a = 200, b = 2)", () => {
    const s = gramOf("none");
    near(s.gram, [200, 0, 0, 2]);
    near(simplexLeastSquares(s), [2 / 202, 200 / 202]);
  });

  it("seasonal naive MAE: every series alike (a = 2, b = 2)", () => {
    const s = gramOf("seasonal-naive");
    near(s.gram, [2, 0, 0, 2]);
    near(simplexLeastSquares(s), [0.5, 0.5]);
  });

  it("|actual|: squared percentage errors, small actuals weigh most (a = 0.01 + 1/900, b = 1 + 1/9)", () => {
    const s = gramOf("actual");
    const a = 0.01 + 1 / 900;
    const b = 1 + 1 / 9;
    near(s.gram, [a, 0, 0, b]);
    near(simplexLeastSquares(s), [b / (a + b), a / (a + b)]);
  });

  it("window's mean |actual|: a = 200/200², b = 2/2²", () => {
    const s = gramOf("window-level");
    const a = 200 / 40000;
    const b = 2 / 4;
    near(s.gram, [a, 0, 0, b]);
    near(simplexLeastSquares(s), [b / (a + b), a / (a + b)]);
  });

  it("|actual| leaves out points whose actual is 0; unscaled keeps them and needs no history", () => {
    const pct = new ErrorGram(1, "actual");
    assert.equal(pct.add(Float64Array.of(0, 2), [Float64Array.of(1, 3)], Float64Array.of(5, 5), 1), true);
    assert.deepEqual(pct.state().gram, [0.25]);
    assert.equal(pct.state().points, 1);
    const raw = new ErrorGram(1, "none");
    assert.equal(raw.add(Float64Array.of(0, 2), [Float64Array.of(1, 3)], new Float64Array(0), 1), true);
    assert.deepEqual(raw.state().gram, [2]);
    assert.equal(raw.state().points, 2);
  });

  it("keeps its scale through state and merge, and refuses to merge sums of different scales", () => {
    const a = gramOf("actual");
    assert.equal(a.scale, "actual");
    assert.equal(ErrorGram.merge([a, gramOf("actual")]).scale, "actual");
    assert.throws(() => ErrorGram.merge([a, gramOf("none")]), /error scale/);
    assert.equal(new ErrorGram(2).state().scale, "seasonal-naive");
  });

  it("says which objective stands in for which metric", () => {
    assert.match(objectiveText("actual", "MAPE"), /percentage errors.*OptimizationMetric MAPE/);
    assert.match(objectiveText("none", "WAPE"), /unscaled.*OptimizationMetric WAPE/);
  });
});

describe("backtest windows weighted by recency", () => {
  // Three windows of 20 series: member A is exact in the latest window (0) and off by 2 in the older ones, member
  // B off by 1 in the latest and exact in the older ones. Per window and point the squared errors are A (0, 4, 4),
  // B (1, 0, 0), so with window w counting r^w: G_AA ∝ 4r + 4r², G_BB ∝ 1, G_AB = 0, and the weight on A is
  // G_BB / (G_AA + G_BB) = 1 / (1 + 4r + 4r²): 1/9 at r = 1, 1/4 at r = 0.5, 4/9 at r = 0.25, 1 at r = 0.
  const data = windows(20, (y) => [Float64Array.from(y), Float64Array.from(y)]);
  const gramAt = (r: number, windowsUsed = 3) => {
    const gram = new ErrorGram(2, "none");
    for (const d of data)
      for (let w = 0; w < windowsUsed; w++) {
        const a = w === 0 ? d.actual : d.actual.map((v) => v + 2);
        const b = w === 0 ? d.actual.map((v) => v - 1) : d.actual;
        gram.add(d.actual, [a, b], d.history, 1, windowWeight(r, w));
      }
    return gram.state();
  };

  it("weighs window w by r^w, the latest alone at r = 0", () => {
    assert.deepEqual(
      [0, 1, 2].map((w) => windowWeight(0.5, w)),
      [1, 0.5, 0.25],
    );
    assert.deepEqual(
      [0, 1, 2].map((w) => windowWeight(0, w)),
      [1, 0, 0],
    );
    assert.deepEqual(
      [0, 1, 2].map((w) => windowWeight(1, w)),
      [1, 1, 1],
    );
    assert.throws(() => windowWeight(1.5, 1), RangeError);
    assert.throws(() => windowWeight(-0.1, 1), RangeError);
  });

  it("the weight on the member exact in the latest window grows as r falls, to 1 at r = 0", () => {
    const a = [1, 0.5, 0.25, 0].map((r) => simplexLeastSquares(gramAt(r))[0] as number);
    [1 / 9, 1 / 4, 4 / 9, 1].forEach((want, i) => {
      assert.ok(Math.abs((a[i] as number) - want) < 1e-9, `r index ${i}: ${a[i]} vs ${want}`);
    });
  });

  it("r = 1 gives the unweighted sums bit for bit; r = 0 those of the latest window alone", () => {
    const plain = new ErrorGram(2, "none");
    for (const d of data)
      for (let w = 0; w < 3; w++) {
        const a = w === 0 ? d.actual : d.actual.map((v) => v + 2);
        const b = w === 0 ? d.actual.map((v) => v - 1) : d.actual;
        plain.add(d.actual, [a, b], d.history, 1);
      }
    assert.deepEqual(gramAt(1), plain.state());
    const latest = gramAt(0);
    assert.deepEqual(latest.gram, gramAt(1, 1).gram);
    assert.equal(latest.points, 20 * 4);
    assert.equal(latest.skipped, 0);
    // Near 0 the weights approach the latest window's.
    const near = simplexLeastSquares(gramAt(1e-9))[0] as number;
    assert.ok(Math.abs(near - 1) < 1e-7, `${near}`);
  });

  it("refuses a negative or non-finite window weight", () => {
    const d = data[0] as (typeof data)[number];
    const gram = new ErrorGram(2);
    assert.throws(() => gram.add(d.actual, d.parts, d.history, 1, -1), RangeError);
    assert.throws(() => gram.add(d.actual, d.parts, d.history, 1, Number.NaN), RangeError);
  });
});
