import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type CesKind, CesModel, cesSse, FittedCes, runCes, stablePair } from "../../src/forecasting/ces.js";
import { AIR_PASSENGERS } from "./fixtures.js";

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

// Hand computation of the non-seasonal CES recursion (Svetunkov, Kourentzes & Ord 2022) on y = 1, 3, 2, 4, 3, 5
// with a0 + i·a1 = 1.3 + 0.9i, from ℓ0 = mean(y) = 3 and c0 = ℓ0/1.1.
const Y = Float64Array.of(1, 3, 2, 4, 3, 5);
const PARAMS = { a0: 1.3, a1: 0.9, b0: 1, b1: 1, gamma: 0 };
const empty = () => new Float64Array(1);

describe("Complex exponential smoothing", () => {
  test("cesSse, the optimiser's objective, is runCes's SSE bit for bit in every form, and leaves the start as it was", () => {
    const y = Float64Array.from(AIR_PASSENGERS);
    const m = 12;
    const seasonal = () => Float64Array.from({ length: m }, (_, i) => Math.sin(i) * 20 - 0.5);
    const start = {
      level: 120.5,
      potential: 109.3,
      seasonLevel: seasonal(),
      seasonPotential: seasonal().map((v) => v / 1.1),
      season: seasonal().map((v) => v * 0.7),
    };
    const copy = structuredClone(start);
    const scratch = structuredClone(start);
    scratch.season.fill(99); // stale contents must not leak into the next run
    const params = [
      { a0: 1.3, a1: 1, b0: 1.3, b1: 1, gamma: 0.1 },
      { a0: 1.0123, a1: 0.987, b0: 1.21, b1: 0.93, gamma: 0.37 },
    ];
    for (const kind of ["N", "S", "P", "F"] as CesKind[]) {
      for (const p of params) {
        for (const [period, from] of [
          [m, m],
          [m, 0],
          [1, 0],
        ] as const) {
          if (period === 1 && kind !== "N") continue;
          const expected = runCes(y, kind, p, start, period, from).sse;
          assert.ok(
            Object.is(cesSse(y, kind, p, start, period, from, scratch), expected),
            `${kind} ${period} ${from}`,
          );
        }
      }
    }
    assert.deepEqual(start, copy);
  });

  test("the non-seasonal recursion: final ℓ, c and SSE", () => {
    const start = {
      level: 3,
      potential: 3 / 1.1,
      seasonLevel: empty(),
      seasonPotential: empty(),
      season: empty(),
    };
    const { sse, state } = runCes(Y, "N", PARAMS, start, 1, 0);
    close(state.level, 3.170936);
    close(state.potential, 7.9902843636363645);
    close(sse, 18.159264396747105);
  });

  test("forecasts w·F^(j−1)·x and variances σ²·(1 + ψ1² + …) with ψ1 = a0 − a1, ψ2 = ψ1 − (1 − a1)(a0 + a1)", () => {
    const state = {
      level: 3.170936,
      potential: 7.9902843636363645,
      seasonLevel: empty(),
      seasonPotential: empty(),
      season: empty(),
    };
    const fitted = new FittedCes({ kind: "N", params: PARAMS, state, sigma2: 1, aicc: 0, period: 1 }, 6);
    const f = fitted.forecast(3, [0.5, 0.8413447460685429]);
    const means = [3.170936, 2.371907563636364, 2.294522494545455];
    const sds = [1, Math.sqrt(1 + 0.16), Math.sqrt(1 + 0.16 + 0.0324)];
    for (let j = 0; j < 3; j++) {
      close(f.mean[j], means[j]);
      close(f.quantiles[1][j] - f.mean[j], sds[j], 1e-7);
    }
  });

  test("stability: 1.3 + 1i is inside the region, 3 + 1i is not", () => {
    assert.equal(stablePair(1.3, 1), true);
    assert.equal(stablePair(3, 1), false);
  });

  test("a seasonal series gets a seasonal form and forecasts its pattern", () => {
    const n = 120;
    const y = new Float64Array(n + 12);
    for (let t = 0; t < y.length; t++)
      y[t] = 100 + 0.2 * t + 20 * Math.sin((2 * Math.PI * t) / 12) + ((t * 7) % 5) - 2;
    const fitted = new CesModel().fit(y.subarray(0, n), { period: 12 });
    assert.ok(fitted instanceof FittedCes);
    assert.notEqual((fitted as FittedCes).fit.kind, "N");
    const f = fitted.forecast(12, [0.5]);
    let err = 0;
    for (let j = 0; j < 12; j++) err += Math.abs(f.mean[j] - y[n + j]) / 12;
    assert.ok(err < 4, `MAE ${err}`);
  });

  test("AirPassengers: finite, ordered quantiles for two years", () => {
    const f = new CesModel().fit(AIR_PASSENGERS, { period: 12 }).forecast(24, [0.1, 0.5, 0.9]);
    for (let j = 0; j < 24; j++) {
      assert.ok(Number.isFinite(f.mean[j]));
      assert.ok(f.quantiles[0][j] < f.quantiles[1][j] && f.quantiles[1][j] < f.quantiles[2][j]);
    }
  });
});
