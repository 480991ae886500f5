// Any per-series member fitted on the logarithm of the series (a Box–Cox transform with λ = 0, as R's
// auto.arima(lambda = 0)), for strictly positive data whose swings grow with its level: the member's errors become
// proportional to the level, which is what percentage errors (MAPE) measure. Where a value is zero or negative the
// series is fitted raw by the same member, unchanged. The forecast is mapped back by exp: every quantile exactly
// (a quantile of a monotone map is the map of the quantile); the point either as exp of the member's log-space
// point (the median of a lognormal, R's default without bias adjustment) or as the lognormal mean exp(m + s²/2),
// s the log-space spread read from the member's own quantiles.

import type { FitContext, FittedSeries, SeriesForecast, SeriesModel } from "./model.js";
import { normalCdf } from "./normal.js";

/** How the point forecast is mapped back: exp of the log-space point (a median), or the lognormal mean. */
export type LogPoint = "median" | "lognormal-mean";

/** Whether every value is finite and above zero: where a log transform, or a multiplicative model, applies. */
export function isStrictlyPositive(y: Float64Array): boolean {
  return y.every((v) => Number.isFinite(v) && v > 0);
}

/** The levels one log-space standard deviation either side of the median, Φ(−1) and Φ(1). */
const ONE_SD_LEVELS = [normalCdf(-1), normalCdf(1)];

class FittedLog implements FittedSeries {
  constructor(
    private readonly inLogs: FittedSeries,
    private readonly point: LogPoint,
  ) {}

  forecast(h: number, quantiles: readonly number[]): SeriesForecast {
    const lognormal = this.point === "lognormal-mean";
    const f = this.inLogs.forecast(h, lognormal ? [...quantiles, ...ONE_SD_LEVELS] : quantiles);
    const mean = new Float64Array(h);
    for (let t = 0; t < h; t++) {
      const m = f.mean[t] as number;
      if (!lognormal) {
        mean[t] = Math.exp(m);
        continue;
      }
      const low = f.quantiles[quantiles.length]?.[t] as number;
      const high = f.quantiles[quantiles.length + 1]?.[t] as number;
      const s = Math.max(0, (high - low) / 2);
      mean[t] = Math.exp(m + (s * s) / 2);
    }
    return {
      mean,
      quantiles: f.quantiles.slice(0, quantiles.length).map((q) => q.map(Math.exp)),
    };
  }
}

export class LogMemberModel implements SeriesModel {
  readonly usesRegressors?: boolean;

  constructor(
    private readonly member: SeriesModel,
    readonly name: string,
    private readonly point: LogPoint = "median",
  ) {
    this.usesRegressors = member.usesRegressors;
  }

  fit(y: Float64Array, ctx: FitContext): FittedSeries {
    if (!isStrictlyPositive(y)) return this.member.fit(y, ctx);
    return new FittedLog(this.member.fit(y.map(Math.log), ctx), this.point);
  }
}
