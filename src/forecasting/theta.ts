// The standard Theta method (Assimakopoulos & Nikolopoulos 2000, in the form of Hyndman & Billah 2003 and R's
// forecast::thetaf): deseasonalise multiplicatively when the lag-m autocorrelation is significant at 90%, then
// SES plus a drift of half the linear-trend slope; intervals are those of SES.

import { isSeasonal, multiplicativeSeasonalIndices } from "./decompose.js";
import { gaussianForecast } from "./gaussian.js";
import type { FitContext, FittedSeries, SeriesForecast, SeriesModel } from "./model.js";
import { fitSes } from "./ses.js";

/** Slope of the least-squares line through (t, y_t), t = 0..n−1. */
export function linearSlope(y: Float64Array): number {
  const n = y.length;
  if (n < 2) return 0;
  const tMean = (n - 1) / 2;
  let yMean = 0;
  for (let t = 0; t < n; t++) yMean += y[t];
  yMean /= n;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - tMean) * (y[t] - yMean);
    sxx += (t - tMean) ** 2;
  }
  return sxy / sxx;
}

class FittedTheta implements FittedSeries {
  constructor(
    private readonly n: number,
    private readonly level: number,
    private readonly alpha: number,
    private readonly sigma: number,
    private readonly drift: number,
    /** Seasonal index per phase; null when not seasonal. */
    private readonly indices: Float64Array | null,
  ) {}

  forecast(h: number, quantiles: readonly number[]): SeriesForecast {
    const { n, level, alpha, sigma, drift, indices } = this;
    const mean = new Float64Array(h);
    const sd = new Float64Array(h);
    // The SES-with-drift forecast of Hyndman & Billah: ℓ_n + b·(j − 1 + (1 − (1 − α)^n) / α).
    const offset = (1 - (1 - alpha) ** n) / alpha;
    for (let j = 0; j < h; j++) {
      const factor = indices ? indices[(n + j) % indices.length] : 1;
      mean[j] = (level + drift * (j + offset)) * factor;
      sd[j] = sigma * Math.sqrt(j * alpha * alpha + 1);
    }
    return gaussianForecast(mean, sd, quantiles);
  }
}

export class ThetaModel implements SeriesModel {
  readonly name = "theta";

  fit(y: Float64Array, ctx: FitContext): FittedSeries {
    const n = y.length;
    if (n === 0) throw new RangeError("cannot fit an empty series");
    let indices: Float64Array | null = null;
    let x = y;
    let nonNegative = true;
    for (let t = 0; t < n; t++) if (y[t] < 0) nonNegative = false;
    // A multiplicative decomposition means nothing for data that changes sign; zeros are fine (as in R).
    if (nonNegative && isSeasonal(y, ctx.period, 0.9)) {
      const candidate = multiplicativeSeasonalIndices(y, ctx.period);
      if (candidate.every((v) => Math.abs(v) >= 1e-4)) {
        indices = candidate;
        x = new Float64Array(n);
        for (let t = 0; t < n; t++) x[t] = y[t] / candidate[t % ctx.period];
      }
    }
    const ses = fitSes(x);
    const alpha = Math.max(1e-10, ses.alpha);
    return new FittedTheta(n, ses.level, alpha, Math.sqrt(ses.sigma2), linearSlope(x) / 2, indices);
  }
}
