// Hyndman & Khandakar's (2008) stepwise order search: fit four starting models, then keep moving to the first
// neighbouring order (p, q, P, Q ± 1, jointly or alone, constant on/off) that lowers AICc until none does.

import { type ArmaFit, type ArmaSpec, fitArma } from "./css-fit.js";

export interface SearchLimits {
  readonly maxP: number;
  readonly maxQ: number;
  readonly maxSeasonalP: number;
  readonly maxSeasonalQ: number;
  /** Upper bound on p + q + P + Q, as auto.arima's max.order. */
  readonly maxOrder: number;
  /** Cap on models fitted, as auto.arima's nmodels. */
  readonly maxModels: number;
}

export const DEFAULT_LIMITS: SearchLimits = {
  maxP: 3,
  maxQ: 3,
  maxSeasonalP: 1,
  maxSeasonalQ: 1,
  maxOrder: 5,
  maxModels: 60,
};

/**
 * Candidates only have to be ranked by AICc, where a relative change of 1e-4 in the sum of squares moves AICc by
 * about 1e-4 per point used (0.01 on 100 points): stopping their fits there rather than at the default 1e-6
 * saves a third of the search's time. The chosen order is fitted again to the default tolerance.
 */
const SEARCH_TOLERANCE = 1e-4;

function key(s: ArmaSpec): string {
  return `${s.p},${s.q},${s.seasonalP},${s.seasonalQ},${s.constant ? 1 : 0}`;
}

/**
 * Best ARMA for the differenced series w by AICc, or null if no candidate could be fitted.
 * `seasonal` false restricts the search to P = Q = 0; `allowConstant` is false when d + D ≥ 2.
 */
export function stepwiseSearch(
  w: Float64Array,
  period: number,
  seasonal: boolean,
  allowConstant: boolean,
  limits: SearchLimits = DEFAULT_LIMITS,
): ArmaFit | null {
  const maxBigP = seasonal ? limits.maxSeasonalP : 0;
  const maxBigQ = seasonal ? limits.maxSeasonalQ : 0;
  // Condition every candidate on the same first points, enough for the largest AR order searched, but keep at
  // least a few observations per parameter by dropping seasonal AR terms on short series.
  let bigPCap = maxBigP;
  let pCap = limits.maxP;
  while (w.length - (pCap + bigPCap * period) < 3 * (limits.maxOrder + 2) && (bigPCap > 0 || pCap > 0)) {
    if (bigPCap > 0) bigPCap--;
    else pCap--;
  }
  const start = pCap + bigPCap * period;
  const visited = new Map<string, ArmaFit | null>();
  let best: ArmaFit | null = null;

  const tryFit = (p: number, q: number, bigP: number, bigQ: number, constant: boolean): boolean => {
    if (p < 0 || q < 0 || bigP < 0 || bigQ < 0) return false;
    if (p > pCap || q > limits.maxQ || bigP > bigPCap || bigQ > maxBigQ) return false;
    if (p + q + bigP + bigQ > limits.maxOrder) return false;
    if (constant && !allowConstant) return false;
    const spec: ArmaSpec = { p, q, seasonalP: bigP, seasonalQ: bigQ, period, constant };
    const id = key(spec);
    if (visited.has(id) || visited.size >= limits.maxModels) return false;
    const fit = fitArma(w, spec, start, best ?? undefined, SEARCH_TOLERANCE);
    visited.set(id, fit);
    if (fit && (!best || fit.aicc < best.aicc - 1e-9)) {
      best = fit;
      return true;
    }
    return false;
  };

  const c = allowConstant;
  tryFit(2, 2, seasonal ? 1 : 0, seasonal ? 1 : 0, c);
  tryFit(0, 0, 0, 0, c);
  tryFit(1, 0, seasonal ? 1 : 0, 0, c);
  tryFit(0, 1, 0, seasonal ? 1 : 0, c);
  if (c) tryFit(0, 0, 0, 0, false);

  let moved = true;
  while (moved && best !== null && visited.size < limits.maxModels) {
    const s: ArmaSpec = (best as ArmaFit).spec;
    const { p, q, seasonalP: bp, seasonalQ: bq, constant } = s;
    moved =
      tryFit(p, q, bp - 1, bq, constant) ||
      tryFit(p, q, bp + 1, bq, constant) ||
      tryFit(p, q, bp, bq - 1, constant) ||
      tryFit(p, q, bp, bq + 1, constant) ||
      tryFit(p, q, bp - 1, bq - 1, constant) ||
      tryFit(p, q, bp + 1, bq + 1, constant) ||
      tryFit(p - 1, q, bp, bq, constant) ||
      tryFit(p + 1, q, bp, bq, constant) ||
      tryFit(p, q - 1, bp, bq, constant) ||
      tryFit(p, q + 1, bp, bq, constant) ||
      tryFit(p - 1, q - 1, bp, bq, constant) ||
      tryFit(p + 1, q + 1, bp, bq, constant) ||
      tryFit(p - 1, q + 1, bp, bq, constant) ||
      tryFit(p + 1, q - 1, bp, bq, constant) ||
      tryFit(p, q, bp, bq, !constant);
  }
  if (best === null) return null;
  // The search conditioned every candidate on the same first points; the chosen one keeps all it can use.
  const chosen: ArmaSpec = (best as ArmaFit).spec;
  return fitArma(w, chosen, chosen.p + chosen.seasonalP * period, best) ?? best;
}
