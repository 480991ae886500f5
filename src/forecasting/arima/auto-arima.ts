// Automatic ARIMA as a forecasting member: differencing orders by tests, ARMA orders by stepwise AICc search
// over CSS fits, forecasts by recursion on the differenced series then integration, and intervals from the ψ
// weights of the full (differenced) model. Short or degenerate series fall back to a random walk.

import { gaussianForecast } from "../gaussian.js";
import type { FitContext, FittedSeries, SeriesForecast, SeriesModel } from "../model.js";
import { NaiveModel, SeasonalNaiveModel } from "../naive.js";
import type { ArmaFit } from "./css-fit.js";
import { chooseD, chooseSeasonalD, difference } from "./differencing.js";
import { arPolynomial, differencingPolynomial, maPolynomial, multiply, psiWeights } from "./polynomial.js";
import { DEFAULT_LIMITS, type SearchLimits, stepwiseSearch } from "./stepwise.js";

export interface ArimaOrder {
  readonly p: number;
  readonly d: number;
  readonly q: number;
  readonly seasonalP: number;
  readonly seasonalD: number;
  readonly seasonalQ: number;
  readonly period: number;
  readonly constant: boolean;
}

export class FittedArima implements FittedSeries {
  readonly order: ArimaOrder;

  constructor(
    private readonly y: Float64Array,
    private readonly w: Float64Array,
    private readonly fit: ArmaFit,
    d: number,
    seasonalD: number,
  ) {
    const s = fit.spec;
    this.order = {
      p: s.p,
      d,
      q: s.q,
      seasonalP: s.seasonalP,
      seasonalD,
      seasonalQ: s.seasonalQ,
      period: s.period,
      constant: s.constant,
    };
  }

  get sigma2(): number {
    return this.fit.sigma2;
  }

  get aicc(): number {
    return this.fit.aicc;
  }

  forecast(h: number, quantiles: readonly number[]): SeriesForecast {
    const { y, w, fit, order } = this;
    const { ar, ma, mean: mu, residuals } = fit;
    const nw = w.length;
    const wExt = new Float64Array(nw + h);
    wExt.set(w);
    for (let t = nw; t < nw + h; t++) {
      let v = 0;
      for (let j = 1; j <= ar.length; j++) if (t - j >= 0) v += ar[j - 1] * (wExt[t - j] - mu);
      for (let j = t - nw + 1; j <= ma.length; j++) if (t - j >= 0) v += ma[j - 1] * residuals[t - j];
      wExt[t] = mu + v;
    }
    const delta = differencingPolynomial(order.d, order.seasonalD, order.period);
    const n = y.length;
    const yExt = new Float64Array(n + h);
    yExt.set(y);
    for (let i = 0; i < h; i++) {
      let v = wExt[nw + i];
      for (let j = 1; j < delta.length; j++) v -= delta[j] * yExt[n + i - j];
      yExt[n + i] = v;
    }
    const arFull = multiply(arPolynomial(ar), delta);
    const psi = psiWeights(arFull, maPolynomial(ma), h);
    const sd = new Float64Array(h);
    let cumulative = 0;
    for (let i = 0; i < h; i++) {
      cumulative += psi[i] * psi[i];
      sd[i] = Math.sqrt(fit.sigma2 * cumulative);
    }
    return gaussianForecast(yExt.slice(n), sd, quantiles);
  }
}

/** Fits the automatic ARIMA, or returns null when the series cannot carry one. */
export function autoArima(
  y: Float64Array,
  period: number,
  limits: SearchLimits = DEFAULT_LIMITS,
): FittedArima | null {
  if (!y.every(Number.isFinite)) return null;
  const m = period > 1 && y.length >= 2 * period + 1 ? period : 1;
  const seasonalD = m > 1 ? chooseSeasonalD(y, m) : 0;
  let x = seasonalD ? difference(y, m) : y;
  const d = chooseD(x, seasonalD ? 1 : 2);
  for (let i = 0; i < d; i++) x = difference(x);
  // Undifferenced and too short for a mean (ARMA(0,0) with a constant needs 4 points for its AICc: n > k + 2 with
  // k = 2, the mean and σ²), the search would be left with zero-mean white noise, forecasting 0 for level data
  // (a 3-point series of tens got a mean of 0 and a negative p10): the random walk stands in.
  if (d + seasonalD === 0 && x.length < 4) return null;
  // Seasonal ARMA terms need a few cycles left after differencing.
  const seasonal = m > 1 && x.length >= 3 * m;
  const fit = stepwiseSearch(x, m, seasonal, d + seasonalD <= 1, limits);
  return fit ? new FittedArima(y, x, fit, d, seasonalD) : null;
}

export class ArimaModel implements SeriesModel {
  readonly name = "arima";

  constructor(private readonly limits: SearchLimits = DEFAULT_LIMITS) {}

  fit(y: Float64Array, ctx: FitContext): FittedSeries {
    try {
      const fitted = autoArima(y, ctx.period, this.limits);
      if (fitted) return fitted;
    } catch {
      // A numeric failure in one series must not fail the predictor; the random walk below stands in.
    }
    return (ctx.period > 1 && y.length >= ctx.period ? new SeasonalNaiveModel() : new NaiveModel()).fit(
      y,
      ctx,
    );
  }
}
