import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  arFromPartials,
  differencingPolynomial,
  isStationary,
  multiply,
  psiWeights,
} from "../../../src/forecasting/arima/polynomial.js";

describe("lag polynomials", () => {
  test("multiply and the differencing operator", () => {
    assert.deepEqual(Array.from(multiply(Float64Array.of(1, -1), Float64Array.of(1, -1))), [1, -2, 1]);
    // (1 − B)(1 − B^4) = 1 − B − B^4 + B^5
    assert.deepEqual(Array.from(differencingPolynomial(1, 1, 4)), [1, -1, 0, 0, -1, 1]);
  });

  test("Durbin–Levinson from partial autocorrelations", () => {
    const out = new Float64Array(3);
    arFromPartials([0.5, 0.2, -0.1], out);
    // order 2: φ1 = 0.5 − 0.2·0.5 = 0.4, φ2 = 0.2; order 3: φ1 = 0.4 + 0.1·0.2 = 0.42, φ2 = 0.2 + 0.1·0.4 = 0.24
    assert.ok(Math.abs(out[0] - 0.42) < 1e-12);
    assert.ok(Math.abs(out[1] - 0.24) < 1e-12);
    assert.ok(Math.abs(out[2] + 0.1) < 1e-12);
  });

  test("stationarity by step-down", () => {
    assert.equal(isStationary([0.5]), true);
    assert.equal(isStationary([1.2]), false);
    assert.equal(isStationary([0.5, 0.6]), false); // φ1 + φ2 > 1
    assert.equal(isStationary([0.5, 0.3]), true);
    assert.equal(isStationary([0.995], 0.01), false);
  });

  test("ψ weights of AR(1) and of a random walk with MA(1)", () => {
    assert.deepEqual(
      Array.from(psiWeights(Float64Array.of(1, -0.5), Float64Array.of(1), 4)),
      [1, 0.5, 0.25, 0.125],
    );
    // (1 − B)ψ(B) = 1 + 0.4B → 1, 1.4, 1.4, ...
    const psi = psiWeights(Float64Array.of(1, -1), Float64Array.of(1, 0.4), 3);
    assert.ok(Math.abs(psi[1] - 1.4) < 1e-12 && Math.abs(psi[2] - 1.4) < 1e-12);
  });
});
