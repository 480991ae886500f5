// Candidates for the point forecast of a predictor whose OptimizationMetric is MAPE (tourism-validation.ts with
// POINT=1), all made from what the engine has after training: the calibrated combination's quantiles and its
// backtest forecasts (src/forecasting/auto/point-adjustment.ts). Each is scored beside the engine's mean, and the
// rule of bench/RESULTS.md ("Issue 14: a MAPE-optimal point forecast") picks one or none.

import {
  adjustedPoint,
  LOGNORMAL_GRID,
  learnPointFactors,
  lognormalFactors,
  type PointAdjustment,
  PointSums,
} from "../../src/forecasting/auto/point-adjustment.js";
import { type PercentErrorSum, pooledMape } from "../../src/forecasting/competition-metrics.js";
import type { SeriesForecast } from "../../src/forecasting/model.js";

/** One backtest forecast of the predictor (calibrated, as it reports it) and its actuals. */
export interface BacktestPoint {
  actual: Float64Array;
  forecast: SeriesForecast;
  window: number;
}

type Learn = (
  backtests: readonly BacktestPoint[],
  levels: readonly number[],
  steps: number,
  windows: number,
) => PointAdjustment;

const fixed =
  (adjustment: PointAdjustment): Learn =>
  () =>
    adjustment;

/** `start`, then one factor (or one per step) learned on the backtests of the point `start` makes. */
const factorOn =
  (start: Omit<PointAdjustment, "factors">, perStep: boolean): Learn =>
  (backtests, levels, steps, windows) => {
    const sums = new PointSums(steps, windows);
    const plain = { ...start, factors: [1] };
    for (const b of backtests) sums.add(b.actual, adjustedPoint(b.forecast, levels, plain), b.window);
    return { ...start, factors: learnPointFactors(sums.state(), perStep) };
  };

/** `base` times exp(−λ·s²), λ learned on the backtests (0: the base itself, 1: the lognormal's MAPE point). */
const exponentOn =
  (base: PointAdjustment["base"]): Learn =>
  (backtests, levels, steps, windows) => {
    const sums = new PointSums(steps, windows, LOGNORMAL_GRID);
    const plain = { base, lognormal: 0, factors: [1] };
    for (const b of backtests)
      sums.add(
        b.actual,
        adjustedPoint(b.forecast, levels, plain),
        b.window,
        lognormalFactors(b.forecast, levels),
      );
    return { base, lognormal: learnPointFactors(sums.state(), false, 0)[0] as number, factors: [1] };
  };

/** Learned parameters of a candidate, for the rule's preference of the simpler among near ties. */
export interface PointCandidate {
  label: string;
  learn: Learn;
  parameters: "none" | "one" | "per step";
}

export const REFERENCE_POINT = "point: mean (engine)";

export const POINT_CANDIDATES: readonly PointCandidate[] = [
  {
    label: REFERENCE_POINT,
    learn: fixed({ base: "mean", lognormal: 0, factors: [1] }),
    parameters: "none",
  },
  {
    label: "point: median",
    learn: fixed({ base: "median", lognormal: 0, factors: [1] }),
    parameters: "none",
  },
  {
    label: "point: (a) median·exp(−s²)",
    learn: fixed({ base: "median", lognormal: 1, factors: [1] }),
    parameters: "none",
  },
  {
    label: "point: (a) mean·exp(−s²)",
    learn: fixed({ base: "mean", lognormal: 1, factors: [1] }),
    parameters: "none",
  },
  {
    label: "point: (b) mean × factor",
    learn: factorOn({ base: "mean", lognormal: 0 }, false),
    parameters: "one",
  },
  {
    label: "point: (b) mean × factor per step",
    learn: factorOn({ base: "mean", lognormal: 0 }, true),
    parameters: "per step",
  },
  {
    label: "point: (c) median × factor",
    learn: factorOn({ base: "median", lognormal: 0 }, false),
    parameters: "one",
  },
  {
    label: "point: (c) median·exp(−s²) × factor",
    learn: factorOn({ base: "median", lognormal: 1 }, false),
    parameters: "one",
  },
  { label: "point: (c) median·exp(−λs²), λ learned", learn: exponentOn("median"), parameters: "one" },
  { label: "point: (c) mean·exp(−λs²), λ learned", learn: exponentOn("mean"), parameters: "one" },
  {
    label: "point: (c) mean·exp(−s²) × factor",
    learn: factorOn({ base: "mean", lognormal: 1 }, false),
    parameters: "one",
  },
];

