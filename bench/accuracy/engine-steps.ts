// Steps of the engine that the bench's combination variants (grouped-weight-variants.ts,
// recency-weight-variants.ts) repeat around their own weights: every component's forecast of a backtest record,
// and the interval calibration learned by the engine's policy (INTERVAL_CALIBRATION) from a combination's backtest
// forecasts, applied to a copy of each forecast, its quantiles kept monotone and at or above zero (the tourism
// data is never negative).

import type {
  AutoPredictorResult,
  BacktestRecord,
  ExternalMember,
} from "../../src/forecasting/auto/auto-predictor.js";
import {
  applyCalibration,
  calibrationFor,
  type IntervalCalibration,
  SpreadSums,
} from "../../src/forecasting/auto/interval-calibration.js";
import { INTERVAL_CALIBRATION } from "../../src/forecasting/auto/members.js";
import {
  clampNonNegative,
  enforceMonotoneQuantiles,
  type SeriesForecast,
} from "../../src/forecasting/model.js";

/** The engine's calibration learned from `forecastOf`'s backtest forecasts; undefined when the engine has none. */
export function engineCalibration(
  backtests: readonly BacktestRecord[],
  forecastOf: (b: BacktestRecord) => SeriesForecast | undefined,
  levels: readonly number[],
  horizon: number,
  windows: number,
): IntervalCalibration | undefined {
  if (INTERVAL_CALIBRATION === "off") return undefined;
  const sums = new SpreadSums(levels, horizon, windows);
  for (const b of backtests) {
    const f = forecastOf(b);
    if (f) sums.add(b.actual, f, b.window);
  }
  return calibrationFor(sums.state(), INTERVAL_CALIBRATION);
}

/** A calibrated copy of `f` (f itself is left alone). */
export function calibratedCopy(
  f: SeriesForecast,
  c: IntervalCalibration,
  levels: readonly number[],
): SeriesForecast {
  const out = applyCalibration(
    { mean: Float64Array.from(f.mean), quantiles: f.quantiles.map((q) => Float64Array.from(q)) },
    c,
  );
  enforceMonotoneQuantiles(levels, out.quantiles);
  return clampNonNegative(out);
}

/** A backtest record's component forecasts in the result's order: statistical parts, then the external ones. */
export function backtestParts(
  result: AutoPredictorResult,
  externalAt: (m: number, w: number) => ExternalMember,
): (b: BacktestRecord) => (SeriesForecast | undefined)[] {
  const nStat = result.statisticalComponents ?? 0;
  return (b) => [
    ...(b.parts ?? []),
    ...result.components.slice(nStat).map((_, m) => externalAt(m, b.window)(b.series)),
  ];
}
