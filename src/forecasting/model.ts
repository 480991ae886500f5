// The contract every statistical member follows: fit on one series, then forecast a mean and quantiles.
// Kept as small as statsforecast's model objects so ensembles and backtests compose members blindly.

export interface FitContext {
  /** Seasonal period of the series' frequency (1 = no seasonality); see periods.ts. */
  readonly period: number;
  /**
   * Covariates known for the history and ahead (related time series, holiday indicators), given only to members
   * that use them (`SeriesModel.usesRegressors`). Each is aligned with y: index i goes with y[i], index
   * y.length + j with forecast step j + 1. Finite values; the forecast needs them `h` steps past the history.
   */
  readonly regressors?: readonly Float64Array[];
}

export interface SeriesForecast {
  mean: Float64Array;
  /** One array per requested quantile level, in the order the levels were requested. */
  quantiles: Float64Array[];
}

export interface FittedSeries {
  forecast(h: number, quantiles: readonly number[]): SeriesForecast;
}

/**
 * A member. `y` must be finite (the data layer fills missing values first, as Amazon's featurization does);
 * members that cannot fit a series fall back to a simpler one rather than throw.
 */
export interface SeriesModel {
  readonly name: string;
  /** Whether fit reads `FitContext.regressors` (callers skip building them otherwise). */
  readonly usesRegressors?: boolean;
  fit(y: Float64Array, ctx: FitContext): FittedSeries;
}

/** Throws unless every level lies strictly inside (0, 1); Amazon's ForecastTypes are 0.01..0.99. */
export function checkQuantileLevels(levels: readonly number[]): void {
  for (const level of levels) {
    if (!(level > 0 && level < 1)) throw new RangeError(`quantile level must be in (0, 1), got ${level}`);
  }
}

/**
 * Makes quantiles non-decreasing in their level at every step, whatever order the levels were asked in.
 * Models that build quantiles independently (simulation, interpolation) can otherwise cross by rounding.
 */
export function enforceMonotoneQuantiles(levels: readonly number[], quantiles: Float64Array[]): void {
  if (quantiles.length < 2) return;
  const order = levels.map((_, i) => i).sort((a, b) => levels[a] - levels[b]);
  const h = quantiles[0].length;
  for (let t = 0; t < h; t++) {
    let running = Number.NEGATIVE_INFINITY;
    for (const i of order) {
      const q = quantiles[i];
      if (q[t] < running) q[t] = running;
      else running = q[t];
    }
  }
}

/** For non-negative targets (demand, counts): floors the mean and every quantile at zero, in place. */
export function clampNonNegative(forecast: SeriesForecast): SeriesForecast {
  const arrays = [forecast.mean, ...forecast.quantiles];
  for (const a of arrays) {
    for (let t = 0; t < a.length; t++) if (a[t] < 0) a[t] = 0;
  }
  return forecast;
}
