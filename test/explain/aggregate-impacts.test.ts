import assert from "node:assert/strict";
import { test } from "node:test";
import { aggregateImpacts, ImpactAggregator } from "../../src/explain/index.js";

const close = (actual: ArrayLike<number>, expected: number[], what: string) => {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++)
    assert.ok(
      Math.abs((actual[i] as number) - (expected[i] as number)) < 1e-12,
      `${what}[${i}]: ${actual[i]}`,
    );
};

test("a price that moves the forecast both ways: magnitude is the mean |raw|, sign is that of the slope", () => {
  // Elasticity −2 around a baseline of 10: raw = −2·(price − 10); prices 8, 12, 9, 11 average to the baseline,
  // so the signed mean of raw is 0, yet the attribute moves each forecast by 4, 4, 2, 2.
  const prices = [8, 12, 9, 11];
  const raw = prices.map((p) => -2 * (p - 10));
  const agg = aggregateImpacts(["numeric"], raw, prices, [10, 10, 10, 10]);
  close(agg.magnitude, [3], "magnitude");
  assert.deepEqual(Array.from(agg.direction), [-1]);
  close(agg.signed, [-3], "signed");
  close(agg.normalized, [-1], "normalized");
  assert.equal(agg.points, 4);
});

test("promotion (numeric 0/1), holiday (categorical, baseline 0) and a no-effect attribute in one row", () => {
  // Points: [promo raw, holiday raw, noise raw], values, baselines (promo's baseline is its mean 0.25).
  const kinds = ["numeric", "categorical", "numeric"] as const;
  const raw = [
    [7.5, 0, 0.1],
    [-2.5, 0, -0.1],
    [-2.5, 6, 0.1],
    [-2.5, 0, -0.1],
  ];
  const values = [
    [1, 0, 5],
    [0, 0, 3],
    [0, 1, 5],
    [0, 0, 3],
  ];
  const baselines = raw.map(() => [0.25, 0, 4]);
  const agg = aggregateImpacts(kinds, raw.flat(), values.flat(), baselines.flat());
  close(agg.magnitude, [15 / 4, 6 / 4, 0.1], "magnitude");
  // promo: Σ raw·(x − b) = 7.5·0.75 + 3·(−2.5)(−0.25) > 0; holiday: Σ raw on holidays = 6 > 0;
  // noise: 0.1·1 + (−0.1)(−1) + 0.1·1 + (−0.1)(−1) = 0.4 > 0.
  assert.deepEqual(Array.from(agg.direction), [1, 1, 1]);
  close(agg.normalized, [1, 0.4, 0.1 / 3.75], "normalized");
});

test("a categorical attribute that lowers the forecast when it differs from its baseline code", () => {
  // Item metadata "colour": baseline code 2 (the most frequent); items of code 0 and NaN (absent) sell less.
  const agg = aggregateImpacts(["categorical"], [0, -4, -2, 0], [2, 0, Number.NaN, 2], [2, 2, 2, 2]);
  close(agg.magnitude, [1.5], "magnitude");
  assert.deepEqual(Array.from(agg.direction), [-1]);
  close(agg.normalized, [-1], "normalized");
});

test("numeric attribute whose value is constant in the scope (metadata of one series): sign of raw·(x − b)", () => {
  // A store size above its baseline lowering demand: negative slope.
  const agg = aggregateImpacts(["numeric"], [-1, -3], [120, 120], [100, 100]);
  assert.deepEqual(Array.from(agg.direction), [-1]);
  close(agg.signed, [-2], "signed");
  // Below its baseline and lowering demand: the effect rises with the value.
  assert.deepEqual(Array.from(aggregateImpacts(["numeric"], [-1, -3], [80, 80], [100, 100]).direction), [1]);
});

test("unknown values fall back to the sign of the summed raw impact; all-zero impacts give zeros", () => {
  const nan = Number.NaN;
  const agg = aggregateImpacts(["numeric", "numeric"], [-2, 0, -1, 0], [nan, 1, nan, 1], [5, 1, 5, 1]);
  close(agg.magnitude, [1.5, 0], "magnitude");
  assert.deepEqual(Array.from(agg.direction), [-1, 0]);
  close(agg.normalized, [-1, 0], "normalized");
});

test("points of forecasts that use no attribute count as zeros toward the means", () => {
  const agg = new ImpactAggregator(["numeric", "categorical"]);
  agg.add([4, -2], [12, 1], [10, 0]);
  agg.addZero();
  const r = agg.result();
  close(r.magnitude, [2, 1], "magnitude");
  close(r.normalized, [1, -0.5], "normalized");
  assert.equal(r.points, 2);
  const empty = new ImpactAggregator(["numeric"]).result();
  close(empty.normalized, [0], "nothing accumulated");
});

test("normalized scores lie in [-1, 1] and the largest magnitude is ±1", () => {
  let s = 1;
  const rand = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
  const kinds = ["numeric", "categorical", "numeric", "categorical", "numeric"] as const;
  const n = 50 * kinds.length;
  const raw = Array.from({ length: n }, rand);
  const values = Array.from({ length: n }, () => Math.round(rand() * 4));
  const baselines = Array.from({ length: n }, () => 0);
  const r = aggregateImpacts(kinds, raw, values, baselines);
  assert.ok(r.normalized.every((v) => v >= -1 && v <= 1));
  assert.equal(Math.max(...Array.from(r.normalized, Math.abs)), 1);
});

test("mismatched lengths and non-finite raw scores are refused", () => {
  assert.throws(() => aggregateImpacts(["numeric"], [1, 2], [1], [1, 2]), RangeError);
  assert.throws(() => aggregateImpacts(["numeric"], [Number.POSITIVE_INFINITY], [1], [0]), RangeError);
});
