// Learned combination weights with the backtest windows weighted by recency (AutoPredictorOptions.windowRecency,
// simplex-weights.ts windowWeight) as bench variants of tourism-validation.ts (RECENCY=1, with GLOBAL_AR=1 and the
// engine's global-ar variant). Each variant sums the Gram matrix of the engine's components (statistical, then
// global-ar(engine)) again from the engine's own backtest records, window w counting r^w, exactly as the engine's
// backtest does with that option; then, like the engine, learns the weights, the interval calibration (the
// engine's policy, its own recency untouched) from its backtest forecasts, and forecasts with the same
// components' final forecasts, with the engine's point for the metric. No member is fitted again.

import type { OptimizationMetric } from "../../src/forecasting/auto/accuracy.js";
import type { AutoPredictorResult, ExternalMember } from "../../src/forecasting/auto/auto-predictor.js";
import { forecastCombined } from "../../src/forecasting/auto/auto-predictor.js";
import { learnedCombination } from "../../src/forecasting/auto/learned-combination.js";
import { applyPointAdjustment, type PointAdjustment } from "../../src/forecasting/auto/point-adjustment.js";
import { ErrorGram, windowWeight } from "../../src/forecasting/auto/simplex-weights.js";
import type { SeriesForecast } from "../../src/forecasting/model.js";
import type { PreparedSeries } from "../../src/forecasting/series-set.js";
import { backtestParts, calibratedCopy, engineCalibration } from "./engine-steps.js";

export interface RecencyVariant {
  label: string;
  /** Window w (0 the latest) counts recency^w in the Gram sums. */
  recency: number;
}

/** The variants, fixed before the first full run (bench/RESULTS.md). The first is a check: it must equal the
 * engine's row exactly. */
export const RECENCY_VARIANTS: RecencyVariant[] = [
  { label: "recency: r 1 (check = engine)", recency: 1 },
  { label: "recency: r 0.5", recency: 0.5 },
  { label: "recency: r 0.25", recency: 0.25 },
  { label: "recency: latest window alone (r 0)", recency: 0 },
];

export interface RecencyInput {
  /** The engine's backtest result over its components (statistical, then global-ar(engine)). */
  result: AutoPredictorResult;
  /** External component m's backtest forecast in window w. */
  externalAt: (m: number, w: number) => ExternalMember;
  /** The external components' final forecasts, by name. */
  finals: Record<string, ExternalMember>;
  set: readonly PreparedSeries[];
  historyOf: (i: number) => Float64Array;
  period: number;
  horizon: number;
  windows: number;
  levels: readonly number[];
  metric: OptimizationMetric;
  point?: PointAdjustment;
}

export interface RecencyOutcome {
  label: string;
  forecasts: SeriesForecast[];
  weights: number[];
  /** In-process milliseconds of the Gram sums from the records: what the option adds to the engine is the one
   * multiplication per point and component it makes inside sums the engine makes anyway, so this bounds it. */
  gramMs: number;
  note: string;
}

export function recencyVariants(variants: readonly RecencyVariant[], input: RecencyInput): RecencyOutcome[] {
  const { result, levels, period, horizon } = input;
  const k = result.components.length;
  const scale = result.gram?.scale ?? "seasonal-naive";
  const windowParts = backtestParts(result, input.externalAt);
  return variants.map((v) => {
    const t0 = performance.now();
    const gram = new ErrorGram(k, scale);
    for (const b of result.backtests)
      gram.add(
        b.actual,
        windowParts(b).map((f) => f?.mean),
        input.historyOf(b.series).subarray(0, b.offset),
        period,
        windowWeight(v.recency, b.window),
      );
    const gramMs = performance.now() - t0;
    const lc = learnedCombination({
      results: [{ offset: 0, result: { ...result, gram: gram.state() } }],
      externalAt: (m, w, i) => input.externalAt(m, w)(i),
      historyOf: input.historyOf,
      period,
      levels,
      nonNegative: true,
      metric: input.metric,
      switching: false,
    });
    const c = engineCalibration(result.backtests, (b) => lc.forecastOf(0, b), levels, horizon, input.windows);
    const forecasts = forecastCombined(
      { horizon, period },
      input.set,
      lc.choices,
      lc.combination,
      levels,
      true,
      input.finals,
    ).map((f) => {
      const out = c ? calibratedCopy(f, c, levels) : f;
      return input.point ? applyPointAdjustment(out, levels, input.point) : out;
    });
    const weights = lc.combination.weights;
    const note = `${v.label}: weights (${result.components.join(", ")}) [${weights.map((x) => x.toFixed(2)).join(" ")}]; Gram sums ${gramMs.toFixed(1)} ms`;
    return { label: v.label, forecasts, weights, gramMs, note };
  });
}
