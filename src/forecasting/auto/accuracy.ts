// Accuracy of one backtest window across all series, in the shape GetAccuracyMetrics reports: wQL per quantile
// weighted by the volume of every series at once, WAPE and RMSE over all points, MASE averaged over series, MAPE
// over all non-zero points.

import { seasonalNaiveScale } from "../metrics.js";
import type { SeriesForecast } from "../model.js";

export interface ErrorMetric {
  ForecastType: string;
  WAPE: number;
  RMSE: number;
  MASE: number;
  MAPE: number;
}

export interface WindowAccuracy {
  /** Epoch ms of the window's first and last points. */
  start: number;
  end: number;
  itemCount: number;
  RMSE: number;
  WeightedQuantileLosses: { Quantile: number; LossValue: number }[];
  ErrorMetrics: ErrorMetric[];
  AverageWeightedQuantileLoss: number;
}

/** The sums behind a window's metrics: plain data, so chunks scored in different workers can be merged. */
export interface AccumulatorState {
  levels: number[];
  start: number;
  end: number;
  volume: number;
  items: number;
  points: number;
  pctPoints: number;
  maseItems: number;
  pinball: Float64Array;
  /** Per forecast type (mean, then each quantile as a point forecast). */
  absErr: Float64Array;
  sqErr: Float64Array;
  pctErr: Float64Array;
  maseSum: Float64Array;
}

/** Accumulates one window's errors series by series; `result()` gives the window's metrics. */
export class WindowAccumulator {
  private volume = 0;
  private items = 0;
  private readonly pinball: Float64Array;
  private readonly absErr: Float64Array;
  private readonly sqErr: Float64Array;
  private readonly pctErr: Float64Array;
  private readonly maseSum: Float64Array;
  private points = 0;
  private pctPoints = 0;
  private maseItems = 0;

  constructor(
    private readonly levels: readonly number[],
    private start: number,
    private end: number,
  ) {
    this.pinball = new Float64Array(levels.length);
    const types = levels.length + 1;
    this.absErr = new Float64Array(types);
    this.sqErr = new Float64Array(types);
    this.pctErr = new Float64Array(types);
    this.maseSum = new Float64Array(types);
  }

  state(): AccumulatorState {
    return {
      levels: [...this.levels],
      start: this.start,
      end: this.end,
      volume: this.volume,
      items: this.items,
      points: this.points,
      pctPoints: this.pctPoints,
      maseItems: this.maseItems,
      pinball: this.pinball,
      absErr: this.absErr,
      sqErr: this.sqErr,
      pctErr: this.pctErr,
      maseSum: this.maseSum,
    };
  }

  /** Adds the sums of another chunk's accumulator for the same window. */
  merge(other: AccumulatorState): this {
    if (Number.isNaN(this.start)) {
      this.start = other.start;
      this.end = other.end;
    }
    this.volume += other.volume;
    this.items += other.items;
    this.points += other.points;
    this.pctPoints += other.pctPoints;
    this.maseItems += other.maseItems;
    const add = (into: Float64Array, from: Float64Array) => {
      for (let i = 0; i < into.length; i++) into[i] = (into[i] as number) + (from[i] as number);
    };
    add(this.pinball, other.pinball);
    add(this.absErr, other.absErr);
    add(this.sqErr, other.sqErr);
    add(this.pctErr, other.pctErr);
    add(this.maseSum, other.maseSum);
    return this;
  }

  /** The merged metrics of several chunks' states for one window. */
  static combine(states: readonly AccumulatorState[]): WindowAccuracy {
    const first = states[0];
    if (!first) throw new RangeError("no accuracy to combine");
    const acc = new WindowAccumulator(first.levels, Number.NaN, Number.NaN);
    for (const st of states) acc.merge(st);
    return acc.result();
  }

