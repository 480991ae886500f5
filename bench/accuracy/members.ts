// The members the accuracy benches compare, under the names the tables print.

import { ArimaModel } from "../../src/forecasting/arima/auto-arima.js";
import { EtsModel } from "../../src/forecasting/ets/auto-ets.js";
import { AugursEtsModel } from "../../src/forecasting/ets-augurs.js";
import type { SeriesModel } from "../../src/forecasting/model.js";
import { NaiveModel, SeasonalNaiveModel } from "../../src/forecasting/naive.js";
import { NptsModel } from "../../src/forecasting/npts.js";
import { ThetaModel } from "../../src/forecasting/theta.js";

export function defaultMembers(): SeriesModel[] {
  return [
    new NaiveModel(),
    new SeasonalNaiveModel(),
    new AugursEtsModel(),
    new EtsModel(),
    new ThetaModel(),
    new ArimaModel(),
    new NptsModel(),
  ];
}

