// Outlier cleaning before the fits (src/forecasting/outliers.ts) as candidates of the validation bench
// (tourism-validation.ts with CLEAN=3,2, ORIGINS=3 and GLOBAL_AR=1): per k, (a) the per-series members fit the
// cleaned history of every backtest window and of the final fit, global-ar the raw one; (b) global-ar's windows and
// final fit from the cleaned histories too. The backtests are scored against the raw actuals and the seasonal-naive
// scales stay the raw history's. The rule of bench/RESULTS.md ("Issue 14: outlier cleaning before the fits") is
// printed against the engine row, for the predictor of the run's METRIC.

import { DEFAULT_OUTLIER_CLEANING, type OutlierCleaning } from "../../src/forecasting/outliers.js";
import type { HoldoutCell } from "./holdout-score.js";

export interface CleanVariant {
  cleaning: OutlierCleaning;
  /** Row of (a): the members on cleaned histories. */
  members: string;
  /** Row of (b): global-ar on cleaned histories too. */
  all: string;
}

/**
 * CLEAN=3,2: one pair of candidates per fence width k (maxShare the cleaner's default); CLEAN_KEEP=n: the latest n
 * points of every history are never replaced.
 */
export function cleanVariantsFromEnv(env: NodeJS.ProcessEnv = process.env): CleanVariant[] {
  if (!env.CLEAN) return [];
  const keepLatest = Number(env.CLEAN_KEEP ?? "0");
  const label = (k: string) => `clean k=${k}${keepLatest > 0 ? `, latest ${keepLatest} kept` : ""}`;
  return env.CLEAN.split(",").map((k) => ({
    cleaning: { ...DEFAULT_OUTLIER_CLEANING, k: Number(k), ...(keepLatest > 0 ? { keepLatest } : {}) },
    members: `${label(k)}: members, engine calibration`,
    all: `${label(k)}: members + global-ar, engine calibration`,
  }));
}

/**
 * The rule's figures for each candidate against the reference row, and the criteria the run can judge: 1 for the
 * default predictor, 2 for METRIC=MAPE, 3 for both (criterion 4, the cost, is in the notes).
 */
export function printCleanRule(
  periodNames: readonly string[],
  origins: number,
  reference: string,
  candidates: readonly string[],
  cellOf: (row: string, period: string, origin: number) => HoldoutCell,
  mapePredictor: boolean,
): void {
  const os = Array.from({ length: origins }, (_, o) => o + 1);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const mase = (c: HoldoutCell) => c.mase / c.maseCount;
  const wql = (c: HoldoutCell) => c.pinball.reduce((a, p) => a + p / c.volume, 0) / c.pinball.length;
  const mapeSum = (c: HoldoutCell) => c.mape.reduce((a, p) => a + p.sum, 0);
  const mapePoints = (c: HoldoutCell) => c.mape.reduce((a, p) => a + p.points, 0);
  const mape = (c: HoldoutCell) => mapeSum(c) / mapePoints(c);
  const perPeriod = (row: string, p: string, f: (c: HoldoutCell) => number) =>
    mean(os.map((o) => f(cellOf(row, p, o))));
  const pooledAt = (row: string, o: number) => {
    const cs = periodNames.map((p) => cellOf(row, p, o));
    return cs.reduce((a, c) => a + mapeSum(c), 0) / cs.reduce((a, c) => a + mapePoints(c), 0);
  };
  const pooled = (row: string) => mean(os.map((o) => pooledAt(row, o)));
  const f2 = (x: number) => x.toFixed(2);
  const f4 = (x: number) => x.toFixed(4);
  console.log(
    `\n### Outlier cleaning against ${reference} (${mapePredictor ? "MAPE" : "default"} predictor; means over the origins)\n`,
  );
  console.log(
    `| row | ${periodNames.map((p) => `${p} MASE / MAPE / wQL`).join(" | ")} | pooled MAPE per origin | mean pooled MAPE | origin 1 MASE per period |\n|---|${periodNames.map(() => "---|").join("")}---|---|---|`,
  );
  for (const row of [reference, ...candidates])
    console.log(
      `| ${row} | ${periodNames.map((p) => `${perPeriod(row, p, mase).toFixed(3)} / ${f2(perPeriod(row, p, mape))} / ${f4(perPeriod(row, p, wql))}`).join(" | ")} | ` +
        `${os.map((o) => f2(pooledAt(row, o))).join(" / ")} | ${pooled(row).toFixed(3)} | ${periodNames.map((p) => mase(cellOf(row, p, 1)).toFixed(3)).join(" / ")} |`,
    );
  console.log(
    `\n| candidate | ${periodNames.map((p) => `${p} MASE / MAPE / wQL ratio`).join(" | ")} | mean pooled MAPE ratio | origin 1 pooled MAPE ratio | origin 1 MASE ratios | criterion ${mapePredictor ? "2" : "1"} | criterion 3 |\n|---|${periodNames.map(() => "---|").join("")}---|---|---|---|---|`,
  );
  for (const row of candidates) {
    const r = (p: string, f: (c: HoldoutCell) => number) => perPeriod(row, p, f) / perPeriod(reference, p, f);
    const ratios = periodNames.map((p) => [r(p, mase), r(p, mape), r(p, wql)] as const);
    const pooledRatio = pooled(row) / pooled(reference);
    const latestRatio = pooledAt(row, 1) / pooledAt(reference, 1);
    const latestMase = periodNames.map((p) => mase(cellOf(row, p, 1)) / mase(cellOf(reference, p, 1)));
    const main = mapePredictor
      ? pooledRatio <= 0.99 && ratios.every(([, m]) => m <= 1.002)
      : ratios.every(([s, m, w]) => s <= 1.002 && m <= 1.002 && w <= 1.005);
    const latest = latestRatio <= 1 && latestMase.every((x) => x <= 1.01);
    console.log(
      `| ${row} | ${ratios.map((x) => x.map(f4).join(" / ")).join(" | ")} | ${f4(pooledRatio)} | ${f4(latestRatio)} | ${latestMase.map(f4).join(" / ")} | ${main} | ${latest} |`,
    );
  }
}
