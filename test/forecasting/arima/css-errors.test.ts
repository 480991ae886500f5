import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ArmaOrders, CssErrors } from "../../../src/forecasting/arima/css-errors.js";
import { difference } from "../../../src/forecasting/arima/differencing.js";
import { arFromPartials } from "../../../src/forecasting/arima/polynomial.js";
import { levenbergMarquardt } from "../../../src/forecasting/levenberg-marquardt.js";
import { createRng } from "../../../src/forecasting/rng.js";
import { AIR_PASSENGERS, NILE } from "../fixtures.js";

// The CSS recursion as fitArma computed it before the AR part was remembered: everything from the parameters on
// every call, in one fused loop. The new path must give the same doubles (Object.is) after any sequence of calls.
function referenceExpand(
  c: Float64Array,
  seasonal: Float64Array,
  m: number,
  sign: number,
  order: number,
): { lags: number[]; coefs: number[] } {
  const dense = new Float64Array(order + 1);
  for (let i = 0; i < c.length; i++) dense[i + 1] += c[i];
  for (let k = 0; k < seasonal.length; k++) {
    dense[(k + 1) * m] += seasonal[k];
    for (let i = 0; i < c.length; i++) dense[i + 1 + (k + 1) * m] += sign * c[i] * seasonal[k];
  }
  const lags: number[] = [];
  const coefs: number[] = [];
  for (let j = 1; j < dense.length; j++) {
    if (dense[j] !== 0) {
      lags.push(j);
      coefs.push(dense[j]);
    }
  }
  return { lags, coefs };
}

function referenceErrors(w: Float64Array, o: ArmaOrders, params: Float64Array): Float64Array {
  const { p, q, seasonalP: bigP, seasonalQ: bigQ, period: m } = o;
  const arOrder = p + bigP * m;
  let k = 0;
  const partials = new Float64Array(p);
  for (let i = 0; i < p; i++) partials[i] = Math.tanh(params[k++]);
  const phi = new Float64Array(p);
  arFromPartials(partials, phi);
  const theta = params.slice(k, k + q);
  k += q;
  const seasonalPartials = new Float64Array(bigP);
  for (let i = 0; i < bigP; i++) seasonalPartials[i] = Math.tanh(params[k++]);
  const sPhi = new Float64Array(bigP);
  arFromPartials(seasonalPartials, sPhi);
  const sTheta = params.slice(k, k + bigQ);
  k += bigQ;
  const mu = o.constant ? params[k] : 0;
  const ar = referenceExpand(phi, sPhi, m, -1, arOrder);
  const ma = referenceExpand(theta, sTheta, m, 1, q + bigQ * m);
  const n = w.length;
  const centred = new Float64Array(n);
  for (let t = 0; t < n; t++) centred[t] = w[t] - mu;
  const e = new Float64Array(n);
  for (let t = arOrder; t < n; t++) {
    let v = centred[t];
    for (let j = 0; j < ar.lags.length; j++) v -= ar.coefs[j] * centred[t - ar.lags[j]];
    for (let j = 0; j < ma.lags.length; j++) if (ma.lags[j] <= t) v -= ma.coefs[j] * e[t - ma.lags[j]];
    e[t] = v;
  }
  return e;
}

function assertSameDoubles(actual: Float64Array, expected: Float64Array, what: string): void {
  assert.equal(actual.length, expected.length);
  for (let t = 0; t < expected.length; t++) {
    assert.ok(Object.is(actual[t], expected[t]), `${what}: e[${t}] ${actual[t]} vs ${expected[t]}`);
  }
}

/** Two Levenberg–Marquardt fits that must be the same to the bit: iterations, sum of squares and parameters. */
function assertSameFit(
  batched: ReturnType<typeof levenbergMarquardt>,
  plain: ReturnType<typeof levenbergMarquardt>,
): void {
  assert.equal(batched.iterations, plain.iterations);
  assert.ok(Object.is(batched.sse, plain.sse));
  assertSameDoubles(batched.params, plain.params, "params");
}

