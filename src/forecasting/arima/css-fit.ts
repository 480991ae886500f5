// Fits one seasonal ARMA(p,q)(P,Q)_m, with an optional mean, to an already differenced series by conditional sum
// of squares. Every candidate of a search is conditioned on the same first `start` points so their AICc compare.

import { levenbergMarquardt } from "../levenberg-marquardt.js";
import { arFromPartials, isStationary } from "./polynomial.js";

export interface ArmaSpec {
  readonly p: number;
  readonly q: number;
  readonly seasonalP: number;
  readonly seasonalQ: number;
  readonly period: number;
  readonly constant: boolean;
}

export interface ArmaFit {
  readonly spec: ArmaSpec;
  readonly phi: Float64Array;
  readonly theta: Float64Array;
  readonly seasonalPhi: Float64Array;
  readonly seasonalTheta: Float64Array;
  readonly mean: number;
  /** Expanded AR coefficients a_j of 1 − Σ a_j·B^j (non-seasonal × seasonal). */
  readonly ar: Float64Array;
  /** Expanded MA coefficients b_j of 1 + Σ b_j·B^j. */
  readonly ma: Float64Array;
  /** One-step errors over the whole differenced series (0 before the model's own AR order). */
  readonly residuals: Float64Array;
  readonly sigma2: number;
  readonly logLikelihood: number;
  readonly aicc: number;
  /** The optimiser's parameters (AR parts as atanh of partial autocorrelations), to warm-start neighbours. */
  readonly raw: Float64Array;
}

