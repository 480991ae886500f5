// Hyndman's benchmark methods (FPP3 §5.2, §5.5): the last value, or the value one season ago, with intervals
// whose spread grows with the square root of the steps (naive) or of the completed season cycles (seasonal).

import { gaussianForecast } from "./gaussian.js";
import type { FitContext, FittedSeries, SeriesForecast, SeriesModel } from "./model.js";

/** Root mean square of the lag-`lag` differences: the residual scale of a random walk at that lag. */
export function lagResidualScale(y: Float64Array, lag: number): number {
  let sum = 0;
  let count = 0;
  for (let t = lag; t < y.length; t++) {
    const d = y[t] - y[t - lag];
    sum += d * d;
    count++;
  }
  return count > 0 ? Math.sqrt(sum / count) : 0;
}

class FittedLagWalk implements FittedSeries {
  constructor(
    private readonly lastCycle: Float64Array,
    private readonly sigma: number,
  ) {}

  forecast(h: number, quantiles: readonly number[]): SeriesForecast {
    const lag = this.lastCycle.length;
    const mean = new Float64Array(h);
    const sd = new Float64Array(h);
    for (let t = 0; t < h; t++) {
      mean[t] = this.lastCycle[t % lag];
      sd[t] = this.sigma * Math.sqrt(Math.floor(t / lag) + 1);
    }
    return gaussianForecast(mean, sd, quantiles);
  }
}

function fitLagWalk(y: Float64Array, lag: number): FittedSeries {
  if (y.length === 0) throw new RangeError("cannot fit an empty series");
  const usable = Math.min(lag, y.length);
  return new FittedLagWalk(y.slice(y.length - usable), lagResidualScale(y, usable));
}

export class NaiveModel implements SeriesModel {
  readonly name = "naive";
  fit(y: Float64Array, _ctx?: FitContext): FittedSeries {
    return fitLagWalk(y, 1);
  }
}

/** Seasonal naive; falls back to naive when the series is shorter than one season. */
export class SeasonalNaiveModel implements SeriesModel {
  readonly name = "snaive";
  fit(y: Float64Array, ctx: FitContext): FittedSeries {
    const lag = ctx.period > 1 && y.length >= ctx.period ? ctx.period : 1;
    return fitLagWalk(y, lag);
  }
}
