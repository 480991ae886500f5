// The sums the tourism accuracy benches keep per row and period for held-out points (the test split, or the
// validation split's tails), on the papers' definitions (src/forecasting/competition-metrics.ts): the competition's
// MASE, sMAPE, MAPE pooled over the non-zero actuals, Amazon's pinball per level over the volume, absolute and
// squared errors of the mean, and how the p10–p90 band sits (coverage, below, above; quantiles crossed, p10 < 0,
// p10 = p90). One scorer for tourism-api.ts, tourism-members.ts, tourism-validation.ts and validation-objectives.ts.

import {
  competitionMase,
  intervalHits,
  type PercentErrorSum,
  percentErrorSum,
  pinballSum,
} from "../../src/forecasting/competition-metrics.js";
import { smape } from "../../src/forecasting/metrics.js";
import type { SeriesForecast } from "../../src/forecasting/model.js";

export interface HoldoutCell {
  /** Sum and count of the finite competition MASEs. */
  mase: number;
  maseCount: number;
  smape: number;
  /** Series scored. */
  count: number;
  mape: PercentErrorSum[];
  /** Per level: 2·Σ pinball (wQL's numerator). */
  pinball: number[];
  volume: number;
  absErr: number;
  sqErr: number;
  /** Points inside [p10, p90], below p10 and above p90. */
  hits: number;
  low: number;
  high: number;
  points: number;
  /** Points where the quantiles cross (p10 > p50 or p50 > p90), p10 is negative, or p10 = p90. */
  crossed: number;
  negative: number;
  zeroWidth: number;
}

export const emptyHoldoutCell = (levels: readonly number[]): HoldoutCell => ({
  mase: 0,
  maseCount: 0,
  smape: 0,
  count: 0,
  mape: [],
  pinball: levels.map(() => 0),
  volume: 0,
  absErr: 0,
  sqErr: 0,
  hits: 0,
  low: 0,
  high: 0,
  points: 0,
  crossed: 0,
  negative: 0,
  zeroWidth: 0,
});

/** Adds one series' held-out points `actual` against its forecast; `history` is what it was fitted on. */
export function scoreHoldout(
  cell: HoldoutCell,
  actual: Float64Array,
  history: Float64Array,
  m: number,
  f: SeriesForecast,
  levels: readonly number[],
): void {
  const mase = competitionMase(actual, f.mean, history, m);
  if (Number.isFinite(mase)) {
    cell.mase += mase;
    cell.maseCount++;
  }
  cell.smape += smape(actual, f.mean);
  cell.count++;
  // MAPE over the non-zero actuals (the validation tails hold a few zeros; the test split none).
  const nonZero = Array.from(actual.keys()).filter((t) => actual[t] !== 0);
  cell.mape.push(
    percentErrorSum(
      nonZero.map((t) => actual[t] as number),
      nonZero.map((t) => f.mean[t] as number),
    ),
  );
  levels.forEach((tau, k) => {
    cell.pinball[k] = (cell.pinball[k] as number) + pinballSum(actual, f.quantiles[k] as Float64Array, tau);
  });
  actual.forEach((y, t) => {
    const e = (f.mean[t] as number) - y;
    cell.absErr += Math.abs(e);
    cell.sqErr += e * e;
    cell.volume += Math.abs(y);
  });
  cell.points += actual.length;
  const [lo, mid, hi] = [0.1, 0.5, 0.9].map((level) => f.quantiles[levels.indexOf(level)]);
  if (!lo || !hi) return;
  cell.hits += intervalHits(actual, lo, hi);
  actual.forEach((y, t) => {
    const [l, u] = [lo[t] as number, hi[t] as number];
    if (y < l) cell.low++;
    if (y > u) cell.high++;
    if (!mid) return;
    const c = mid[t] as number;
    if (l > c || c > u) cell.crossed++;
    if (l < 0) cell.negative++;
    if (u - l <= 1e-9 * Math.max(1, Math.abs(c))) cell.zeroWidth++;
  });
}
