// Fits one ETS model by maximum likelihood: Nelder–Mead over the smoothing parameters and the initial states,
// inside R's "usual" bounds (α, β ≤ α, γ ≤ 1 − α, 0.8 ≤ φ ≤ 0.98), as forecast::ets does.

import { nelderMead } from "../nelder-mead.js";
import { initialState } from "./initial-state.js";
import { type EtsParams, type EtsRun, type EtsState, runFilter } from "./recursion.js";
import type { EtsSpec } from "./spec.js";

export interface EtsFit {
  readonly spec: EtsSpec;
  readonly period: number;
  readonly params: EtsParams;
  readonly initial: EtsState;
  /** State after the last observation. */
  readonly final: EtsState;
  readonly sigma2: number;
  readonly aicc: number;
  /** Number of estimated quantities, σ² included. */
  readonly parameterCount: number;
}

const LOWER = 1e-4;
const UPPER = 0.9999;
const PHI_LOWER = 0.8;
const PHI_UPPER = 0.98;

export interface EtsFitOptions {
  /** Also optimise the m − 1 free seasonal starting states (R does); otherwise keep the heuristic ones. */
  readonly optimizeSeasonalStates: boolean;
  readonly maxEvaluations: number;
  /** Relative spread of the simplex's −2·log-likelihood values at which the search stops. */
  readonly tolerance: number;
  /** Further simplex searches from the best point found, while they still improve it. */
  readonly restarts: number;
}

