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

/** One-step forecast from the state for time t (before seeing y_t); NaN if a multiplicative model breaks. */
export function oneStep(spec: EtsSpec, p: EtsParams, st: EtsState, t: number): number {
  const q = spec.trend === "N" ? st.level : st.level + (spec.damped ? p.phi : 1) * st.trend;
  if (spec.season === "N") return q;
  const s = st.seasonal[t % st.seasonal.length];
  return spec.season === "A" ? q + s : q * s;
}

/** Updates the state with observation y at time t. */
export function update(spec: EtsSpec, p: EtsParams, st: EtsState, t: number, y: number): void {
  const phib = spec.trend === "N" ? 0 : (spec.damped ? p.phi : 1) * st.trend;
  const q = st.level + phib;
  const m = st.seasonal.length;
  const slot = t % m;
  let adjusted = y;
  let s = 0;
  if (spec.season === "A") {
    s = st.seasonal[slot];
    adjusted = y - s;
  } else if (spec.season === "M") {
    s = st.seasonal[slot];
    adjusted = y / s;
  }
  const level = q + p.alpha * (adjusted - q);
  if (spec.trend !== "N") st.trend = phib + (p.beta / p.alpha) * (level - st.level - phib);
  if (spec.season === "A") st.seasonal[slot] = s + p.gamma * (y - q - s);
  else if (spec.season === "M") st.seasonal[slot] = s + p.gamma * (y / q - s);
  st.level = level;
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
  // The hot loop of every fit: the same recursion as oneStep/update, with the model's switches hoisted and the
  // state in locals, which is several times faster than calling them per point.
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
