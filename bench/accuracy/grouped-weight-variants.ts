// Combination weights per group of series and per segment of the horizon (grouped-weights.ts)
// as bench variants of tourism-validation.ts (GROUPED=1, with GLOBAL_AR=1 and the engine's global-ar variant): each
// variant learns its cells' weights from the same backtests as the engine's combination (statistical components
// and global-ar(engine)), learns the engine's interval calibration from its own backtest forecasts, and forecasts
// with the same components' final forecasts; under an OptimizationMetric with a point adjustment (MAPE: the
// median) that adjustment follows, as in the engine. The rule of bench/RESULTS.md ("Issue 14: weights per group of
// series and per horizon segment") is printed against the engine's row.

import type { AutoPredictorResult, ExternalMember } from "../../src/forecasting/auto/auto-predictor.js";
import { bridgeGaps } from "../../src/forecasting/auto/members.js";
import { applyPointAdjustment, type PointAdjustment } from "../../src/forecasting/auto/point-adjustment.js";
import type { SeriesForecast } from "../../src/forecasting/model.js";
import { backtestParts, calibratedCopy, engineCalibration } from "./engine-steps.js";
import {
  GroupedErrorGram,
  type GroupedWeights,
  type GroupFeature,
  groupedWeights,
  groupOf,
  groupThresholds,
  segmentedCombined,
  segmentStarts,
  seriesFeature,
  seriesSegmentWeights,
} from "./grouped-weights.js";

export interface GroupedVariant {
  label: string;
  /** Segments of the horizon (1: one weight vector for every step). */
  segments: number;
  /** The feature that groups the series (none: one group). */
  feature?: GroupFeature;
  groups: number;
  /** Shrinkage of a group's Gram toward the set's (grouped-weights.ts groupedWeights). */
  lambda: number;
}

/** The variants, fixed before the first full run (bench/RESULTS.md). The first is a check: it must equal the
 * engine's row exactly. */
export const GROUPED_VARIANTS: GroupedVariant[] = [
  { label: "grouped: 1 group, 1 segment (check = engine)", segments: 1, groups: 1, lambda: 0 },
  { label: "grouped: segments halves", segments: 2, groups: 1, lambda: 0 },
  { label: "grouped: segments thirds", segments: 3, groups: 1, lambda: 0 },
  { label: "grouped: length terciles, λ 0.25", segments: 1, feature: "length", groups: 3, lambda: 0.25 },
  { label: "grouped: length terciles, λ 1", segments: 1, feature: "length", groups: 3, lambda: 1 },
  {
    label: "grouped: volatility terciles, λ 0.25",
    segments: 1,
    feature: "volatility",
    groups: 3,
    lambda: 0.25,
  },
  { label: "grouped: volatility terciles, λ 1", segments: 1, feature: "volatility", groups: 3, lambda: 1 },
  {
    label: "grouped: halves + length terciles, λ 0.25",
    segments: 2,
    feature: "length",
    groups: 3,
    lambda: 0.25,
  },
  {
    label: "grouped: halves + volatility terciles, λ 0.25",
    segments: 2,
    feature: "volatility",
    groups: 3,
    lambda: 0.25,
  },
];

export interface GroupedInput {
  /** The engine's backtest result over its components (statistical, then global-ar(engine)). */
  result: AutoPredictorResult;
  /** External component m's backtest forecast of series i in window w. */
  externalAt: (m: number, w: number) => ExternalMember;
  /** Every component's final forecast of series i, in the result's component order. */
  finalParts: (i: number) => (SeriesForecast | undefined)[];
  /** The histories the engine trained on. */
  fit: readonly Float64Array[];
  period: number;
  horizon: number;
  levels: readonly number[];
  point?: PointAdjustment;
}

export interface GroupedOutcome {
  label: string;
  forecasts: SeriesForecast[];
  /** In-process milliseconds of the work beyond the plain combination's: features, cells' sums, solves, and the
   * segmented combinations of the backtests and finals (an upper bound of the extra cost). */
  ms: number;
  note: string;
}

