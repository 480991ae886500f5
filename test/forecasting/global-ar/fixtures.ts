// What the global-ar tests share: a tolerance check, the options every test starts from, and the pooled series
// they fit (a homogeneous AR(2) across levels; growth that slows at a turn).

import assert from "node:assert/strict";
import type { GlobalArOptions, GlobalArSeries } from "../../../src/forecasting/global-ar/global-ar.js";
import { createRng, standardNormal } from "../../../src/forecasting/rng.js";

export const close = (a: number, b: number, tol: number, what = "") =>
  assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (tolerance ${tol})`);

/** No season, no calendar, no ridge, every origin, p10/p50/p90: each test sets the rest. */
export const PLAIN = {
  period: 1,
  calendar: false,
  ridge: 0,
  recent: 0,
  levels: [0.1, 0.5, 0.9],
} as const satisfies Partial<GlobalArOptions>;

/**
 * Series following y_t = φ1·y_{t−1} + φ2·y_{t−2} + σ·s_t·ε_t, s_t the mean of the last two values: in the scaled
 * space of a window of two values the model is exactly linear with homoscedastic noise, whatever the series' level.
 */
export function homogeneousAr2(
  phi1: number,
  phi2: number,
  sigma: number,
  count: number,
  n: number,
): GlobalArSeries[] {
  const rng = createRng(7);
  return Array.from({ length: count }, (_, i) => {
    const y = new Float64Array(n);
    const level = 10 * (i + 1);
    y[0] = level;
    y[1] = level * 1.01;
    for (let t = 2; t < n; t++) {
      const s = ((y[t - 1] as number) + (y[t - 2] as number)) / 2;
      y[t] = phi1 * (y[t - 1] as number) + phi2 * (y[t - 2] as number) + sigma * s * standardNormal(rng);
    }
    return { y, phase: 0 };
  });
}

/** Series growing 10% a step until `turn`, then 2% a step: recent origins see the slow growth, older the fast. */
export function turningSeries(count: number, n: number, turn: number): GlobalArSeries[] {
  return Array.from({ length: count }, (_, i) => {
    const y = new Float64Array(n);
    y[0] = 10 + 5 * i;
    for (let t = 1; t < n; t++) {
      // A small deterministic wobble keeps the residuals from being all zero.
      const wobble = 1 + 0.002 * (((i * 7 + t * 3) % 5) - 2);
      y[t] = (y[t - 1] as number) * (t <= turn ? 1.1 : 1.02) * wobble;
    }
    return { y, phase: 0 };
  });
}