const LOG_AIR = difference(difference(AIR_PASSENGERS.map(Math.log), 12), 1);
/** An ARMA(p, q)(P, Q)_period model's orders, with or without a constant. */
const arma = (
  p: number,
  q: number,
  seasonalP: number,
  seasonalQ: number,
  period: number,
  constant: boolean,
) => ({ p, q, seasonalP, seasonalQ, period, constant }) satisfies ArmaOrders;

const CASES: { name: string; w: Float64Array; orders: ArmaOrders }[] = [
  { name: "white noise + mean", w: NILE, orders: arma(0, 0, 0, 0, 1, true) },
  { name: "ARMA(1,1) + mean", w: NILE, orders: arma(1, 1, 0, 0, 1, true) },
  { name: "ARMA(3,2)", w: difference(NILE), orders: arma(3, 2, 0, 0, 1, false) },
  { name: "MA(3) + mean", w: NILE, orders: arma(0, 3, 0, 0, 1, true) },
  { name: "airline", w: LOG_AIR, orders: arma(0, 1, 0, 1, 12, false) },
  { name: "(2,2)(1,1)_12 + mean", w: LOG_AIR, orders: arma(2, 2, 1, 1, 12, true) },
  { name: "(1,0)(1,0)_4 + mean", w: difference(NILE), orders: arma(1, 0, 1, 0, 4, true) },
  { name: "(0,2)(0,1)_12, short", w: LOG_AIR.subarray(0, 20), orders: arma(0, 2, 0, 1, 12, false) },
];

/** The points levenbergMarquardt's forward-difference Jacobian evaluates around `params`. */
function jacobianPoints(params: Float64Array): Float64Array[] {
  return Array.from(params, (v, j) => {
    const point = params.slice();
    point[j] = v + 1e-7 * Math.max(1, Math.abs(v));
    return point;
  });
}

function startOf(orders: ArmaOrders): number {
  return orders.p + orders.seasonalP * orders.period + 1;
}

