// The statistical members by name, so predictors and benches can build them from configuration.

import { ArimaModel } from "./arima/auto-arima.js";
import { CombinationModel } from "./combination.js";
import { EtsModel } from "./ets/auto-ets.js";
import { AugursEtsModel } from "./ets-augurs.js";
import type { SeriesModel } from "./model.js";
import { NaiveModel, SeasonalNaiveModel } from "./naive.js";
import { NptsModel } from "./npts.js";
import { ThetaModel } from "./theta.js";

export const MEMBER_NAMES = [
  "naive",
  "snaive",
  "ets",
  "ets-augurs",
  "theta",
  "arima",
  "npts",
  "combination",
] as const;
export type MemberName = (typeof MEMBER_NAMES)[number];

/**
 * A fresh member. "combination" is the median of ETS, Theta and ARIMA, the most accurate set measured on the
 * tourism data (see README.md).
 */
export function createMember(name: MemberName): SeriesModel {
  switch (name) {
    case "naive":
      return new NaiveModel();
    case "snaive":
      return new SeasonalNaiveModel();
    case "ets":
      return new EtsModel();
    case "ets-augurs":
      return new AugursEtsModel();
    case "theta":
      return new ThetaModel();
    case "arima":
      return new ArimaModel();
    case "npts":
      return new NptsModel();
    case "combination":
      return new CombinationModel([new EtsModel(), new ThetaModel(), new ArimaModel()], "median");
  }
}
