// Combinations of members: equal-weight ones (mean, median), which on the M3/M4/tourism data beat most single
// members, and the weighted sum the AutoPredictor forecasts with. Quantiles are combined level by level
// (Vincentization), which keeps them ordered when every member's are.

import {
  checkQuantileLevels,
  clampNonNegative,
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

/**
 * The weighted sum Σ_m w_m·f_m of member forecasts, mean and each quantile level alike, with the weights of the
 * members present (an undefined forecast or a zero weight is left out, and the others' weights are rescaled to
 * sum 1). Linear in each member's output, so Shapley values of the sum are the weighted sums of the members'
 * (explain/combined.ts). Not finished: make it monotone and floor it with finishForecast.
 */
export function weightedForecast(
  forecasts: readonly (SeriesForecast | undefined)[],
  weights: readonly number[],
): SeriesForecast {
  if (forecasts.length !== weights.length) throw new RangeError("one weight per forecast");
  let total = 0;
  let first: SeriesForecast | undefined;
  forecasts.forEach((f, m) => {
    const w = weights[m] as number;
    if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`weights must be finite and >= 0, got ${w}`);
    if (f && w > 0) {
      total += w;
      first ??= f;
    }
  });
  if (!first) throw new RangeError("no member with a positive weight has a forecast");
  const h = first.mean.length;
  const mean = new Float64Array(h);
  const quantiles = first.quantiles.map(() => new Float64Array(h));
  forecasts.forEach((f, m) => {
    const w = (weights[m] as number) / total;
    if (!f || w === 0) return;
    for (let t = 0; t < h; t++) mean[t] += w * f.mean[t];
    quantiles.forEach((q, k) => {
      const from = f.quantiles[k];
      for (let t = 0; t < h; t++) q[t] += w * from[t];
    });
  });
  return { mean, quantiles };
}

/** Quantiles made non-crossing, then (for non-negative targets) everything floored at 0, in place. */
export function finishForecast(
  f: SeriesForecast,
  levels: readonly number[],
  nonNegative: boolean,
): SeriesForecast {
  enforceMonotoneQuantiles(levels, f.quantiles);
  return nonNegative ? clampNonNegative(f) : f;
}
