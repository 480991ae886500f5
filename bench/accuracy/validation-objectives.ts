// The learned weights' objective per OptimizationMetric, judged on the tourism validation split (called by
// tourism-validation.ts with OBJECTIVES=1). From one backtest run of the engine's components per period, the weights
// are learned again under every objective — the mean squared error under each ErrorScale of simplex-weights.ts
// (the engine's merged Gram sums), and, to see whether absolute errors would beat squares at all, the mean
// absolute scaled / percentage error solved exactly on the pooled points by iteratively reweighted least squares
// (not mergeable across chunks, so only worth building if it wins). Each weighting forecasts the held-out points
// from the same member fits, its interval calibrated by the engine's policy, and is scored on every metric the
// predictor can optimise: MASE (competition), MAPE, WAPE, RMSE, mean wQL, with the p10–p90 coverage.

import type { AutoPredictorResult } from "../../src/forecasting/auto/auto-predictor.js";
import { forecastCombined } from "../../src/forecasting/auto/auto-predictor.js";
import {
  applyCalibration,
  calibrationFor,
  SpreadSums,
} from "../../src/forecasting/auto/interval-calibration.js";
import { learnedCombination } from "../../src/forecasting/auto/learned-combination.js";
import { bridgeGaps, INTERVAL_CALIBRATION } from "../../src/forecasting/auto/members.js";
import {
  ErrorGram,
  type ErrorGramState,
  type ErrorScale,
  simplexLeastSquares,
} from "../../src/forecasting/auto/simplex-weights.js";
import { combined } from "../../src/forecasting/auto/weights.js";
import { pooledMape } from "../../src/forecasting/competition-metrics.js";
import { seasonalNaiveScale } from "../../src/forecasting/metrics.js";
import {
  clampNonNegative,
  enforceMonotoneQuantiles,
  type SeriesForecast,
} from "../../src/forecasting/model.js";
import type { PreparedSeries } from "../../src/forecasting/series-set.js";
import { emptyHoldoutCell, type HoldoutCell, scoreHoldout } from "./holdout-score.js";

interface Objective {
  label: string;
  scale: ErrorScale;
  /** Absolute instead of squared errors (IRLS on the pooled points). */
  absolute: boolean;
  /** Squares: this Gram plus the seasonal naive one, each divided by its trace (a shrinkage of the metric's
   * objective towards the MASE proxy; still mergeable: two Gram sums). */
  mixed?: boolean;
  /** The scale chosen per dataset: each candidate's weights learned on the older windows, scored on the latest by
   * this metric, the best one's weights then learned on all windows (a second pass over the chunks). */
  chosenFor?: Metric;
}

type Metric = "MASE" | "MAPE" | "WAPE" | "RMSE" | "wQL";
const CANDIDATE_SCALES: ErrorScale[] = ["seasonal-naive", "actual", "window-level", "none"];

const OBJECTIVES: Objective[] = [
  {
    label: "squares, seasonal naive MAE (MASE proxy; the engine before)",
    scale: "seasonal-naive",
    absolute: false,
  },
  { label: "squares, |actual| (MAPE proxy)", scale: "actual", absolute: false },
  { label: "squares, window's mean |actual|", scale: "window-level", absolute: false },
  { label: "squares, unscaled (WAPE / RMSE proxy)", scale: "none", absolute: false },
  {
    label: "mix: seasonal naive + |actual|, trace-normalised",
    scale: "actual",
    absolute: false,
    mixed: true,
  },
  {
    label: "mix: seasonal naive + window's mean |actual|, trace-normalised",
    scale: "window-level",
    absolute: false,
    mixed: true,
  },
  { label: "mix: seasonal naive + unscaled, trace-normalised", scale: "none", absolute: false, mixed: true },
  ...(["MASE", "MAPE", "WAPE", "RMSE", "wQL"] as const).map((metric) => ({
    label: `squares, the scale best by ${metric} on the latest window`,
    scale: "seasonal-naive" as const,
    absolute: false,
    chosenFor: metric,
  })),
  { label: "absolute, seasonal naive MAE (IRLS, pooled points)", scale: "seasonal-naive", absolute: true },
  { label: "absolute, |actual| (IRLS, pooled points)", scale: "actual", absolute: true },
  { label: "absolute, unscaled (IRLS, pooled points)", scale: "none", absolute: true },
];

type Cell = HoldoutCell;

export interface PeriodInput {
  period: string;
  grid: { horizon: number; period: number };
  set: PreparedSeries[];
  /** The validation histories and held-out points, by series. */
  fit: Float64Array[];
  tail: Float64Array[];
  /** The engine's backtests of its learned components (backtestAutoPredictor with learnedMembers). */
  result: AutoPredictorResult;
  levels: number[];
}

export class ObjectiveComparison {
  private readonly cells = new Map<string, Map<string, Cell>>();
  private readonly notes: string[] = [];
  private readonly periods: string[] = [];

