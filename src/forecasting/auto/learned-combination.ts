// The coordinator's half of an AutoPredictor whose statistical members are components of their own: merge the
// chunks' Gram matrices, solve the dataset-level weights on the simplex (simplex-weights.ts), apply the per-series
// switch where it is on, optionally stretch the quantiles by a calibration learned from the backtests
// (interval-calibration.ts), and score the combination on every backtest window with the sums GetAccuracyMetrics
// reports. The weights need the Gram sums alone; the per-chunk steps (decide, score) need that chunk's component
// forecasts, which the training job reads back from its spill one chunk at a time (jobs/backtest-spill.ts). Pure
// over the chunks' results; the caller gives the external members' backtest forecasts and the series' histories.

import { clampNonNegative, enforceMonotoneQuantiles, type SeriesForecast } from "../model.js";
import {
  type AccumulatorState,
  type OptimizationMetric,
  seriesScore,
  WindowAccumulator,
  type WindowAccuracy,
} from "./accuracy.js";
import type { AutoPredictorResult, BacktestRecord } from "./auto-predictor.js";
import { chooseMember } from "./auto-predictor.js";
import { type CombinationRecord, seriesWeights } from "./combined-model.js";
import { applyCalibration, type IntervalCalibration } from "./interval-calibration.js";
import { applyPointAdjustment, type PointAdjustment } from "./point-adjustment.js";
import { ErrorGram, objectiveText, simplexLeastSquares } from "./simplex-weights.js";
import { combined } from "./weights.js";

export interface LearnedCombinationInput {
  results: readonly { offset: number; result: AutoPredictorResult }[];
  /** External member m's backtest forecast of series `index` (in the set) in window `window`. */
  externalAt: (m: number, window: number, index: number) => SeriesForecast | undefined;
  /** The series' history as the members saw it (gaps bridged), by index in the set. */
  historyOf: (index: number) => Float64Array;
  period: number;
  levels: readonly number[];
  nonNegative: boolean;
  metric: OptimizationMetric;
  /** Whether a series may leave the learned statistical part for a member that beats it (SWITCH_MARGIN) in
   * every window. */
  switching: boolean;
  /** The predictor's point adjustment (members.ts pointAdjustmentFor): applied to every backtest forecast after the
   * calibration, so that the export and the accuracy metrics show the point the predictor forecasts. */
  point?: PointAdjustment;
}

export interface LearnedCombination {
  combination: CombinationRecord;
  /** Per series of the set: "" for the learned weights, else the member it switched to. */
  choices: string[];
  /** The combination's accuracy per window, as the predictor reports it. */
  windows: WindowAccuracy[];
  /** The combined backtest forecast of a chunk's record (for the backtest export). */
  forecastOf: (offset: number, record: BacktestRecord) => SeriesForecast | undefined;
}

/** The key of the learned statistical part among a series' switch candidates. */
const LEARNED = "";

/** Learns the weights and scores every chunk at once (learnedCombinationRun does it chunk by chunk). */
export function learnedCombination(input: LearnedCombinationInput): LearnedCombination {
  const run = learnedCombinationRun(input);
  for (const { offset, result } of input.results) run.addChunk(offset, result);
  return {
    combination: run.combination,
    choices: run.choices,
    windows: run.windows(),
    forecastOf: run.forecastOf,
  };
}

export interface LearnedCombinationRun {
  combination: CombinationRecord;
  /** Filled by decide: per series of the set, "" for the learned weights, else the member it switched to. */
  choices: string[];
  /** A record's backtest forecast as the predictor makes it (weights, switch, calibration once set). */
  forecastOf: LearnedCombination["forecastOf"];
  /** Decides the chunk's switches (its records' parts must be there) and scores it: decide, then score. A few ms
   * per chunk, so a caller on an event loop can pause between chunks. */
  addChunk: (offset: number, result: AutoPredictorResult) => void;
  /** Decides the switches of the chunk's series (before its forecasts are read). */
  decide: (offset: number, result: AutoPredictorResult) => void;
  /** Adds the chunk's backtests to the combination's accuracy per window. */
  score: (offset: number, result: AutoPredictorResult) => void;
  /** From now on, forecastOf stretches the quantiles by `calibration` (interval-calibration.ts). */
  calibrate: (calibration: IntervalCalibration) => void;
  /** The combination's accuracy per window over the chunks scored. */
  windows: () => WindowAccuracy[];
}

