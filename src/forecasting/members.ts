// The statistical members by name, so predictors and benches can build them from configuration.

import { ArimaModel } from "./arima/auto-arima.js";
import { CesModel } from "./ces.js";
import { CombinationModel } from "./combination.js";
import { EtsModel } from "./ets/auto-ets.js";
import { AugursEtsModel } from "./ets-augurs.js";
import { MultiplicativeSeasonEtsModel } from "./ets-mseason.js";
import { LogMemberModel, type LogPoint } from "./log-member.js";
import type { SeriesModel } from "./model.js";
import { NaiveModel, SeasonalNaiveModel } from "./naive.js";
import { NptsModel } from "./npts.js";
import { ThetaModel } from "./theta.js";
import { ThetaM3Model } from "./theta-m3.js";
import { OptimizedThetaModel } from "./theta-optimized.js";

export const MEMBER_NAMES = [
  "naive",
  "snaive",
  "ets",
  "ets-damped",
  "ets-augurs",
  "theta",
  "arima",
  "npts",
  "prophet",
  "combination",
  // Measured on tourism (bench/accuracy/README.md), not in the AutoPredictor's defaults.
  "theta-m3",
  "otm",
  "dotm",
  "ces",
  "ets-mseason",
  // The same members fitted in logs where the series is positive (log-member.ts), the point mapped back as exp of
  // the log-space point (a median) or, "-lnmean", as the lognormal mean: tourism-validation.ts variants.
  "arima-log",
  "theta-log",
  "otm-log",
  "ces-log",
  "arima-log-lnmean",
  "theta-log-lnmean",
  "otm-log-lnmean",
  "ces-log-lnmean",
] as const;
export type MemberName = (typeof MEMBER_NAMES)[number];

/**
 * The damped-trend ETS family (R notation; AAdM is left out as R does, its forecasts being unstable). A damped
 * trend extrapolates growth cautiously, which on short yearly data forecasts better than choosing among all
 * trends by AICc (see README.md).
 */
export const DAMPED_ETS_MODELS = ["AAdN", "MAdN", "AAdA", "MAdA", "MAdM"];

/**
 * Prophet's Stan optimizer costs each thread that loads it about 40 ms, 30 MB and an idle I/O thread, so it is
 * loaded only where Prophet is fitted: await loadMembers(names) before createMember("prophet").
 */
let prophetModule: typeof import("./prophet.js") | undefined;

export async function loadMembers(names: Iterable<string>): Promise<void> {
  for (const name of names) {
    if (name === "prophet" && !prophetModule) prophetModule = await import("./prophet.js");
  }
}

/**
 * A fresh member. "combination" is the median of damped ETS, Theta and ARIMA, the most accurate set measured on
 * the tourism data (see README.md). "prophet" is built for legacy predictors that ask for Amazon's Prophet; the
 * AutoPredictor does not backtest it (auto/members.ts).
 */
export function createMember(name: MemberName): SeriesModel {
  switch (name) {
    case "naive":
      return new NaiveModel();
    case "snaive":
      return new SeasonalNaiveModel();
    case "ets":
      return new EtsModel();
    case "ets-damped":
      return new EtsModel({ models: DAMPED_ETS_MODELS, name: "ets-damped" });
    case "ets-augurs":
      return new AugursEtsModel();
    case "theta":
      return new ThetaModel();
    case "arima":
      return new ArimaModel();
    case "npts":
      return new NptsModel();
    case "prophet":
      if (!prophetModule)
        throw new Error('The "prophet" member is loaded on demand: await loadMembers first.');
      return new prophetModule.ProphetModel();
    case "theta-m3":
      return new ThetaM3Model();
    case "otm":
      return new OptimizedThetaModel({ dynamic: false });
    case "dotm":
      return new OptimizedThetaModel({ dynamic: true });
    case "ces":
      return new CesModel();
    case "ets-mseason":
      return new MultiplicativeSeasonEtsModel(createMember("ets-damped"));
    case "combination":
      return new CombinationModel([createMember("ets-damped"), new ThetaModel(), new ArimaModel()], "median");
    case "arima-log":
    case "theta-log":
    case "otm-log":
    case "ces-log":
      return logMember(name, "median");
    case "arima-log-lnmean":
    case "theta-log-lnmean":
    case "otm-log-lnmean":
    case "ces-log-lnmean":
      return logMember(name, "lognormal-mean");
  }
}

/** "arima-log", "arima-log-lnmean", …: the member named before "-log" fitted in logs (log-member.ts). */
function logMember(name: MemberName, point: LogPoint): SeriesModel {
  return new LogMemberModel(createMember(name.slice(0, name.indexOf("-log")) as MemberName), name, point);
}
