// ETS restricted to multiplicative seasons (R's MNM, MAM, MAdM), for strictly positive seasonal data: the
// seasonal swing grows with the level, as it does in most tourism series. The models and their admissible
// parameters are those of ets/ (R's "usual" bounds: α, β ≤ α, γ ≤ 1 − α, 0.8 ≤ φ ≤ 0.98; additive error with a
// multiplicative season is left out, as R does, for its numerical instability). Where no such model can be
// fitted (no usable season, a zero or negative value) the member falls back to the given non-seasonal choice.

import { EtsModel, FittedEts } from "./ets/auto-ets.js";
import { isStrictlyPositive } from "./log-member.js";
import type { FitContext, FittedSeries, SeriesModel } from "./model.js";

export const MULTIPLICATIVE_SEASON_MODELS = ["MNM", "MAM", "MAdM"];

export class MultiplicativeSeasonEtsModel implements SeriesModel {
  readonly name = "ets-mseason";
  private readonly seasonal = new EtsModel({ models: MULTIPLICATIVE_SEASON_MODELS, name: this.name });

  constructor(private readonly fallback: SeriesModel) {}

  fit(y: Float64Array, ctx: FitContext): FittedSeries {
    const best = y.length >= 3 && isStrictlyPositive(y) ? this.seasonal.search(y, ctx.period) : null;
    return best ? new FittedEts(best, y.length, 1000, 42) : this.fallback.fit(y, ctx);
  }
}