export function groupedVariants(variants: readonly GroupedVariant[], input: GroupedInput): GroupedOutcome[] {
  const { result, fit, period, horizon, levels } = input;
  const k = result.components.length;
  const scale = result.gram?.scale ?? "seasonal-naive";
  const windowParts = backtestParts(result, input.externalAt);
  return variants.map((v) => {
    const t0 = performance.now();
    const values = v.feature ? fit.map((y) => seriesFeature(v.feature as GroupFeature, y, period)) : [];
    const thresholds = v.feature ? groupThresholds(values, v.groups) : [];
    const groups = fit.map((_, i) => (v.feature ? groupOf(thresholds, values[i] as number) : 0));
    const starts = segmentStarts(horizon, v.segments);
    const gram = new GroupedErrorGram(k, v.feature ? v.groups : 1, starts, scale);
    for (const b of result.backtests) {
      const history = bridgeGaps(fit[b.series] as Float64Array).subarray(0, b.offset);
      gram.add(
        groups[b.series] as number,
        b.actual,
        windowParts(b).map((f) => f?.mean),
        history,
        period,
      );
    }
    const gw: GroupedWeights = {
      feature: v.feature ?? "length",
      thresholds,
      starts,
      weights: groupedWeights(gram.state(), v.lambda),
    };
    const forecastOf = (parts: (SeriesForecast | undefined)[], i: number) =>
      segmentedCombined(parts, seriesSegmentWeights(gw, groups[i] as number), starts, levels, true);
    const c = engineCalibration(
      result.backtests,
      (b) => forecastOf(windowParts(b), b.series),
      levels,
      horizon,
      Math.max(0, ...result.backtests.map((b) => b.window)) + 1,
    );
    const forecasts = fit.map((_, i) => {
      const f = forecastOf(input.finalParts(i), i) as SeriesForecast;
      const out = c ? calibratedCopy(f, c, levels) : f;
      return input.point ? applyPointAdjustment(out, levels, input.point) : out;
    });
    const ms = performance.now() - t0;
    const sizes = Array.from({ length: gw.weights.length / starts.length }, (_, g) =>
      groups.reduce((n, x) => n + (x === g ? 1 : 0), 0),
    );
    const note =
      `${v.label}: thresholds [${thresholds.map((t) => t.toPrecision(3)).join(", ")}], groups of ${sizes.join("/")} series, ` +
      `segments from steps [${starts.map((s) => s + 1).join(", ")}]; weights (${result.components.join(", ")}) ` +
      gw.weights.map((w) => `[${w.map((x) => x.toFixed(2)).join(" ")}]`).join(" ");
    return { label: v.label, forecasts, ms, note };
  });
}

/** One row's figures at one period and origin. */
export interface RuleCell {
  mase: number;
  mapeSum: number;
  mapePoints: number;
  wql: number;
}

/**
 * The rule of bench/RESULTS.md ("Issue 14: weights per group of series and per horizon segment"; the same rule
 * judged the recency-weighted windows, recency-weight-variants.ts), the conditions this run can check: with the default metric conditions 1 and 3, with MAPE conditions 2 and 3 (condition 4, the
 * cost, from the variants' timings).
 */
export function printGroupedRule(
  periodNames: string[],
  origins: number,
  reference: string,
  variants: string[],
  at: (row: string, period: string, origin: number) => RuleCell,
  mapeMetric: boolean,
  title = "Grouped weights",
): void {
  const os = Array.from({ length: origins }, (_, o) => o + 1);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const periodMean = (row: string, p: string, f: (c: RuleCell) => number) =>
    mean(os.map((o) => f(at(row, p, o))));
  const pooledAt = (row: string, o: number) => {
    const cs = periodNames.map((p) => at(row, p, o));
    return cs.reduce((a, c) => a + c.mapeSum, 0) / cs.reduce((a, c) => a + c.mapePoints, 0);
  };
  const pooled = (row: string) => mean(os.map((o) => pooledAt(row, o)));
  const mape = (c: RuleCell) => c.mapeSum / c.mapePoints;
  const ratio = (row: string, p: string, f: (c: RuleCell) => number) =>
    periodMean(row, p, f) / periodMean(reference, p, f);
  const pct = (x: number) => `${x >= 1 ? "+" : ""}${(100 * (x - 1)).toFixed(2)}%`;
  console.log(
    `\n### ${title}: the rule against ${reference} (${mapeMetric ? "MAPE predictor: conditions 2 and 3" : "default predictor: conditions 1 and 3"})\n`,
  );
  console.log(
    `| variant | ${periodNames.map((p) => `${p} MASE / MAPE / wQL vs reference`).join(" | ")} | mean pooled MAPE (reference ${pooled(reference).toFixed(3)}) | origin 1 pooled MAPE (reference ${pooledAt(reference, 1).toFixed(2)}) | ${periodNames.map((p) => `${p} MASE at origin 1`).join(" | ")} | ${mapeMetric ? "2" : "1"} | 3 |\n|---|${periodNames.map(() => "---|").join("")}---|---|${periodNames.map(() => "---|").join("")}---|---|`,
  );
  for (const row of variants) {
    const mase = periodNames.map((p) => ratio(row, p, (c) => c.mase));
    const mp = periodNames.map((p) => ratio(row, p, mape));
    const wql = periodNames.map((p) => ratio(row, p, (c) => c.wql));
    const mase1 = periodNames.map((p) => at(row, p, 1).mase / at(reference, p, 1).mase);
    const cond1 =
      mase.every((x) => x <= 1.002) && mp.every((x) => x <= 1.002) && wql.every((x) => x <= 1.005);
    const cond2 = pooled(row) <= 0.99 * pooled(reference) && mp.every((x) => x <= 1.002);
    const cond3 = pooledAt(row, 1) <= pooledAt(reference, 1) && mase1.every((x) => x <= 1.01);
    console.log(
      `| ${row} | ${periodNames.map((_, i) => `${pct(mase[i] as number)} / ${pct(mp[i] as number)} / ${pct(wql[i] as number)}`).join(" | ")} | ` +
        `${pooled(row).toFixed(3)} (${pct(pooled(row) / pooled(reference))}) | ${pooledAt(row, 1).toFixed(2)} | ` +
        `${mase1.map(pct).join(" | ")} | ${mapeMetric ? cond2 : cond1} | ${cond3} |`,
    );
  }
}
