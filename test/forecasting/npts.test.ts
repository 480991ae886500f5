import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NptsModel, nptsSeasonStride } from "../../src/forecasting/npts.js";

const LEVELS = [0.1, 0.5, 0.9];

describe("NPTS", () => {
  test("is reproducible for a seed and changes with it", () => {
    const y = Float64Array.from({ length: 60 }, (_, t) => (t * 37) % 11);
    const a = new NptsModel({ seed: 7 }).fit(y, { period: 1 }).forecast(10, LEVELS);
    const b = new NptsModel({ seed: 7 }).fit(y, { period: 1 }).forecast(10, LEVELS);
    const c = new NptsModel({ seed: 8 }).fit(y, { period: 1 }).forecast(10, LEVELS);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.mean, c.mean);
  });

  test("only ever forecasts values seen in the history", () => {
    const y = Float64Array.of(3, 9, 4, 3, 9, 9, 4, 1);
    const f = new NptsModel().fit(y, { period: 1 }).forecast(6, LEVELS);
    const seen = new Set(y);
    for (const q of f.quantiles) for (const v of q) assert.ok(seen.has(v), `${v} not in history`);
  });

  test("seasonal variant copies the same phase: an alternating series stays alternating", () => {
    const y = Float64Array.from({ length: 20 }, (_, t) => (t % 2 === 0 ? 1 : 100));
    const f = new NptsModel().fit(y, { period: 2 }).forecast(4, LEVELS);
    assert.deepEqual(Array.from(f.mean), [1, 100, 1, 100]);
    assert.deepEqual(Array.from(f.quantiles[0]), [1, 100, 1, 100]);
  });

  test("uniform kernel samples the history evenly: the median of 0..99 is near 49.5", () => {
    const y = Float64Array.from({ length: 100 }, (_, t) => t);
    const f = new NptsModel({ kernelWeight: 0, samples: 2000 }).fit(y, { period: 1 }).forecast(1, [0.5]);
    assert.ok(Math.abs(f.quantiles[0][0] - 49.5) < 5);
  });

  test("a steep kernel copies the last value", () => {
    const y = Float64Array.of(5, 6, 7, 8);
    const f = new NptsModel({ kernelWeight: 1e4 }).fit(y, { period: 1 }).forecast(3, [0.1, 0.9]);
    assert.deepEqual(Array.from(f.mean), [8, 8, 8]);
  });

  test("default exponential kernel favours recent values (Amazon's GluonTS scaling)", () => {
    // Weights exp(−|T − t| / (n + h − 1)) fall to 1/e across the history: recent half more likely.
    const y = Float64Array.from({ length: 200 }, (_, t) => (t < 100 ? 0 : 1));
    const f = new NptsModel({ samples: 4000 }).fit(y, { period: 1 }).forecast(1, [0.5]);
    const pRecent = (1 - Math.exp(-100 / 200)) / (1 - Math.exp(-200 / 200));
    assert.ok(Math.abs(f.mean[0] - pRecent) < 0.03, `${f.mean[0]} vs ${pRecent}`);
  });

  test("season strides follow Amazon's NPTS time features", () => {
    assert.equal(nptsSeasonStride("15min"), 4);
    assert.equal(nptsSeasonStride("1min"), 60);
    assert.equal(nptsSeasonStride("H"), 24);
    assert.equal(nptsSeasonStride("D"), 7);
    assert.equal(nptsSeasonStride("W"), 1);
    assert.equal(nptsSeasonStride("M"), 12);
    assert.equal(nptsSeasonStride("3M"), 4);
    assert.equal(nptsSeasonStride("Y"), 1);
  });
});
