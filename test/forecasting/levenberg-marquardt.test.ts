import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { levenbergMarquardt, normalEquations } from "../../src/forecasting/levenberg-marquardt.js";
import { createRng } from "../../src/forecasting/rng.js";

// J′J and J′r as levenbergMarquardt accumulated them before, row by row from a row-major Jacobian.
function referenceNormalEquations(
  jacRowMajor: Float64Array,
  r: Float64Array,
  n: number,
  k: number,
): { jtj: Float64Array; grad: Float64Array } {
  const jtj = new Float64Array(k * k);
  const grad = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const row = i * k;
    const ri = r[i];
    for (let a = 0; a < k; a++) {
      const ja = jacRowMajor[row + a];
      if (ja === 0) continue;
      grad[a] += ja * ri;
      for (let b = 0; b <= a; b++) jtj[a * k + b] += ja * jacRowMajor[row + b];
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) jtj[b * k + a] = jtj[a * k + b];
  return { jtj, grad };
}

function assertSameDoubles(actual: Float64Array, expected: Float64Array, what: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++)
    assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

describe("normal equations", () => {
  test("equal to the row-by-row accumulation to the bit, k = 1..8, with zeros, −0 and large ranges", () => {
    const rng = createRng(20261201);
    for (let k = 1; k <= 8; k++) {
      for (const n of [1, 3, 17, 240]) {
        const rowMajor = new Float64Array(n * k);
        const r = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          r[i] = (rng() - 0.5) * 10 ** Math.floor(6 * rng() - 3);
          for (let a = 0; a < k; a++) {
            const u = rng();
            // Zeros (whole early rows, as a Jacobian column before a lag reaches), −0, and values over many scales.
            rowMajor[i * k + a] =
              u < 0.1 ? 0 : u < 0.15 ? -0 : (rng() - 0.5) * 10 ** Math.floor(12 * rng() - 6);
          }
        }
        const columnMajor = new Float64Array(n * k);
        for (let i = 0; i < n; i++) for (let a = 0; a < k; a++) columnMajor[a * n + i] = rowMajor[i * k + a];
        const jtj = new Float64Array(k * k).fill(Number.NaN);
        const grad = new Float64Array(k).fill(Number.NaN);
        normalEquations(columnMajor, r, n, k, jtj, grad);
        const expected = referenceNormalEquations(rowMajor, r, n, k);
        assertSameDoubles(jtj, expected.jtj, `J'J k=${k} n=${n}`);
        assertSameDoubles(grad, expected.grad, `J'r k=${k} n=${n}`);
      }
    }
  });

  test("a non-finite Jacobian entry propagates as before", () => {
    const n = 4;
    const k = 5;
    const rowMajor = new Float64Array(n * k).map((_, i) => i + 1);
    rowMajor[7] = Number.POSITIVE_INFINITY;
    rowMajor[13] = Number.NaN;
    const r = Float64Array.of(1, -2, 3, -4);
    const columnMajor = new Float64Array(n * k);
    for (let i = 0; i < n; i++) for (let a = 0; a < k; a++) columnMajor[a * n + i] = rowMajor[i * k + a];
    const jtj = new Float64Array(k * k);
    const grad = new Float64Array(k);
    normalEquations(columnMajor, r, n, k, jtj, grad);
    const expected = referenceNormalEquations(rowMajor, r, n, k);
    assertSameDoubles(jtj, expected.jtj, "J'J");
    assertSameDoubles(grad, expected.grad, "J'r");
  });
});

describe("Levenberg–Marquardt", () => {
  test("fits an exponential decay (known answer)", () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7];
    const ys = xs.map((x) => 3 * Math.exp(-0.4 * x));
    const result = levenbergMarquardt(
      (p, out) => {
        for (let i = 0; i < xs.length; i++) out[i] = p[0] * Math.exp(-p[1] * xs[i]) - ys[i];
      },
      Float64Array.of(1, 0.1),
      xs.length,
      100,
      1e-14,
    );
    assert.ok(Math.abs(result.params[0] - 3) < 1e-6, `${result.params[0]}`);
    assert.ok(Math.abs(result.params[1] - 0.4) < 1e-6, `${result.params[1]}`);
    assert.ok(result.sse < 1e-12);
  });
});
