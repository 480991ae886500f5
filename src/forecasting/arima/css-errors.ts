// The one-step errors of a seasonal ARMA(p,q)(P,Q)_m with an optional mean, by the conditional-sum-of-squares
// recursion e_t = u_t − Σ b_j·e_{t−j} with the AR part u_t = (w_t − μ) − Σ a_j·(w_{t−j} − μ): the objective of every
// ARIMA fit, evaluated about a thousand times per series in a search.
//
// Every e_t is the double the fused loop over t gave before (u_t first, then the MA terms in lag order); what is
// saved is work, never an operation changed or reordered:
// - The MA recursion is a chain of dependent subtractions (e_t waits on e_{t−1}), so its speed is the latency of
//   that chain, not the arithmetic. The optimiser's Jacobian needs one evaluation per parameter, independent of each
//   other: `computeBatch` runs them two at a time in one loop, and the processor overlaps the two chains.
// - While the Jacobian moves an MA parameter, the AR coefficients and the mean are those of the point before, whose
//   AR part is kept: it is reused (the parameters compared one by one with Object.is).
// - The evaluation at the optimiser's result is skipped when it was the last point computed.

import { arFromPartials } from "./polynomial.js";

export interface ArmaOrders {
  readonly p: number;
  readonly q: number;
  readonly seasonalP: number;
  readonly seasonalQ: number;
  readonly period: number;
  readonly constant: boolean;
}

/** One evaluation's unpacked model and its errors. */
export interface CssLane {
  readonly phi: Float64Array;
  readonly theta: Float64Array;
  readonly seasonalPhi: Float64Array;
  readonly seasonalTheta: Float64Array;
  /** Expanded AR polynomial, non-zero terms only: a_j at lag arLags[j] for j < arCount, lags ascending. */
  readonly arLags: Int32Array;
  readonly arCoefs: Float64Array;
  arCount: number;
  readonly maLags: Int32Array;
  readonly maCoefs: Float64Array;
  maCount: number;
  mu: number;
  /** The AR part u_t (t ≥ the AR order) of this lane's point: `ownU`, or main's when they are equal. */
  u: Float64Array;
  readonly ownU: Float64Array;
  /** One-step errors, 0 before the AR order. */
  readonly e: Float64Array;
}

/** Builds the sparse expanded polynomial Π = (1 ∓ Σ c_i B^i)(1 ∓ Σ C_k B^{km}) into lags/coefs; returns count. */
function expand(
  c: Float64Array,
  seasonal: Float64Array,
  m: number,
  sign: number,
  dense: Float64Array,
  lags: Int32Array,
  coefs: Float64Array,
): number {
  dense.fill(0);
  for (let i = 0; i < c.length; i++) dense[i + 1] += c[i];
  for (let k = 0; k < seasonal.length; k++) {
    dense[(k + 1) * m] += seasonal[k];
    // AR: (1 − φB)(1 − ΦB^m) has +φΦ on B^{1+m}, i.e. a coefficient of −φΦ; MA: (1 + θB)(1 + ΘB^m) has +θΘ.
    for (let i = 0; i < c.length; i++) dense[i + 1 + (k + 1) * m] += sign * c[i] * seasonal[k];
  }
  let count = 0;
  for (let j = 1; j < dense.length; j++) {
    if (dense[j] !== 0) {
      lags[count] = j;
      coefs[count] = dense[j];
      count++;
    }
  }
  return count;
}

/** e_t for t in [from, n) of one lane; `checked`: below it a lag may reach before the series start. */
function maRecursion(lane: CssLane, from: number, checked: number): void {
  const { u, e, maLags, maCoefs } = lane;
  const mc = lane.maCount;
  const n = e.length;
  for (let t = from; t < checked; t++) {
    let v = u[t] as number;
    for (let j = 0; j < mc; j++) {
      const lag = maLags[j] as number;
      if (lag <= t) v -= maCoefs[j] * e[t - lag];
    }
    e[t] = v;
  }
  for (let t = Math.max(from, checked); t < n; t++) {
    let v = u[t] as number;
    for (let j = 0; j < mc; j++) v -= maCoefs[j] * e[t - maLags[j]];
    e[t] = v;
  }
}

