// The Theta method as the M3 competition ran it (Assimakopoulos & Nikolopoulos 2000, IJF 16:521–530):
// deseasonalise multiplicatively where the 90% autocorrelation test says so (theta-deseason.ts), decompose the
// series into the theta = 0 line (the least-squares line) and the theta = 2 line (2·y − line, which doubles the
// local curvatures), extrapolate the first as a line and the second by simple exponential smoothing, and average
// the two with equal weights. Hyndman & Billah (2003) showed this is close to SES with drift (theta.ts, R's
// thetaf), but not equal: here SES is fitted to the theta = 2 line, so its α and level differ.
// The method states no intervals; the point forecast is half the SES forecast of the theta = 2 line plus a fixed
// line, so its error is half that line's SES error, and the SES variance σ²·(1 + (j − 1)·α²) is used for it.

import { gaussianForecast } from "./gaussian.js";
import type { FitContext, FittedSeries, SeriesForecast, SeriesModel } from "./model.js";
import { fitSes } from "./ses.js";
import { deseasonalize, reseasonalize } from "./theta-deseason.js";

/** Intercept and slope of the least-squares line through (t, y_t), t = 1..n. */
export function leastSquaresLine(y: Float64Array): { intercept: number; slope: number } {
  const n = y.length;
  let yMean = 0;
  for (let t = 0; t < n; t++) yMean += y[t];
  yMean /= n;
  if (n < 2) return { intercept: yMean, slope: 0 };
  const tMean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t + 1 - tMean) * (y[t] - yMean);
    sxx += (t + 1 - tMean) ** 2;
  }
  const slope = sxy / sxx;
  return { intercept: yMean - slope * tMean, slope };
}

export interface ThetaLinesFit {
  readonly intercept: number;
  readonly slope: number;
  /** SES of the theta = 2 line: its α, its level after the data, its one-step residual variance. */
  readonly alpha: number;
  readonly level: number;
  readonly sigma2: number;
}

/** The two theta lines of a (seasonally adjusted) series; `alpha` fixes the SES parameter (tests). */
export function fitThetaLines(x: Float64Array, alpha?: number): ThetaLinesFit {
  const n = x.length;
  const { intercept, slope } = leastSquaresLine(x);
  const z = new Float64Array(n);
  for (let t = 0; t < n; t++) z[t] = 2 * x[t] - (intercept + slope * (t + 1));
  const ses = fitSes(z, alpha);
  return { intercept, slope, alpha: ses.alpha, level: ses.level, sigma2: ses.sigma2 };
}

class FittedThetaM3 implements FittedSeries {
  constructor(
    private readonly n: number,
    private readonly lines: ThetaLinesFit,
    private readonly indices: Float64Array | null,
  ) {}

  forecast(h: number, quantiles: readonly number[]): SeriesForecast {
    const { n, lines } = this;
    const mean = new Float64Array(h);
    const sd = new Float64Array(h);
    const sigma = Math.sqrt(lines.sigma2);
    for (let j = 0; j < h; j++) {
      mean[j] = 0.5 * (lines.intercept + lines.slope * (n + j + 1)) + 0.5 * lines.level;
      sd[j] = 0.5 * sigma * Math.sqrt(1 + j * lines.alpha * lines.alpha);
    }
    const result = gaussianForecast(mean, sd, quantiles);
    reseasonalize([result.mean, ...result.quantiles], this.indices, n);
    return result;
  }
}

export class ThetaM3Model implements SeriesModel {
  readonly name = "theta-m3";

  fit(y: Float64Array, ctx: FitContext): FittedSeries {
    if (y.length === 0) throw new RangeError("cannot fit an empty series");
    const { adjusted, indices } = deseasonalize(y, ctx.period);
    return new FittedThetaM3(y.length, fitThetaLines(adjusted), indices);
  }
}