  add(input: PeriodInput): void {
    const { period, grid, set, fit, tail, result, levels } = input;
    this.periods.push(period);
    const m = grid.period;
    const components = result.components;
    // Every component's forecast of the held-out points, fitted once and shared by every weighting.
    const memberForecasts = components.map((c) =>
      forecastCombined(
        grid,
        set,
        set.map(() => ""),
        { components: [c], weights: [1] },
        levels,
        true,
      ),
    );
    const historyOf = (i: number) => bridgeGaps((set[i] as PreparedSeries).target);
    for (const objective of OBJECTIVES) {
      const chosen = objective.chosenFor
        ? chooseScale(result, historyOf, m, levels, objective.chosenFor)
        : objective.scale;
      const gram = objective.absolute
        ? irlsGram(result, historyOf, m, objective.scale)
        : objective.chosenFor
          ? gramOf(result, historyOf, m, chosen)
          : objective.mixed
            ? mixed(
                gramOf(result, historyOf, m, "seasonal-naive"),
                gramOf(result, historyOf, m, objective.scale),
              )
            : gramOf(result, historyOf, m, objective.scale);
      const learned = learnedCombination({
        results: [{ offset: 0, result: { ...result, gram } }],
        externalAt: () => undefined,
        historyOf,
        period: m,
        levels,
        nonNegative: true,
        metric: "AverageWeightedQuantileLoss",
        switching: false,
      });
      const weights = learned.combination.weights;
      const sums = new SpreadSums(
        levels,
        grid.horizon,
        Math.max(...result.backtests.map((b) => b.window)) + 1,
      );
      for (const b of result.backtests) {
        const f = learned.forecastOf(0, b);
        if (f) sums.add(b.actual, f, b.window);
      }
      const calibration =
        INTERVAL_CALIBRATION === "off" ? undefined : calibrationFor(sums.state(), INTERVAL_CALIBRATION);
      const cell = this.cell(objective.label, period, levels);
      set.forEach((_, i) => {
        let f = combined(
          memberForecasts.map((fs) => fs[i]),
          weights,
          levels,
          true,
        ) as SeriesForecast;
        if (calibration) {
          f = applyCalibration(f, calibration);
          enforceMonotoneQuantiles(levels, f.quantiles);
          f = clampNonNegative(f);
        }
        scoreHoldout(cell, tail[i] as Float64Array, fit[i] as Float64Array, m, f, levels);
      });
      this.notes.push(
        `${period}, ${objective.label}${objective.chosenFor ? ` (${chosen})` : ""}: ${components.map((c, k) => `${c} ${(weights[k] as number).toFixed(2)}`).join(", ")}`,
      );
    }
  }

  print(): void {
    const metricsOf = (cells: Cell[]) => {
      const sum = (f: (c: Cell) => number) => cells.reduce((s, c) => s + f(c), 0);
      const volume = sum((c) => c.volume);
      const points = sum((c) => c.points);
      const levels = cells[0]?.pinball.length ?? 0;
      const wql = Array.from({ length: levels }, (_, k) => sum((c) => c.pinball[k] as number) / volume);
      return {
        mase: sum((c) => c.mase) / sum((c) => c.maseCount),
        mape: pooledMape(cells.flatMap((c) => c.mape)),
        wape: sum((c) => c.absErr) / volume,
        rmse: Math.sqrt(sum((c) => c.sqErr) / points),
        wql: wql.reduce((a, b) => a + b, 0) / Math.max(1, levels),
        coverage: (100 * sum((c) => c.hits)) / points,
      };
    };
    const scopes = [
      ...this.periods.map((p) => [p, [p]] as const),
      ["all periods pooled", this.periods] as const,
    ];
    for (const [scope, periods] of scopes) {
      console.log(`\n### Objectives of the learned weights: ${scope} (validation split)\n`);
      console.log(
        "| objective | MASE | MAPE | WAPE | RMSE | mean wQL | p10–p90 coverage |\n|---|---|---|---|---|---|---|",
      );
      for (const { label } of OBJECTIVES) {
        const r = metricsOf(periods.map((p) => this.cells.get(label)?.get(p) as Cell));
        console.log(
          `| ${label} | ${r.mase.toFixed(4)} | ${r.mape.toFixed(3)} | ${r.wape.toFixed(5)} | ${r.rmse.toFixed(1)} | ${r.wql.toFixed(5)} | ${r.coverage.toFixed(1)}% |`,
        );
      }
    }
    console.log(`\n${this.notes.join("\n")}`);
  }

  private cell(label: string, period: string, levels: number[]): Cell {
    let byPeriod = this.cells.get(label);
    if (!byPeriod) {
      byPeriod = new Map();
      this.cells.set(label, byPeriod);
    }
    let c = byPeriod.get(period);
    if (!c) {
      c = emptyHoldoutCell(levels);
      byPeriod.set(period, c);
    }
    return c;
  }
}

