// ETS through augurs (Rust/WASM): AutoETS over the non-seasonal family ('ZZN'), and MSTL with an AutoETS
// trend for seasonal series, since augurs' AutoETS has no seasonal models. augurs states one central interval;
// its half-width over z gives the standard deviation behind any normal quantile. Anything augurs cannot fit
// (too short, NaN, numeric failure) falls back to a simpler member instead of failing the whole predictor.

import { augursEts, augursMstl } from "./augurs-wasm.js";
import { gaussianForecast, zForCentralLevel } from "./gaussian.js";
import type { FitContext, FittedSeries, SeriesForecast, SeriesModel } from "./model.js";
import { NaiveModel, SeasonalNaiveModel } from "./naive.js";
import { canUseSeason } from "./periods.js";

const INTERVAL_LEVEL = 0.95;

interface AugursPredictor {
  predict(
    horizon: number,
    level?: number | null,
  ): { point: number[]; intervals?: { lower: number[]; upper: number[] } };
}

class FittedAugurs implements FittedSeries {
  constructor(
    private readonly model: AugursPredictor,
    private readonly fallback: FittedSeries,
  ) {}

  forecast(h: number, quantiles: readonly number[]): SeriesForecast {
    let prediction: ReturnType<AugursPredictor["predict"]>;
    try {
      prediction = this.model.predict(h, INTERVAL_LEVEL);
    } catch {
      return this.fallback.forecast(h, quantiles);
    }
    const mean = Float64Array.from(prediction.point);
    if (mean.length !== h || !mean.every(Number.isFinite)) return this.fallback.forecast(h, quantiles);
    const sd = new Float64Array(h);
    const z = zForCentralLevel(INTERVAL_LEVEL);
    const intervals = prediction.intervals;
    if (intervals) {
      for (let t = 0; t < h; t++) sd[t] = Math.max(0, (intervals.upper[t] - intervals.lower[t]) / (2 * z));
    }
    return gaussianForecast(mean, sd, quantiles);
  }
}

/** Fewest observations augurs' AutoETS accepts for the non-seasonal family. */
const MIN_LENGTH = 4;

export class AugursEtsModel implements SeriesModel {
  readonly name = "ets-augurs";

  fit(y: Float64Array, ctx: FitContext): FittedSeries {
    const seasonal = canUseSeason(y.length, ctx.period);
    const fallback = (seasonal ? new SeasonalNaiveModel() : new NaiveModel()).fit(y, ctx);
    if (y.length < MIN_LENGTH || !y.every(Number.isFinite)) return fallback;
    try {
      if (seasonal) {
        const model = augursMstl().MSTL.ets([ctx.period]);
        model.fit(y);
        return new FittedAugurs(model, fallback);
      }
      const model = new (augursEts().AutoETS)(1, "ZZN");
      model.fit(y);
      return new FittedAugurs(model, fallback);
    } catch {
      return fallback;
    }
  }
}