/** maRecursion of two lanes in one loop: each lane's operations as alone, their chains independent. */
function maRecursionPair(a: CssLane, b: CssLane, from: number, checked: number): void {
  const { u: ua, e: ea, maLags: la, maCoefs: ca } = a;
  const { u: ub, e: eb, maLags: lb, maCoefs: cb } = b;
  const mca = a.maCount;
  const mcb = b.maCount;
  const n = ea.length;
  for (let t = from; t < checked; t++) {
    let va = ua[t] as number;
    for (let j = 0; j < mca; j++) {
      const lag = la[j] as number;
      if (lag <= t) va -= ca[j] * ea[t - lag];
    }
    let vb = ub[t] as number;
    for (let j = 0; j < mcb; j++) {
      const lag = lb[j] as number;
      if (lag <= t) vb -= cb[j] * eb[t - lag];
    }
    ea[t] = va;
    eb[t] = vb;
  }
  for (let t = Math.max(from, checked); t < n; t++) {
    let va = ua[t] as number;
    for (let j = 0; j < mca; j++) va -= ca[j] * ea[t - la[j]];
    let vb = ub[t] as number;
    for (let j = 0; j < mcb; j++) vb -= cb[j] * eb[t - lb[j]];
    ea[t] = va;
    eb[t] = vb;
  }
}

function longestLag(lane: CssLane): number {
  return lane.maCount > 0 ? lane.maLags[lane.maCount - 1] : 0;
}

/**
 * The CSS recursion of one model on one series. `compute(params)` unpacks the optimiser's parameters (AR parts as
 * atanh of partial autocorrelations, then MA, seasonal AR, seasonal MA, mean) into `main` and fills `main.e`;
 * `computeBatch` gives the residuals of several points without touching `main`.
 */
export class CssErrors {
  /** The model and errors of the last `compute`. */
  readonly main: CssLane;

  private readonly p: number;
  private readonly q: number;
  private readonly bigP: number;
  private readonly bigQ: number;
  private readonly m: number;
  private readonly constant: boolean;
  private readonly arOrder: number;
  private readonly arDense: Float64Array;
  private readonly maDense: Float64Array;
  private readonly partials: Float64Array;
  private readonly seasonalPartials: Float64Array;
  private readonly centred: Float64Array;
  private centredMu = 0;
  private centredValid = false;
  /** The parameters of `main` (valid once computed). */
  private readonly mainParams: Float64Array;
  private mainValid = false;
  /** Workspace of computeBatch, created on its first call. */
  private pair: [CssLane, CssLane] | null = null;

  constructor(
    private readonly w: Float64Array,
    orders: ArmaOrders,
  ) {
    const { p, q, seasonalP: bigP, seasonalQ: bigQ, period: m, constant } = orders;
    this.p = p;
    this.q = q;
    this.bigP = bigP;
    this.bigQ = bigQ;
    this.m = m;
    this.constant = constant;
    this.arOrder = p + bigP * m;
    this.arDense = new Float64Array(this.arOrder + 1);
    this.maDense = new Float64Array(q + bigQ * m + 1);
    this.partials = new Float64Array(p);
    this.seasonalPartials = new Float64Array(bigP);
    this.centred = new Float64Array(w.length);
    this.mainParams = new Float64Array(p + q + bigP + bigQ + (constant ? 1 : 0));
    this.main = this.lane();
  }

  private lane(): CssLane {
    const n = this.w.length;
    const maOrder = this.q + this.bigQ * this.m;
    const ownU = new Float64Array(n);
    return {
      phi: new Float64Array(this.p),
      theta: new Float64Array(this.q),
      seasonalPhi: new Float64Array(this.bigP),
      seasonalTheta: new Float64Array(this.bigQ),
      arLags: new Int32Array(this.arOrder),
      arCoefs: new Float64Array(this.arOrder),
      arCount: 0,
      maLags: new Int32Array(maOrder),
      maCoefs: new Float64Array(maOrder),
      maCount: 0,
      mu: 0,
      u: ownU,
      ownU,
      e: new Float64Array(n),
    };
  }

  /** Unpacks `params` into `main` and fills `main.e`; returns the mean. */
  compute(params: Float64Array): number {
    const main = this.main;
    if (this.mainValid && this.sameParams(params)) return main.mu;
    this.unpack(params, main);
    main.u = main.ownU;
    this.fusedRecursion(main);
    this.mainParams.set(params);
    this.mainValid = true;
    return main.mu;
  }

  /**
   * outs[i][t − start] = e_t (t ≥ start) at points[i], for i < count, as `compute` would give them, two at a time
   * (four at a time measured no faster: bench/RESULTS.md).
   */
  computeBatch(
    points: readonly Float64Array[],
    outs: readonly Float64Array[],
    count: number,
    start: number,
  ): void {
    const n = this.w.length;
    const arOrder = this.arOrder;
    if (!this.pair) this.pair = [this.lane(), this.lane()];
    const [a, b] = this.pair;
    for (let i = 0; i < count; i += 2) {
      this.prepare(points[i], a);
      if (i + 1 < count) {
        this.prepare(points[i + 1], b);
        maRecursionPair(a, b, arOrder, Math.min(n, Math.max(longestLag(a), longestLag(b))));
        outs[i + 1].set(b.e.subarray(start));
      } else {
        maRecursion(a, arOrder, Math.min(n, longestLag(a)));
      }
      outs[i].set(a.e.subarray(start));
    }
  }

