// Equal-weight combinations of members, which on the M3/M4/tourism data beat most single members. Quantiles are
// combined level by level (Vincentization), which keeps them ordered when every member's are.

import {
  checkQuantileLevels,
  enforceMonotoneQuantiles,
  type FitContext,
  type FittedSeries,
  type SeriesForecast,
  type SeriesModel,
} from "./model.js";

export type Combiner = "mean" | "median";

function combineInto(
  out: Float64Array,
  arrays: readonly Float64Array[],
  how: Combiner,
  scratch: Float64Array,
): void {
  const k = arrays.length;
  for (let t = 0; t < out.length; t++) {
    if (how === "mean") {
      let s = 0;
      for (let i = 0; i < k; i++) s += arrays[i][t];
      out[t] = s / k;
    } else {
      for (let i = 0; i < k; i++) scratch[i] = arrays[i][t];
      // scratch has exactly k slots, so sorting it in place needs no view per step.
      const sorted = scratch.sort();
      out[t] = k % 2 === 1 ? sorted[(k - 1) / 2] : 0.5 * (sorted[k / 2 - 1] + sorted[k / 2]);
    }
  }
}

/** Combines member forecasts of the same horizon and quantile levels, step by step. */
export function combineForecasts(
  forecasts: readonly SeriesForecast[],
  levels: readonly number[],
  how: Combiner,
): SeriesForecast {
  if (forecasts.length === 0) throw new RangeError("nothing to combine");
  const h = forecasts[0].mean.length;
  const scratch = new Float64Array(forecasts.length);
  const mean = new Float64Array(h);
  combineInto(
    mean,
    forecasts.map((f) => f.mean),
    how,
    scratch,
  );
  const quantiles = levels.map((_, k) => {
    const q = new Float64Array(h);
    combineInto(
      q,
      forecasts.map((f) => f.quantiles[k]),
      how,
      scratch,
    );
    return q;
  });
  enforceMonotoneQuantiles(levels, quantiles);
  return { mean, quantiles };
}

class FittedCombination implements FittedSeries {
  constructor(
    private readonly members: readonly FittedSeries[],
    private readonly how: Combiner,
  ) {}

  forecast(h: number, quantiles: readonly number[]): SeriesForecast {
    checkQuantileLevels(quantiles);
    return combineForecasts(
      this.members.map((m) => m.forecast(h, quantiles)),
      quantiles,
      this.how,
    );
  }
}

export class CombinationModel implements SeriesModel {
  readonly name: string;

  constructor(
    private readonly members: readonly SeriesModel[],
    private readonly how: Combiner = "mean",
  ) {
    if (members.length === 0) throw new RangeError("a combination needs members");
    this.name = `${how}(${members.map((m) => m.name).join(",")})`;
  }

  fit(y: Float64Array, ctx: FitContext): FittedSeries {
    return new FittedCombination(
      this.members.map((m) => m.fit(y, ctx)),
      this.how,
    );
  }
}