  add(actual: Float64Array, forecast: SeriesForecast, history: Float64Array, period: number): void {
    this.items++;
    const scale = seasonalNaiveScale(history, period >= 1 && history.length > period ? period : 1);
    const points = [forecast.mean, ...forecast.quantiles];
    let counted = 0;
    const seriesAbs = new Float64Array(points.length);
    for (let t = 0; t < actual.length; t++) {
      const y = actual[t] as number;
      if (Number.isNaN(y)) continue;
      counted++;
      this.volume += Math.abs(y);
      for (let q = 0; q < this.levels.length; q++) {
        const tau = this.levels[q] as number;
        const d = y - ((forecast.quantiles[q] as Float64Array)[t] as number);
        this.pinball[q] = (this.pinball[q] as number) + 2 * (d > 0 ? tau * d : (tau - 1) * d);
      }
      for (let k = 0; k < points.length; k++) {
        const e = y - ((points[k] as Float64Array)[t] as number);
        this.absErr[k] = (this.absErr[k] as number) + Math.abs(e);
        seriesAbs[k] = (seriesAbs[k] as number) + Math.abs(e);
        this.sqErr[k] = (this.sqErr[k] as number) + e * e;
        if (y !== 0) this.pctErr[k] = (this.pctErr[k] as number) + Math.abs(e / y);
      }
      if (y !== 0) this.pctPoints++;
    }
    this.points += counted;
    if (counted > 0 && scale > 0 && Number.isFinite(scale)) {
      this.maseItems++;
      for (let k = 0; k < points.length; k++) {
        this.maseSum[k] = (this.maseSum[k] as number) + (seriesAbs[k] as number) / counted / scale;
      }
    }
  }

  result(): WindowAccuracy {
    const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
    const types = ["mean", ...this.levels.map(formatLevel)];
    const errorMetrics = types.map((type, k) => ({
      ForecastType: type,
      WAPE: ratio(this.absErr[k] as number, this.volume),
      RMSE: Math.sqrt(ratio(this.sqErr[k] as number, this.points)),
      MASE: ratio(this.maseSum[k] as number, this.maseItems),
      MAPE: ratio(this.pctErr[k] as number, this.pctPoints),
    }));
    const wql = this.levels.map((level, q) => ({
      Quantile: level,
      LossValue: ratio(this.pinball[q] as number, this.volume),
    }));
    return {
      start: this.start,
      end: this.end,
      itemCount: this.items,
      RMSE: (errorMetrics[0] as ErrorMetric).RMSE,
      WeightedQuantileLosses: wql,
      ErrorMetrics: errorMetrics,
      AverageWeightedQuantileLoss:
        wql.length > 0 ? wql.reduce((s, w) => s + w.LossValue, 0) / wql.length : Number.NaN,
    };
  }
}

/** 0.1 → "0.1", 0.05 → "0.05": the ForecastType text of a quantile level. */
export function formatLevel(level: number): string {
  return String(Number(level.toFixed(2)));
}

export type OptimizationMetric = "WAPE" | "RMSE" | "AverageWeightedQuantileLoss" | "MASE" | "MAPE";

/** One series' score under the optimization metric (lower is better), for choosing its member. */
export function seriesScore(
  metric: OptimizationMetric,
  actual: Float64Array,
  forecast: SeriesForecast,
  history: Float64Array,
  period: number,
  levels: readonly number[],
): number {
  const acc = new WindowAccumulator(levels, 0, 0);
  acc.add(actual, forecast, history, period);
  const r = acc.result();
  const mean = r.ErrorMetrics[0] as ErrorMetric;
  switch (metric) {
    case "WAPE":
      return mean.WAPE;
    case "RMSE":
      return mean.RMSE;
    case "MASE":
      return mean.MASE;
    case "MAPE":
      return mean.MAPE;
    case "AverageWeightedQuantileLoss":
      // With no volume wQL is undefined; fall back to absolute error so all-zero windows still rank members.
      return Number.isFinite(r.AverageWeightedQuantileLoss) ? r.AverageWeightedQuantileLoss : mean.RMSE;
  }
}
