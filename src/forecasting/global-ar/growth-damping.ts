// Damped growth for the pooled autoregression on data without seasonality (yearly): its forecast's log-growth over
// the series' last value, g_k = log(ŷ_k / y_n), is pulled back towards the last value at the far steps, because
// the pooled growth of the latest origins does not persist (on the tourism validation split the undamped yearly
// forecasts overshot; bench/RESULTS.md, "damped growth at global-ar's far steps"). The factor φ is learned on the
// backtest windows: the φ of a small grid with the least absolute percentage error of the damped forecasts there.

import type { SeriesForecast } from "../model.js";

/**
 * "shrink": g_k becomes g_k·φ^(k−1) (step 1 kept, far steps pulled back to the last value); "damp": the increment
 * g_k − g_(k−1) becomes (g_k − g_(k−1))·φ^(k−1) (the damped trend's shape: the growth reached is kept).
 */
export type GrowthDampingForm = "shrink" | "damp";

/** The φ a learned damping searches: 0 (the last value after step 1), 0.1, …, 1 (no damping). */
export const GROWTH_DAMPING_GRID: readonly number[] = Array.from({ length: 11 }, (_, i) => i / 10);

/**
 * The forecast with its log-growth over `last` damped by φ (see GrowthDampingForm). Every quantile is multiplied
 * by the mean's ratio, so the band keeps its shape around the moved mean. Returned unchanged where `last` or a
 * mean is not positive (no log-growth to damp).
 */
export function dampGrowth(
  f: SeriesForecast,
  last: number,
  phi: number,
  form: GrowthDampingForm = "shrink",
): SeriesForecast {
  const h = f.mean.length;
  if (phi === 1 || !(last > 0) || !f.mean.every((v) => v > 0)) return f;
  const mean = new Float64Array(h);
  const quantiles = f.quantiles.map(() => new Float64Array(h));
  let previous = 0;
  let damped = 0;
  for (let k = 0; k < h; k++) {
    const g = Math.log((f.mean[k] as number) / last);
    const weight = phi ** k;
    damped = form === "damp" ? damped + weight * (g - previous) : weight * g;
    previous = g;
    const ratio = Math.exp(damped - g);
    mean[k] = (f.mean[k] as number) * ratio;
    f.quantiles.forEach((q, l) => {
      (quantiles[l] as Float64Array)[k] = (q[k] as number) * ratio;
    });
  }
  return { mean, quantiles };
}

/** One backtest forecast a damping is learned on: the forecast, the last value before it, what followed. */
export interface DampingCase {
  forecast: SeriesForecast;
  last: number;
  /** The actuals after the forecast origin (NaN: missing, left out), as many as the forecast's steps or fewer. */
  actual: ArrayLike<number>;
  /** Divides the case's absolute errors (1 for the absolute percentage error, which divides by |actual|). */
  scale?: number;
}

/**
 * The φ of GROWTH_DAMPING_GRID with the least total error of the damped forecasts of `cases`: the absolute
 * percentage error (`error` "ape"), or the absolute error divided by each case's scale ("scaled"). Ties go to the
 * larger φ (less damping); 1 without any usable point.
 */
export function learnGrowthDamping(
  cases: readonly DampingCase[],
  form: GrowthDampingForm = "shrink",
  error: "ape" | "scaled" = "ape",
): number {
  const sums = GROWTH_DAMPING_GRID.map(() => 0);
  let points = 0;
  for (const c of cases) {
    const scale = c.scale ?? 1;
    if (!(scale > 0)) continue;
    const h = Math.min(c.forecast.mean.length, c.actual.length);
    GROWTH_DAMPING_GRID.forEach((phi, g) => {
      const d = dampGrowth(c.forecast, c.last, phi, form);
      for (let k = 0; k < h; k++) {
        const actual = c.actual[k] as number;
        const e = Math.abs(actual - (d.mean[k] as number));
        if (!Number.isFinite(e)) continue;
        if (error === "ape") {
          if (actual !== 0) sums[g] += e / Math.abs(actual);
        } else sums[g] += e / scale;
      }
    });
    points += h;
  }
  if (points === 0) return 1;
  let best = GROWTH_DAMPING_GRID.length - 1;
  for (let g = best - 1; g >= 0; g--) if ((sums[g] as number) < (sums[best] as number)) best = g;
  return GROWTH_DAMPING_GRID[best] as number;
}