/** The weights, learned at once from the merged sums; the per-chunk work follows with addChunk. */
export function learnedCombinationRun(input: LearnedCombinationInput): LearnedCombinationRun {
  const { results, levels, nonNegative, period, metric } = input;
  const first = results[0]?.result;
  if (!first?.gram) throw new RangeError("no chunk with learned components");
  const components = first.components;
  const gram = ErrorGram.merge(results.map((r) => r.result.gram as NonNullable<AutoPredictorResult["gram"]>));
  const weights = simplexLeastSquares(gram);
  const nStat = first.statisticalComponents ?? 0;
  const statNames = components.slice(0, nStat);
  const combination: CombinationRecord = {
    components,
    weights,
    learned: {
      metric: objectiveText(gram.scale ?? "seasonal-naive", metric),
      candidates: [],
      scores: [],
      gram: { points: gram.points, skipped: gram.skipped, matrix: gram.gram },
    },
  };
  const statWeights = weights.slice(0, nStat);
  const statTotal = statWeights.reduce((a, b) => a + b, 0);

  // Per series: each window's statistical part and its score, against the switch candidates'.
  const choices: string[] = [];
  const decideSwitches = (offset: number, result: AutoPredictorResult) => {
    const perSeries = new Map<number, BacktestRecord[]>();
    for (const b of result.backtests) {
      const list = perSeries.get(b.series) ?? [];
      list.push(b);
      perSeries.set(b.series, list);
    }
    result.choices.forEach((_, i) => {
      choices[offset + i] = LEARNED;
      const records = perSeries.get(i) ?? [];
      if (!input.switching || statTotal === 0 || records.length === 0) return;
      const scores = new Map<string, number[]>();
      for (const b of records) {
        const part = combined(b.parts ?? [], statWeights, levels, nonNegative);
        const history = input.historyOf(offset + i).subarray(0, b.offset);
        const own = part ? seriesScore(metric, b.actual, part, history, period, levels) : Number.NaN;
        push(scores, LEARNED, Number.isFinite(own) ? own : Number.POSITIVE_INFINITY);
        for (const [name, score] of Object.entries(b.scores ?? {})) push(scores, name, score);
      }
      choices[offset + i] = chooseMember(scores, LEARNED);
    });
  };

  let calibration: IntervalCalibration | undefined;
  const calibrated = (f: SeriesForecast | undefined): SeriesForecast | undefined => {
    if (!f || !calibration) return f;
    applyCalibration(f, calibration);
    enforceMonotoneQuantiles(levels, f.quantiles);
    return nonNegative ? clampNonNegative(f) : f;
  };
  const { point } = input;
  const forecastOf = (offset: number, b: BacktestRecord): SeriesForecast | undefined => {
    const f = calibrated(uncalibratedOf(offset, b));
    return f && point ? applyPointAdjustment(f, levels, point) : f;
  };
  const uncalibratedOf = (offset: number, b: BacktestRecord): SeriesForecast | undefined => {
    const i = offset + b.series;
    const choice = choices[i] ?? LEARNED;
    const ext = components.slice(nStat).map((_, m) => input.externalAt(m, b.window, i));
    if (choice === LEARNED) return combined([...(b.parts ?? []), ...ext], weights, levels, nonNegative);
    const at = statNames.indexOf(choice);
    const own = at >= 0 ? b.parts?.[at] : b.others?.[choice];
    const w = seriesWeights(combination, choice);
    return combined(
      [own, ...ext],
      [w.get(choice) ?? 0, ...components.slice(nStat).map((c) => w.get(c) ?? 0)],
      levels,
      nonNegative,
    );
  };

  // The combination's accuracy per window: dates from the members' accumulators, sums over every record.
  const windowCount = (first.memberWindows[components[0] as string] ?? []).length;
  const acc = Array.from({ length: windowCount }, (_, w) => {
    const dated = results
      .map((r) => r.result.memberWindows[components[0] as string]?.[w])
      .find((st): st is AccumulatorState => st !== undefined && Number.isFinite(st.start));
    return new WindowAccumulator(levels, dated?.start ?? Number.NaN, dated?.end ?? Number.NaN);
  });
  const score = (offset: number, result: AutoPredictorResult) => {
    for (const b of result.backtests) {
      const f = forecastOf(offset, b);
      if (!f) continue;
      const history = input.historyOf(offset + b.series).subarray(0, b.offset);
      acc[b.window]?.add(b.actual, f, history, period);
    }
  };
  return {
    combination,
    choices,
    forecastOf,
    addChunk(offset, result) {
      decideSwitches(offset, result);
      score(offset, result);
    },
    decide: decideSwitches,
    score,
    calibrate(c) {
      calibration = c;
    },
    windows: () => acc.map((a) => a.result()),
  };
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}