/** Each candidate's forecasts (the quantiles shared, the mean replaced) and its learned factors, for the notes. */
export function pointForecasts(
  backtests: readonly BacktestPoint[],
  finals: readonly SeriesForecast[],
  levels: readonly number[],
  steps: number,
  windows: number,
): { label: string; forecasts: SeriesForecast[]; factors: number[] }[] {
  return POINT_CANDIDATES.map(({ label, learn }) => {
    const adjustment = learn(backtests, levels, steps, windows);
    return {
      label,
      factors: [...adjustment.factors, ...(adjustment.lognormal !== 0 ? [adjustment.lognormal] : [])],
      forecasts: finals.map((f) => ({ mean: adjustedPoint(f, levels, adjustment), quantiles: f.quantiles })),
    };
  });
}

/** What the rule reads of a row's scores at one period and origin. */
export interface PointCell {
  mase: number;
  maseCount: number;
  smape: number;
  count: number;
  mape: PercentErrorSum[];
}

/**
 * The rule, written before the runs (bench/RESULTS.md): against the engine's mean, a candidate qualifies if (1)
 * its mean over the origins of the MAPE pooled over every period is lower, (2) on every period its mean over the
 * origins of the period's MAPE is not higher, and (3) on no period is its mean over the origins of MASE higher by
 * more than 3%. The qualifier with the least mean pooled MAPE wins; within 0.05 MAPE points of it, the one with
 * fewer learned parameters (none < one < per step).
 */
export function printPointRule(
  periodNames: readonly string[],
  origins: number,
  cellOf: (row: string, period: string, origin: number) => PointCell,
): void {
  const os = Array.from({ length: origins }, (_, o) => o + 1);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const perPeriod = (row: string, p: string, pick: (c: PointCell) => number) =>
    mean(os.map((o) => pick(cellOf(row, p, o))));
  const mapeOf = (c: PointCell) => pooledMape(c.mape);
  const maseOf = (c: PointCell) => c.mase / c.maseCount;
  const smapeOf = (c: PointCell) => c.smape / c.count;
  const pooledPerOrigin = (row: string) =>
    os.map((o) => pooledMape(periodNames.flatMap((p) => cellOf(row, p, o).mape)));
  const rank = { none: 0, one: 1, "per step": 2 };
  const ref = {
    pooled: mean(pooledPerOrigin(REFERENCE_POINT)),
    mape: periodNames.map((p) => perPeriod(REFERENCE_POINT, p, mapeOf)),
    mase: periodNames.map((p) => perPeriod(REFERENCE_POINT, p, maseOf)),
  };
  const judged = POINT_CANDIDATES.map((c) => {
    const pooled = mean(pooledPerOrigin(c.label));
    const mape = periodNames.map((p) => perPeriod(c.label, p, mapeOf));
    const mase = periodNames.map((p) => perPeriod(c.label, p, maseOf));
    const smape = periodNames.map((p) => perPeriod(c.label, p, smapeOf));
    const qualifies =
      c.label !== REFERENCE_POINT &&
      pooled < ref.pooled &&
      mape.every((v, i) => v <= (ref.mape[i] as number)) &&
      mase.every((v, i) => v <= 1.03 * (ref.mase[i] as number));
    return { ...c, pooled, perOrigin: pooledPerOrigin(c.label), mape, mase, smape, qualifies };
  });
  const qualified = judged.filter((j) => j.qualifies).sort((a, b) => a.pooled - b.pooled);
  const least = qualified[0]?.pooled ?? Number.NaN;
  const winner = qualified
    .filter((j) => j.pooled <= least + 0.05)
    .sort((a, b) => rank[a.parameters] - rank[b.parameters] || a.pooled - b.pooled)[0];
  console.log(
    "\n### The point forecast for OptimizationMetric MAPE: means over the origins (the rule of bench/RESULTS.md)\n",
  );
  console.log(
    `| candidate | pooled MAPE per origin | mean pooled MAPE | ${periodNames.map((p) => `${p} MAPE / MASE / sMAPE`).join(" | ")} | qualifies |\n|---|---|---|${periodNames.map(() => "---|").join("")}---|`,
  );
  for (const j of judged)
    console.log(
      `| ${j.label}${j === winner ? " **wins**" : ""} | ${j.perOrigin.map((v) => v.toFixed(2)).join(" / ")} | ${j.pooled.toFixed(3)} | ` +
        `${periodNames.map((_, i) => `${(j.mape[i] as number).toFixed(2)} / ${(j.mase[i] as number).toFixed(3)} / ${(j.smape[i] as number).toFixed(2)}`).join(" | ")} | ${j.label === REFERENCE_POINT ? "reference" : j.qualifies} |`,
    );
  console.log(winner ? `\nWinner: ${winner.label}` : "\nNo candidate wins: the point stays the mean.");
}
