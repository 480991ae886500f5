// The pooled linear autoregression as the AutoPredictor runs it on a SeriesSet: the settings chosen on the tourism
// validation split (bench/accuracy/tourism-validation.ts, GLOBAL_AR=1; bench/RESULTS.md), each series' seasonal
// position read from its timestamps, and backtest cutoffs that hide the last points of every series.

import { frequencyUnit } from "../global/calendar.js";
import type { SeriesForecast } from "../model.js";
import type { SeriesSet } from "../series-set.js";
import {
  fitGlobalArEnsemble,
  forecastGlobalArEnsemble,
  type GlobalArCombine,
  type GlobalArEnsembleModel,
  isGlobalArEnsemble,
} from "./ensemble.js";
import {
  fitGlobalAr,
  forecastGlobalAr,
  type GlobalArModel,
  type GlobalArOptions,
  type GlobalArSeries,
} from "./global-ar.js";

export type { GlobalArCombine, GlobalArEnsembleModel } from "./ensemble.js";
export type { GlobalArModel, GlobalArOptions, GlobalArSeries } from "./global-ar.js";
export { fitGlobalAr, forecastGlobalAr } from "./global-ar.js";

/** What the AutoPredictor stores: one pooled model, or an ensemble of them. */
export type GlobalArComponentModel = GlobalArModel | GlobalArEnsembleModel;

/** The options (horizon, levels) a stored model or ensemble forecasts with: its first member's. */
export const globalArOptionsOf = (model: GlobalArComponentModel): GlobalArOptions =>
  (isGlobalArEnsemble(model) ? (model.members[0] as GlobalArModel) : model).options;

/** More lags cost O(lags²) per window and added nothing measurable beyond four seasons of monthly data. */
const MAX_LAGS = 48;
/** Above this many seasonal positions the one-hot is left out (the intercept stays). */
const MAX_CALENDAR_POSITIONS = 52;
/** Training windows per fit beyond which the origins are thinned (a regular stride). */
export const MAX_GLOBAL_AR_ROWS = 200_000;

/**
 * The settings of the AutoPredictor's pooled autoregression for data of this seasonal period and horizon, chosen
 * on the tourism validation split: seasonal data takes four seasons of lags scaled by the mean of the last season,
 * in logs, with the seasonal-position one-hot, trained on each series' latest four horizons of origins; data
 * without a season (yearly) the pooled log growth over the latest three origins (one lag: every longer window or
 * older origin forecast worse there).
 */
export function globalArSettings(
  period: number,
  horizon: number,
  levels: readonly number[],
): GlobalArOptions {
  const base = { horizon, period, levels: [...levels], log: true, ridge: 0.001, maxRows: MAX_GLOBAL_AR_ROWS };
  if (period <= 1) return { ...base, lags: 1, scalePoints: 1, minHistory: 1, calendar: false, recent: 3 };
  const lags = Math.min(4 * period, MAX_LAGS);
  return {
    ...base,
    lags,
    scalePoints: Math.min(period, lags),
    minHistory: Math.min(period, lags),
    calendar: period <= MAX_CALENDAR_POSITIONS,
    recent: 4 * horizon,
  };
}

/** The recent-origin counts of the ensemble's members: horizons of origins (seasonal data), origins (yearly). */
const RECENT_HORIZONS = [2, 3, 4];
const RECENT_ORIGINS_NON_SEASONAL = [2, 3, 4, 6];

/**
 * The members of the AutoPredictor's pooled autoregression and how they are combined: the settings of
 * globalArSettings trained on each series' latest 2, 3 and 4 horizons of origins (non-seasonal data: 2, 3, 4 and 6
 * origins), their forecasts combined by the geometric mean. Chosen on the validation split at 3 origins over the
 * single setting, over ensembles across lag lengths and over the mean and median (bench/RESULTS.md, "an ensemble
 * of pooled autoregressions"): how recent the training origins should be was what the single model was most
 * sensitive to.
 */
export function globalArEnsembleSettings(
  period: number,
  horizon: number,
  levels: readonly number[],
): { members: GlobalArOptions[]; combine: GlobalArCombine } {
  const one = globalArSettings(period, horizon, levels);
  const recents = period <= 1 ? RECENT_ORIGINS_NON_SEASONAL : RECENT_HORIZONS.map((k) => k * horizon);
  return { members: recents.map((recent) => ({ ...one, recent })), combine: "logmean" };
}