/** Parameters counted by the information criteria, including σ². */
export function parameterCount(spec: ArmaSpec): number {
  return spec.p + spec.q + spec.seasonalP + spec.seasonalQ + (spec.constant ? 1 : 0) + 1;
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

/**
 * Starting point for `spec` from a fitted neighbour: shared terms keep their values, new terms start at 0.
 * Neighbours in a stepwise search differ by one or two terms, so this saves most optimiser iterations.
 */
function warmStart(spec: ArmaSpec, from: ArmaFit | undefined, w: Float64Array): Float64Array {
  const k = spec.p + spec.q + spec.seasonalP + spec.seasonalQ + (spec.constant ? 1 : 0);
  const out = new Float64Array(k);
  if (from) {
    const f = from.spec;
    const blocks: [number, number][] = [
      [spec.p, f.p],
      [spec.q, f.q],
      [spec.seasonalP, f.seasonalP],
      [spec.seasonalQ, f.seasonalQ],
    ];
    let o = 0;
    let fo = 0;
    for (const [size, fromSize] of blocks) {
      for (let i = 0; i < Math.min(size, fromSize); i++) out[o + i] = from.raw[fo + i];
      o += size;
      fo += fromSize;
    }
    if (spec.constant) out[k - 1] = f.constant ? from.raw[fo] : mean(w);
  } else if (spec.constant) {
    out[k - 1] = mean(w);
  }
  return out;
}

function mean(w: Float64Array): number {
  let s = 0;
  for (let t = 0; t < w.length; t++) s += w[t];
  return w.length > 0 ? s / w.length : 0;
}

/**
 * Fits `spec` to w conditioned on its first `start` points. `tolerance` is the relative decrease of the sum of
 * squares at which the optimiser stops.
 */
export function fitArma(
  w: Float64Array,
  spec: ArmaSpec,
  start: number,
  neighbour?: ArmaFit,
  tolerance = 1e-6,
): ArmaFit | null {
  const { p, q, seasonalP: bigP, seasonalQ: bigQ, period: m, constant } = spec;
  const arOrder = p + bigP * m;
  const maOrder = q + bigQ * m;
  const n = w.length;
  const used = n - start;
  const k = p + q + bigP + bigQ + (constant ? 1 : 0);
  if (start < arOrder || used - (k + 1) - 1 <= 0) return null;

  const phi = new Float64Array(p);
  const theta = new Float64Array(q);
  const sPhi = new Float64Array(bigP);
  const sTheta = new Float64Array(bigQ);
  const arDense = new Float64Array(arOrder + 1);
  const maDense = new Float64Array(maOrder + 1);
  const arLags = new Int32Array(arOrder);
  const arCoefs = new Float64Array(arOrder);
  const maLags = new Int32Array(maOrder);
  const maCoefs = new Float64Array(maOrder);
  const partials = new Float64Array(p);
  const seasonalPartials = new Float64Array(bigP);
  const e = new Float64Array(n);
  const centred = new Float64Array(n);
  let arCount = 0;
  let maCount = 0;

  const unpack = (params: Float64Array): number => {
    let o = 0;
    for (let i = 0; i < p; i++) partials[i] = Math.tanh(params[o++]);
    arFromPartials(partials, phi);
    for (let i = 0; i < q; i++) theta[i] = params[o++];
    for (let i = 0; i < bigP; i++) seasonalPartials[i] = Math.tanh(params[o++]);
    arFromPartials(seasonalPartials, sPhi);
    for (let i = 0; i < bigQ; i++) sTheta[i] = params[o++];
    const mu = constant ? params[o] : 0;
    arCount = expand(phi, sPhi, m, -1, arDense, arLags, arCoefs);
    maCount = expand(theta, sTheta, m, 1, maDense, maLags, maCoefs);
    return mu;
  };

  // The hot loop of every fit (a search evaluates it about a thousand times per series): the polynomial counts are
  // copied to locals because V8 reloads closure variables on every iteration, and the MA lags that can reach
  // before the series start are checked only in the first steps.
  const computeErrors = (params: Float64Array): void => {
    const mu = unpack(params);
    const ac = arCount;
    const mc = maCount;
    const longestMa = mc > 0 ? maLags[mc - 1] : 0;
    for (let t = 0; t < n; t++) centred[t] = w[t] - mu;
    e.fill(0, 0, arOrder);
    const checked = Math.min(n, longestMa);
    for (let t = arOrder; t < checked; t++) {
      let v = centred[t] as number;
      for (let j = 0; j < ac; j++) v -= arCoefs[j] * centred[t - arLags[j]];
      for (let j = 0; j < mc; j++) {
        const lag = maLags[j] as number;
        if (lag <= t) v -= maCoefs[j] * e[t - lag];
      }
      e[t] = v;
    }
    for (let t = Math.max(arOrder, checked); t < n; t++) {
      let v = centred[t] as number;
      for (let j = 0; j < ac; j++) v -= arCoefs[j] * centred[t - arLags[j]];
      for (let j = 0; j < mc; j++) v -= maCoefs[j] * e[t - maLags[j]];
      e[t] = v;
    }
  };

  const residuals = (params: Float64Array, out: Float64Array): void => {
    computeErrors(params);
    for (let t = start; t < n; t++) out[t - start] = e[t];
  };

  const result = levenbergMarquardt(residuals, warmStart(spec, neighbour, w), used, 30, tolerance);
  if (!Number.isFinite(result.sse)) return null;
  computeErrors(result.params);
  const mean = constant ? result.params[k - 1] : 0;
  // Reject MA parts at the edge of invertibility and AR parts at the edge of stationarity, as auto.arima does.
  const stableMa = (c: Float64Array) =>
    isStationary(
      c.map((v) => -v),
      0.01,
    );
  if (!isStationary(phi, 0.01) || !isStationary(sPhi, 0.01) || !stableMa(theta) || !stableMa(sTheta))
    return null;

  const sigma2 = Math.max(result.sse / used, 1e-300);
  const logLikelihood = -0.5 * used * (Math.log(2 * Math.PI * sigma2) + 1);
  const count = k + 1;
  const aicc = -2 * logLikelihood + 2 * count + (2 * count * (count + 1)) / (used - count - 1);
  const ar = new Float64Array(arOrder);
  for (let j = 0; j < arCount; j++) ar[arLags[j] - 1] = arCoefs[j];
  const ma = new Float64Array(maOrder);
  for (let j = 0; j < maCount; j++) ma[maLags[j] - 1] = maCoefs[j];
  return {
    spec,
    phi: phi.slice(),
    theta: theta.slice(),
    seasonalPhi: sPhi.slice(),
    seasonalTheta: sTheta.slice(),
    mean,
    ar,
    ma,
    residuals: e,
    sigma2,
    logLikelihood,
    aicc,
    raw: result.params.slice(),
  };
}
