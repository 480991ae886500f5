// The statistical members the AutoPredictor backtests per series. Each is a SeriesModel (fit/forecast on one
// series); the global covariate model is handled apart because it learns across all series at once.

import { ArimaModel } from "../arima/auto-arima.js";
import { CombinationModel } from "../combination.js";
import { AugursEtsModel } from "../ets-augurs.js";
import type { SeriesModel } from "../model.js";
import { NaiveModel, SeasonalNaiveModel } from "../naive.js";
import { NptsModel } from "../npts.js";
import { ThetaModel } from "../theta.js";

/** Member names as DescribeAutoPredictor/GetAccuracyMetrics report them, mapped to Amazon's algorithm names. */
export const ALGORITHM_OF: Record<string, string> = {
  ets: "ETS",
  arima: "ARIMA",
  theta: "Theta",
  npts: "NPTS",
  snaive: "SeasonalNaive",
  naive: "Naive",
  ensemble: "Ensemble",
  global: "GBDT",
};

export type MemberName = "ets" | "arima" | "theta" | "npts" | "snaive" | "naive" | "ensemble";

/** Builds the member models; `ensemble` is the equal-weight mean of ETS, Theta and ARIMA. */
export function memberModels(names: readonly MemberName[]): Map<MemberName, SeriesModel> {
  const out = new Map<MemberName, SeriesModel>();
  const ets = new AugursEtsModel();
  const theta = new ThetaModel();
  const arima = new ArimaModel();
  for (const name of names) {
    switch (name) {
      case "ets":
        out.set(name, ets);
        break;
      case "arima":
        out.set(name, arima);
        break;
      case "theta":
        out.set(name, theta);
        break;
      case "npts":
        out.set(name, new NptsModel());
        break;
      case "snaive":
        out.set(name, new SeasonalNaiveModel());
        break;
      case "naive":
        out.set(name, new NaiveModel());
        break;
      case "ensemble":
        out.set(name, new CombinationModel([ets, theta, arima], "mean"));
        break;
    }
  }
  return out;
}

export const DEFAULT_MEMBERS: readonly MemberName[] = ["ets", "theta", "arima", "npts", "snaive", "ensemble"];

/**
 * Statistical members cannot take missing values: gaps are bridged linearly (leading and trailing NaNs take the
 * nearest value). A series with no value at all becomes zeros.
 */
export function bridgeGaps(y: Float64Array): Float64Array {
  let firstValid = -1;
  for (let i = 0; i < y.length; i++) {
    if (!Number.isNaN(y[i] as number)) {
      firstValid = i;
      break;
    }
  }
  if (firstValid < 0) return new Float64Array(y.length);
  if (!y.some(Number.isNaN)) return y;
  const out = Float64Array.from(y);
  for (let i = 0; i < firstValid; i++) out[i] = y[firstValid] as number;
  let last = firstValid;
  for (let i = firstValid + 1; i < out.length; i++) {
    if (Number.isNaN(out[i] as number)) continue;
    const gap = i - last;
    for (let j = last + 1; j < i; j++) {
      out[j] = (out[last] as number) + (((out[i] as number) - (out[last] as number)) * (j - last)) / gap;
    }
    last = i;
  }
  for (let j = last + 1; j < out.length; j++) out[j] = out[last] as number;
  return out;
}