const DAY_MS = 86_400_000;
const UNIT_MS: Readonly<Record<string, number>> = { D: DAY_MS, H: 3_600_000, min: 60_000 };

/**
 * The seasonal position (0 ≤ position < period) of a grid point at epoch milliseconds `ms`, for a frequency such
 * as "M", "3M", "W", "D" or "15min": the month (or quarter…) of the year, the week of the year, the day of the
 * week, the hour of the day, in UTC. Only differences between series matter: every series reads it the same way.
 */
export function seasonalPosition(frequency: string, period: number, ms: number): number {
  if (period <= 1 || !Number.isFinite(ms)) return 0;
  const unit = frequencyUnit(frequency);
  const multiple = Number(/^(\d*)/.exec(frequency)?.[1] || "1");
  const d = new Date(ms);
  let index: number;
  switch (unit) {
    case "Y":
      return 0;
    case "M":
      index = d.getUTCFullYear() * 12 + d.getUTCMonth();
      break;
    case "W":
      index = Math.min(51, Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / (7 * DAY_MS)));
      break;
    default:
      index = Math.floor(ms / (UNIT_MS[unit] as number));
  }
  const step = Math.floor(index / multiple);
  return ((step % period) + period) % period;
}

/**
 * Each series of `set` as the model reads it, with its last `cutoff` points hidden: missing values bridged by
 * `fill` (the engine's bridgeGaps), the position of its first point. Series left empty are undefined.
 */
export function globalArSeries(
  set: Pick<SeriesSet, "frequency" | "period" | "series">,
  cutoff: number,
  fill: (y: Float64Array) => Float64Array,
): (GlobalArSeries | undefined)[] {
  return set.series.map((s) => {
    const n = Math.max(0, s.target.length - cutoff);
    if (n === 0) return undefined;
    const y = fill(s.target.subarray(0, n));
    if (!y.some((v) => !Number.isNaN(v))) return undefined;
    return { y, phase: seasonalPosition(set.frequency, set.period, s.timestamps[0] as number) };
  });
}

/** A forecast of NaNs: a series the model cannot forecast (no history), left to the other members. */
function missing(horizon: number, levels: number): SeriesForecast {
  return {
    mean: new Float64Array(horizon).fill(Number.NaN),
    quantiles: Array.from({ length: levels }, () => new Float64Array(horizon).fill(Number.NaN)),
  };
}

/**
 * Fits on every series of `set` with its last `cutoff` points hidden (the AutoPredictor's settings): one model, or
 * an ensemble where the settings have several members.
 */
export function fitGlobalArSet(
  set: Pick<SeriesSet, "frequency" | "period" | "horizon" | "series">,
  levels: readonly number[],
  cutoff: number,
  fill: (y: Float64Array) => Float64Array,
): GlobalArComponentModel {
  const series = globalArSeries(set, cutoff, fill).filter((s): s is GlobalArSeries => s !== undefined);
  const { members, combine } = globalArEnsembleSettings(set.period, set.horizon, levels);
  return members.length === 1
    ? fitGlobalAr(series, members[0] as GlobalArOptions)
    : fitGlobalArEnsemble(series, members, combine);
}

/**
 * Forecasts the horizon after every series of `set` with its last `cutoff` points hidden; a series with no history
 * there gets NaNs (the combination leaves it to the other members).
 */
export function forecastGlobalArSet(
  model: GlobalArComponentModel,
  set: Pick<SeriesSet, "frequency" | "period" | "horizon" | "series">,
  cutoff: number,
  fill: (y: Float64Array) => Float64Array,
): SeriesForecast[] {
  const options = globalArOptionsOf(model);
  const forecast = (s: GlobalArSeries) =>
    isGlobalArEnsemble(model) ? forecastGlobalArEnsemble(model, s) : forecastGlobalAr(model, s);
  return globalArSeries(set, cutoff, fill).map((s) =>
    s ? forecast(s) : missing(options.horizon, options.levels.length),
  );
}