export function fitEts(y: Float64Array, spec: EtsSpec, m: number, options: EtsFitOptions): EtsFit | null {
  const n = y.length;
  const seasonalCount = spec.season === "N" ? 0 : m;
  const start = initialState(y, spec, m);
  const freeSeasonal = options.optimizeSeasonalStates ? Math.max(0, seasonalCount - 1) : 0;
  const hasTrend = spec.trend !== "N";
  const smoothingCount = 1 + (hasTrend ? 1 : 0) + (seasonalCount > 0 ? 1 : 0) + (spec.damped ? 1 : 0);
  const stateCount = 1 + (hasTrend ? 1 : 0) + freeSeasonal;
  const k = smoothingCount + stateCount;
  // R counts every seasonal starting state it estimates; fixed heuristic ones still cost their m − 1 degrees.
  const parameterCount = smoothingCount + 1 + (hasTrend ? 1 : 0) + Math.max(0, seasonalCount - 1) + 1;
  if (n - parameterCount - 1 <= 0) return null;

  const params: EtsParams = { alpha: 0.5, beta: 0, gamma: 0, phi: 1 };
  const initial: EtsState = { level: 0, trend: 0, seasonal: new Float64Array(Math.max(1, seasonalCount)) };
  const work: EtsState = { level: 0, trend: 0, seasonal: new Float64Array(Math.max(1, seasonalCount)) };
  const run: EtsRun = { sse: 0, logForecasts: 0 };

  const unpack = (x: Float64Array): boolean => {
    let o = 0;
    params.alpha = x[o++];
    params.beta = hasTrend ? x[o++] : 0;
    params.gamma = seasonalCount > 0 ? x[o++] : 0;
    params.phi = spec.damped ? x[o++] : 1;
    if (!(params.alpha >= LOWER && params.alpha <= UPPER)) return false;
    if (hasTrend && !(params.beta >= LOWER && params.beta <= params.alpha)) return false;
    if (seasonalCount > 0 && !(params.gamma >= LOWER && params.gamma <= 1 - params.alpha)) return false;
    if (spec.damped && !(params.phi >= PHI_LOWER && params.phi <= PHI_UPPER)) return false;
    initial.level = x[o++];
    initial.trend = hasTrend ? x[o++] : 0;
    if (seasonalCount > 0) {
      if (freeSeasonal > 0) {
        let sum = 0;
        for (let i = 0; i < seasonalCount - 1; i++) {
          initial.seasonal[i] = x[o++];
          sum += initial.seasonal[i];
        }
        // The last starting state keeps the season normalised (sum 0, or mean 1 when multiplicative).
        initial.seasonal[seasonalCount - 1] = spec.season === "M" ? seasonalCount - sum : -sum;
      } else {
        initial.seasonal.set(start.seasonal);
      }
      if (spec.season === "M")
        for (let i = 0; i < seasonalCount; i++) if (!(initial.seasonal[i] > 0)) return false;
    }
    return true;
  };

  const objective = (x: Float64Array): number => {
    if (!unpack(x)) return Number.POSITIVE_INFINITY;
    if (!runFilter(spec, params, initial, work, y, run)) return Number.POSITIVE_INFINITY;
    if (!(run.sse > 0)) return -1e300;
    return n * Math.log(run.sse) + 2 * run.logForecasts;
  };

  // Starting smoothing parameters as R's initparam; steps scaled per coordinate so the simplex is not lopsided.
  const x0 = new Float64Array(k);
  const steps = new Float64Array(k);
  let o = 0;
  const alpha0 = LOWER + (0.2 * (UPPER - LOWER)) / (seasonalCount > 0 ? m : 1);
  x0[o] = alpha0;
  steps[o++] = Math.min(0.1, alpha0);
  if (hasTrend) {
    x0[o] = LOWER + 0.1 * (alpha0 - LOWER);
    steps[o++] = 0.5 * x0[o - 1];
  }
  if (seasonalCount > 0) {
    x0[o] = LOWER + 0.05 * (1 - alpha0 - LOWER);
    steps[o++] = 0.5 * x0[o - 1];
  }
  if (spec.damped) {
    x0[o] = PHI_LOWER + 0.99 * (PHI_UPPER - PHI_LOWER);
    steps[o++] = -0.05;
  }
  let scale = 0;
  for (let t = 0; t < n; t++) scale += Math.abs(y[t]);
  scale = Math.max(scale / n, 1e-8);
  x0[o] = start.level;
  steps[o++] = 0.1 * Math.max(Math.abs(start.level), scale);
  if (hasTrend) {
    x0[o] = start.trend;
    steps[o++] = 0.01 * scale + 0.1 * Math.abs(start.trend);
  }
  for (let i = 0; i < freeSeasonal; i++) {
    x0[o] = start.seasonal[i];
    steps[o++] = spec.season === "M" ? 0.05 : 0.05 * scale;
  }

  let result = nelderMead(objective, x0, steps, options.maxEvaluations, options.tolerance, 1e-3);
  // A simplex collapses early in many dimensions; restarting from its best point with fresh steps is the usual
  // remedy, and stops as soon as a restart no longer improves the likelihood.
  for (let restart = 0; restart < options.restarts && Number.isFinite(result.value); restart++) {
    const again = nelderMead(objective, result.x, steps, options.maxEvaluations, options.tolerance, 1e-3);
    const gain = result.value - again.value;
    if (gain > 0) result = again;
    if (!(gain > 1e-3)) break;
  }
  if (!Number.isFinite(result.value) || !unpack(result.x)) return null;
  if (!runFilter(spec, params, initial, work, y, run)) return null;
  const sse = Math.max(run.sse, 1e-300);
  const minus2LogLik = n * Math.log(sse / n) + n * (1 + Math.log(2 * Math.PI)) + 2 * run.logForecasts;
  const np = parameterCount;
  const aicc = minus2LogLik + 2 * np + (2 * np * (np + 1)) / (n - np - 1);
  return {
    spec,
    period: m,
    params: { ...params },
    initial: { level: initial.level, trend: initial.trend, seasonal: initial.seasonal.slice() },
    final: { level: work.level, trend: work.trend, seasonal: work.seasonal.slice() },
    // R's convention: the residual variance is divided by n minus the parameters other than σ² itself.
    sigma2: sse / Math.max(1, n - (np - 1)),
    aicc,
    parameterCount: np,
  };
}
