// Fits one seasonal ARMA(p,q)(P,Q)_m, with an optional mean, to an already differenced series by conditional sum
// of squares. Every candidate of a search is conditioned on the same first `start` points so their AICc compare.

import { levenbergMarquardt } from "../levenberg-marquardt.js";
import { type ArmaOrders, CssErrors } from "./css-errors.js";
import { isStationary } from "./polynomial.js";

/** A model's ARMA orders, seasonal period and whether it has a mean: the CSS errors' own orders. */
export type ArmaSpec = ArmaOrders;

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

  // The hot loop of every fit (a search evaluates it about a thousand times per series): css-errors.ts.
  const css = new CssErrors(w, spec);
  const e = css.main.e;
  const residuals = (params: Float64Array, out: Float64Array): void => {
    css.compute(params);
    out.set(e.subarray(start));
  };
  const batch = (points: readonly Float64Array[], outs: readonly Float64Array[], count: number): void =>
    css.computeBatch(points, outs, count, start);

  const result = levenbergMarquardt(residuals, warmStart(spec, neighbour, w), used, 30, tolerance, batch);
  if (!Number.isFinite(result.sse)) return null;
  css.compute(result.params);
  const {
    phi,
    theta,
    seasonalPhi: sPhi,
    seasonalTheta: sTheta,
    arLags,
    arCoefs,
    arCount,
    maLags,
    maCoefs,
    maCount,
  } = css.main;
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