describe("CSS errors: every path gives the fused recursion's doubles", () => {
  for (const { name, w, orders } of CASES) {
    test(`${name}: compute and computeBatch through Jacobian sweeps and trial steps`, () => {
      const k = orders.p + orders.q + orders.seasonalP + orders.seasonalQ + (orders.constant ? 1 : 0);
      const rng = createRng(k * 7919 + w.length);
      const css = new CssErrors(w, orders);
      const start = startOf(orders);
      let params = new Float64Array(k);
      if (orders.constant) params[k - 1] = 800 * rng();
      let checks = 0;
      const check = (at: Float64Array, what: string) => {
        const mu = css.compute(at);
        assert.ok(Object.is(mu, orders.constant ? at[k - 1] : 0));
        assertSameDoubles(css.main.e, referenceErrors(w, orders, at), what);
        checks++;
      };
      for (let iteration = 0; iteration < 6; iteration++) {
        check(params, `base ${iteration}`);
        // The Jacobian's points one by one (compute), as levenbergMarquardt without a batch evaluates them.
        const points = jacobianPoints(params);
        for (const [j, point] of points.entries()) check(point, `column ${j} of iteration ${iteration}`);
        // The same points as a batch (from the base point, as levenbergMarquardt calls it), and odd-sized batches.
        check(params, `base ${iteration} again`);
        for (const count of new Set([k, Math.max(0, k - 1), 1])) {
          const outs = points.map(() => new Float64Array(w.length - start));
          css.computeBatch(points, outs, count, start);
          for (let j = 0; j < count; j++) {
            const expected = referenceErrors(w, orders, points[j]).subarray(start);
            assertSameDoubles(outs[j], expected, `batch of ${count}, column ${j} of iteration ${iteration}`);
            checks++;
          }
          // The batch leaves main as it was.
          assertSameDoubles(css.main.e, referenceErrors(w, orders, params), `main after a batch of ${count}`);
        }
        // A rejected trial, then an accepted one (every parameter moved), and a −0 now and then.
        check(
          params.map((v) => v + 0.3 * (rng() - 0.5)),
          `rejected trial ${iteration}`,
        );
        params = params.map((v, i) =>
          i === iteration % Math.max(1, k) && iteration % 3 === 2 ? -0 : v + 0.2 * (rng() - 0.5),
        );
      }
      assert.ok(checks >= 6 * (2 * k + 3));
    });
  }

  test("main's polynomial fields follow the last compute, also when it repeats the one before", () => {
    const orders: ArmaOrders = { p: 2, q: 1, seasonalP: 1, seasonalQ: 1, period: 12, constant: true };
    const css = new CssErrors(LOG_AIR, orders);
    const a = Float64Array.of(0.3, -0.2, 0.4, 0.5, -0.6, 0.01);
    const b = Float64Array.of(-0.1, 0.25, 0.4, 0.3, -0.2, 0.02);
    css.compute(a);
    const points = jacobianPoints(a);
    css.computeBatch(
      points,
      points.map(() => new Float64Array(LOG_AIR.length)),
      6,
      0,
    );
    css.compute(b);
    css.compute(b);
    const fresh = new CssErrors(LOG_AIR, orders);
    fresh.compute(b);
    for (const field of ["phi", "theta", "seasonalPhi", "seasonalTheta", "arCoefs", "maCoefs", "e"] as const)
      assertSameDoubles(css.main[field], fresh.main[field], field);
    assert.equal(css.main.arCount, fresh.main.arCount);
    assert.equal(css.main.maCount, fresh.main.maCount);
    assert.deepEqual([...css.main.arLags], [...fresh.main.arLags]);
    assert.deepEqual([...css.main.maLags], [...fresh.main.maLags]);
  });
});

describe("Levenberg–Marquardt with a batch residual function", () => {
  test("a batch that evaluates one by one gives the same fit, to the bit (Rosenbrock as least squares)", () => {
    const residuals = (x: Float64Array, out: Float64Array) => {
      out[0] = 10 * (x[1] - x[0] * x[0]);
      out[1] = 1 - x[0];
      out[2] = 0.5 * (x[2] - x[1]);
    };
    const batch = (points: readonly Float64Array[], outs: readonly Float64Array[], count: number) => {
      for (let i = 0; i < count; i++) residuals(points[i], outs[i]);
    };
    const start = Float64Array.of(-1.2, 1, 3);
    const plain = levenbergMarquardt(residuals, start, 3, 50, 1e-12);
    const batched = levenbergMarquardt(residuals, start, 3, 50, 1e-12, batch);
    assert.ok(plain.iterations > 5);
    assertSameFit(batched, plain);
  });

  for (const { name, w, orders } of CASES) {
    test(`${name}: the CSS fit with computeBatch equals the fit without it, to the bit`, () => {
      const k = orders.p + orders.q + orders.seasonalP + orders.seasonalQ + (orders.constant ? 1 : 0);
      const start = startOf(orders);
      const used = w.length - start;
      const from = new Float64Array(k);
      if (orders.constant) from[k - 1] = w.reduce((s, v) => s + v, 0) / w.length;
      const fit = (withBatch: boolean) => {
        const css = new CssErrors(w, orders);
        const residuals = (x: Float64Array, out: Float64Array) => {
          css.compute(x);
          out.set(css.main.e.subarray(start));
        };
        const batch = (points: readonly Float64Array[], outs: readonly Float64Array[], count: number) =>
          css.computeBatch(points, outs, count, start);
        return levenbergMarquardt(residuals, from, used, 30, 1e-6, withBatch ? batch : undefined);
      };
      const plain = fit(false);
      const batched = fit(true);
      assert.ok(plain.iterations > 0);
      assertSameFit(batched, plain);
    });
  }
});