/** The candidate scale whose weights, learned on every window but the latest, score best there by `metric`. */
function chooseScale(
  result: AutoPredictorResult,
  historyOf: (i: number) => Float64Array,
  m: number,
  levels: number[],
  metric: Metric,
): ErrorScale {
  const older = { ...result, backtests: result.backtests.filter((b) => b.window > 0) };
  const latest = result.backtests.filter((b) => b.window === 0);
  let best: ErrorScale = "seasonal-naive";
  let bestValue = Number.POSITIVE_INFINITY;
  for (const scale of CANDIDATE_SCALES) {
    const w = simplexLeastSquares(gramOf(older, historyOf, m, scale));
    const cell = emptyHoldoutCell(levels);
    for (const b of latest) {
      const f = combined(b.parts ?? [], w, levels, true);
      if (f) scoreHoldout(cell, b.actual, historyOf(b.series).subarray(0, b.offset), m, f, levels);
    }
    const value = {
      MASE: cell.mase / cell.maseCount,
      MAPE: pooledMape(cell.mape),
      WAPE: cell.absErr / cell.volume,
      RMSE: Math.sqrt(cell.sqErr / cell.points),
      wQL: cell.pinball.reduce((a, v) => a + v, 0) / cell.volume,
    }[metric];
    // Ties (within 0.1%) keep the earlier scale: the MASE proxy first.
    if (value < bestValue * (1 - 1e-3)) {
      bestValue = value;
      best = scale;
    }
  }
  return best;
}

/** The engine's Gram sums under another scale, from the same backtests (what a chunk would have summed). */
function gramOf(
  result: AutoPredictorResult,
  historyOf: (i: number) => Float64Array,
  m: number,
  scale: ErrorScale,
): ErrorGramState {
  const gram = new ErrorGram(result.components.length, scale);
  for (const b of result.backtests)
    gram.add(
      b.actual,
      (b.parts ?? []).map((f) => f?.mean),
      historyOf(b.series).subarray(0, b.offset),
      m,
    );
  return gram.state();
}

/** a/tr(a) + b/tr(b): both objectives at equal strength, whatever their units. */
function mixed(a: ErrorGramState, b: ErrorGramState): ErrorGramState {
  const trace = (g: ErrorGramState) => {
    let t = 0;
    for (let i = 0; i < g.k; i++) t += g.gram[i * g.k + i] as number;
    return t > 0 ? t : 1;
  };
  const ta = trace(a);
  const tb = trace(b);
  return { ...a, gram: a.gram.map((v, i) => v / ta + (b.gram[i] as number) / tb) };
}

/**
 * The weights on the simplex minimising the sum of absolute scaled errors over the pooled points, by iteratively
 * reweighted least squares (each point weighted by 1/|its combined error|, floored), returned as the Gram sums of
 * the last iteration, whose simplex least-squares solution is those weights.
 */
function irlsGram(
  result: AutoPredictorResult,
  historyOf: (i: number) => Float64Array,
  m: number,
  scale: ErrorScale,
): ErrorGramState {
  const k = result.components.length;
  const rows: Float64Array[] = [];
  for (const b of result.backtests) {
    const parts = (b.parts ?? []).map((f) => f?.mean);
    if (!parts.every((f) => f?.every(Number.isFinite))) continue;
    let s = 1;
    if (scale === "seasonal-naive") {
      const history = historyOf(b.series).subarray(0, b.offset);
      s = seasonalNaiveScale(history, m);
      if (!(s > 0)) s = history.reduce((a, v) => a + Math.abs(v), 0) / Math.max(1, history.length);
      if (!(s > 0)) continue;
    } else if (scale === "window-level") {
      s = b.actual.reduce((a, v) => a + Math.abs(v), 0) / Math.max(1, b.actual.length);
      if (!(s > 0)) continue;
    }
    b.actual.forEach((y, t) => {
      if (!Number.isFinite(y) || (scale === "actual" && y === 0)) return;
      const d = scale === "actual" ? Math.abs(y) : s;
      rows.push(Float64Array.from(parts, (f) => (((f as Float64Array)[t] as number) - y) / d));
    });
  }
  const gramWith = (r: (p: number) => number): ErrorGramState => {
    const gram = new Array<number>(k * k).fill(0);
    rows.forEach((e, p) => {
      const wp = r(p);
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++) gram[i * k + j] += wp * (e[i] as number) * (e[j] as number);
    });
    return { k, scale, gram, points: rows.length, skipped: 0 };
  };
  let state = gramWith(() => 1);
  let w = simplexLeastSquares(state);
  for (let iter = 0; iter < 50; iter++) {
    const resid = rows.map((e) => Math.abs(e.reduce((a, v, i) => a + v * (w[i] as number), 0)));
    const floor = 1e-6 * (resid.reduce((a, v) => a + v, 0) / Math.max(1, resid.length)) + 1e-300;
    state = gramWith((p) => 1 / Math.max(resid[p] as number, floor));
    const next = simplexLeastSquares(state);
    const moved = next.reduce((a, v, i) => a + Math.abs(v - (w[i] as number)), 0);
    w = next;
    if (moved < 1e-7) break;
  }
  return state;
}
