// The ETS state recursion in R's etscalc form: the level, trend and seasonal updates are the same for additive
// and multiplicative errors; the error type only changes the likelihood. Seasonal states sit in a ring indexed
// by time modulo the period, so no state vector is shifted per step.

import type { EtsSpec } from "./spec.js";

export interface EtsParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

/** Mutable model state: level, trend, and the seasonal ring (slot t mod m serves time t). */
export interface EtsState {
  level: number;
  trend: number;
  readonly seasonal: Float64Array;
}

export interface EtsRun {
  sse: number;
  /** Σ log|ŷ_t|, the Jacobian term of the multiplicative-error likelihood. */
  logForecasts: number;
}

/**
 * Runs the filter over y from a copy of `initial` into `work`; returns SSE (relative errors for M error) and
 * Σ log|ŷ|, or null when a multiplicative model produces a non-positive forecast.
 */
export function runFilter(
  spec: EtsSpec,
  p: EtsParams,
  initial: EtsState,
  work: EtsState,
  y: Float64Array,
  out: EtsRun,
): boolean {
  // The hot loop of every fit: the model's switches hoisted and the state in locals, several times faster than a
  // step function called per point.
  const seasonal = work.seasonal;
  seasonal.set(initial.seasonal);
  const m = seasonal.length;
  const hasTrend = spec.trend !== "N";
  const phi = hasTrend ? (spec.damped ? p.phi : 1) : 0;
  const seasonAdd = spec.season === "A";
  const seasonMul = spec.season === "M";
  const errorMul = spec.error === "M";
  const guard = errorMul || seasonMul;
  const { alpha, gamma } = p;
  const betaOverAlpha = hasTrend ? p.beta / alpha : 0;
  let level = initial.level;
  let trend = hasTrend ? initial.trend : 0;
  let sse = 0;
  let logs = 0;
  let slot = 0;
  for (let t = 0; t < y.length; t++) {
    const yt = y[t];
    const phib = phi * trend;
    const q = level + phib;
    const s = seasonAdd || seasonMul ? seasonal[slot] : 0;
    const f = seasonAdd ? q + s : seasonMul ? q * s : q;
    if (guard && !(f > 1e-10)) return false;
    const e = errorMul ? (yt - f) / f : yt - f;
    sse += e * e;
    if (errorMul) logs += Math.log(f);
    const adjusted = seasonAdd ? yt - s : seasonMul ? yt / s : yt;
    const next = q + alpha * (adjusted - q);
    if (hasTrend) trend = phib + betaOverAlpha * (next - level - phib);
    if (seasonAdd) seasonal[slot] = s + gamma * (yt - q - s);
    else if (seasonMul) seasonal[slot] = s + gamma * (yt / q - s);
    level = next;
    if (++slot === m) slot = 0;
  }
  work.level = level;
  work.trend = trend;
  out.sse = sse;
  out.logForecasts = logs;
  return Number.isFinite(sse);
}

/** Point forecasts for steps 1..h after the series (time index n onwards). */
export function pointForecast(spec: EtsSpec, p: EtsParams, st: EtsState, n: number, h: number): Float64Array {
  const out = new Float64Array(h);
  let damp = 0;
  let power = 1;
  for (let j = 0; j < h; j++) {
    if (spec.trend !== "N") {
      if (spec.damped) {
        power *= p.phi;
        damp += power;
      } else {
        damp = j + 1;
      }
    }
    const q = st.level + damp * st.trend;
    const s = spec.season === "N" ? 0 : st.seasonal[(n + j) % st.seasonal.length];
    out[j] = spec.season === "A" ? q + s : spec.season === "M" ? q * s : q;
  }
  return out;
}

/**
 * Sample paths of the next h observations after time n from state `from`: path s, step j is written to
 * out[s·h + j], drawing its error σ·normals[s·h + j] (additive, or relative for multiplicative errors). The recursion
 * of runFilter, its switches hoisted the same way: simulated intervals draw a thousand paths per forecast.
 */
export function simulatePaths(
  spec: EtsSpec,
  p: EtsParams,
  from: EtsState,
  n: number,
  h: number,
  sigma: number,
  normals: ArrayLike<number>,
  out: Float64Array,
): void {
  const m = from.seasonal.length;
  const seasonal = new Float64Array(m);
  const hasTrend = spec.trend !== "N";
  const phi = hasTrend ? (spec.damped ? p.phi : 1) : 0;
  const seasonAdd = spec.season === "A";
  const seasonMul = spec.season === "M";
  const errorMul = spec.error === "M";
  const { alpha, gamma } = p;
  const betaOverAlpha = hasTrend ? p.beta / alpha : 0;
  const paths = out.length / h;
  for (let s = 0; s < paths; s++) {
    seasonal.set(from.seasonal);
    let level = from.level;
    let trend = hasTrend ? from.trend : 0;
    let slot = n % m;
    const row = s * h;
    for (let j = 0; j < h; j++) {
      const phib = phi * trend;
      const q = level + phib;
      const season = seasonAdd || seasonMul ? seasonal[slot] : 0;
      const f = seasonAdd ? q + season : seasonMul ? q * season : q;
      const e = sigma * normals[row + j];
      const y = errorMul ? f * (1 + e) : f + e;
      out[row + j] = y;
      const adjusted = seasonAdd ? y - season : seasonMul ? y / season : y;
      const next = q + alpha * (adjusted - q);
      if (hasTrend) trend = phib + betaOverAlpha * (next - level - phib);
      if (seasonAdd) seasonal[slot] = season + gamma * (y - q - season);
      else if (seasonMul) seasonal[slot] = season + gamma * (y / q - season);
      level = next;
      if (++slot === m) slot = 0;
    }
  }
}