  /** Unpacks a batch point into `lane` with its AR part (main's when the AR parameters and mean are main's). */
  private prepare(params: Float64Array, lane: CssLane): void {
    this.unpack(params, lane);
    if (this.mainValid && this.sameArPart(params)) {
      lane.u = this.main.u;
    } else {
      lane.u = lane.ownU;
      this.arPart(lane);
    }
    lane.e.fill(0, 0, this.arOrder);
  }

  private unpack(params: Float64Array, lane: CssLane): void {
    const { p, q, bigP, bigQ, partials, seasonalPartials } = this;
    const { phi, theta, seasonalPhi, seasonalTheta } = lane;
    let o = 0;
    for (let i = 0; i < p; i++) partials[i] = Math.tanh(params[o++]);
    arFromPartials(partials, phi);
    for (let i = 0; i < q; i++) theta[i] = params[o++];
    for (let i = 0; i < bigP; i++) seasonalPartials[i] = Math.tanh(params[o++]);
    arFromPartials(seasonalPartials, seasonalPhi);
    for (let i = 0; i < bigQ; i++) seasonalTheta[i] = params[o++];
    lane.mu = this.constant ? params[o] : 0;
    lane.arCount = expand(phi, seasonalPhi, this.m, -1, this.arDense, lane.arLags, lane.arCoefs);
    lane.maCount = expand(theta, seasonalTheta, this.m, 1, this.maDense, lane.maLags, lane.maCoefs);
  }

  /** Are `params` those of `main`, to the bit (Object.is: −0 and 0 are told apart)? */
  private sameParams(params: Float64Array): boolean {
    const own = this.mainParams;
    for (let i = 0; i < own.length; i++) if (!Object.is(own[i], params[i])) return false;
    return true;
  }

  /** Are the AR parameters and the mean of `params` those of `main`? Then so are its AR coefficients and u. */
  private sameArPart(params: Float64Array): boolean {
    const { p, q, bigP, mainParams: own } = this;
    for (let i = 0; i < p; i++) if (!Object.is(own[i], params[i])) return false;
    for (let i = p + q; i < p + q + bigP; i++) if (!Object.is(own[i], params[i])) return false;
    return !this.constant || Object.is(own[own.length - 1], params[own.length - 1]);
  }

  /** w − μ for the lane's mean (kept while the mean stays). */
  private centre(mu: number): Float64Array {
    const { w, centred } = this;
    if (!this.centredValid || !Object.is(this.centredMu, mu)) {
      for (let t = 0; t < w.length; t++) centred[t] = w[t] - mu;
      this.centredMu = mu;
      this.centredValid = true;
    }
    return centred;
  }

  /**
   * The AR part and the MA recursion in one loop, as the fit computed them before batches: a trial point moves
   * every parameter, and here the AR sums of later steps overlap the MA chain. u is kept for the next batch.
   */
  private fusedRecursion(lane: CssLane): void {
    const { arOrder } = this;
    const centred = this.centre(lane.mu);
    const { arLags, arCoefs, maLags, maCoefs, u, e } = lane;
    const n = e.length;
    const ac = lane.arCount;
    const mc = lane.maCount;
    e.fill(0, 0, arOrder);
    const checked = Math.min(n, longestLag(lane));
    for (let t = arOrder; t < checked; t++) {
      let v = centred[t] as number;
      for (let j = 0; j < ac; j++) v -= arCoefs[j] * centred[t - arLags[j]];
      u[t] = v;
      for (let j = 0; j < mc; j++) {
        const lag = maLags[j] as number;
        if (lag <= t) v -= maCoefs[j] * e[t - lag];
      }
      e[t] = v;
    }
    for (let t = Math.max(arOrder, checked); t < n; t++) {
      let v = centred[t] as number;
      for (let j = 0; j < ac; j++) v -= arCoefs[j] * centred[t - arLags[j]];
      u[t] = v;
      for (let j = 0; j < mc; j++) v -= maCoefs[j] * e[t - maLags[j]];
      e[t] = v;
    }
  }

  /** lane.u_t = (w_t − μ) − Σ a_j·(w_{t−j} − μ) for t ≥ the AR order. */
  private arPart(lane: CssLane): void {
    const { w, arOrder } = this;
    const centred = this.centre(lane.mu);
    const { arLags, arCoefs, u } = lane;
    const n = w.length;
    const ac = lane.arCount;
    for (let t = arOrder; t < n; t++) {
      let v = centred[t] as number;
      for (let j = 0; j < ac; j++) v -= arCoefs[j] * centred[t - arLags[j]];
      u[t] = v;
    }
  }
}
