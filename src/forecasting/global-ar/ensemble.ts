// An ensemble of pooled autoregressions (global-ar.ts) that differ in their settings (how many recent origins they
// train on, how many lags they read), combined step by step: the way N-BEATS makes itself robust to its lookback by
// an ensemble over lookbacks. Each member is an ordinary GlobalArModel; the ensemble forecasts each member and takes,
// per step and per quantile level, the geometric mean ("logmean": the mean in log space, where every member's
// value is positive), the arithmetic mean ("mean") or the median ("median") of the members' values.

import type { SeriesForecast } from "../model.js";
import {
  fitGlobalAr,
  forecastGlobalAr,
  type GlobalArModel,
  type GlobalArOptions,
  type GlobalArSeries,
} from "./global-ar.js";

export type GlobalArCombine = "logmean" | "mean" | "median";

export const GLOBAL_AR_COMBINES: readonly GlobalArCombine[] = ["logmean", "mean", "median"];

/** Fitted members and how their forecasts are combined: plain data, so it can cross threads and be stored as JSON. */
export interface GlobalArEnsembleModel {
  members: GlobalArModel[];
  combine: GlobalArCombine;
}

/** Fits one model per member's options on the same series. */
export function fitGlobalArEnsemble(
  series: readonly GlobalArSeries[],
  members: readonly GlobalArOptions[],
  combine: GlobalArCombine,
): GlobalArEnsembleModel {
  if (members.length === 0) throw new RangeError("an ensemble needs at least one member");
  if (!GLOBAL_AR_COMBINES.includes(combine)) throw new RangeError(`unknown combination ${combine}`);
  const { horizon, levels } = members[0] as GlobalArOptions;
  for (const o of members)
    if (
      o.horizon !== horizon ||
      o.levels.length !== levels.length ||
      o.levels.some((l, i) => l !== levels[i])
    )
      throw new RangeError("the members of an ensemble must share their horizon and quantile levels");
  return { members: members.map((o) => fitGlobalAr(series, o)), combine };
}

/** The combination of `values` (one per member): geometric mean, mean or median. */
export function combineValues(values: readonly number[], combine: GlobalArCombine): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  if (combine === "median") {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = n >> 1;
    return n % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  }
  let sum = 0;
  // The geometric mean needs positive values; a member at 0 (an all-zero window) makes it the arithmetic mean.
  const logs = combine === "logmean" && values.every((v) => v > 0);
  for (const v of values) sum += logs ? Math.log(v) : v;
  return logs ? Math.exp(sum / n) : sum / n;
}

/** Per step, the combination of the members' means and of each quantile level. */
export function combineForecasts(
  forecasts: readonly SeriesForecast[],
  combine: GlobalArCombine,
): SeriesForecast {
  const first = forecasts[0] as SeriesForecast;
  const h = first.mean.length;
  const at = (pick: (f: SeriesForecast) => Float64Array) => {
    const out = new Float64Array(h);
    for (let k = 0; k < h; k++)
      out[k] = combineValues(
        forecasts.map((f) => pick(f)[k] as number),
        combine,
      );
    return out;
  };
  return {
    mean: at((f) => f.mean),
    quantiles: first.quantiles.map((_, l) => at((f) => f.quantiles[l] as Float64Array)),
  };
}

/** Forecasts the horizon after the series with every member and combines them. */
export function forecastGlobalArEnsemble(model: GlobalArEnsembleModel, s: GlobalArSeries): SeriesForecast {
  return combineForecasts(
    model.members.map((m) => forecastGlobalAr(m, s)),
    model.combine,
  );
}

/** Whether a stored model is an ensemble (older predictors store a single GlobalArModel). */
export const isGlobalArEnsemble = (m: GlobalArModel | GlobalArEnsembleModel): m is GlobalArEnsembleModel =>
  Array.isArray((m as GlobalArEnsembleModel).members);
