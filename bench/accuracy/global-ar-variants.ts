// The pooled linear autoregression (src/forecasting/global-ar/) as an external component of the learned
// combination in the validation bench (tourism-validation.ts, GLOBAL_AR=1): its settings from the environment,
// its backtest forecasts per window (fitted on every series' data before the window only, as the engine's
// backtests fit the statistical members), its final forecasts, and the engine's backtest result narrowed to a
// subset of components so that several variants can share one backtest of the statistical members.
//   GAR_VARIANTS="engine;lags=24,scale=12,log=1;lags=36" — one variant per `;`: "engine" the AutoPredictor's
//   settings (globalArSettings), else `key=value` pairs over the defaults below
//   (lags, scale, log, calendar, ridge, recent, minHistory, point=mean|median); a length may be "2m" (twice the period) or "3h"
//   (three horizons). A value may list alternatives with `|` ("recent=2h|3h|4h,lags=2m|3m"): the variant is then
//   the ensemble of one fit per combination of them (ensemble.ts), combined by `combine=logmean|mean|median`
//   (default logmean). A spec may start with `name:` to label it (the same label across periods run apart).
//   `model=mlp` makes the members pooled networks (src/forecasting/global-mlp/) on the same windows, with `hidden`,
//   `steps`, `batch`, `lr` and `seed` (alternatives with `|` too: "seed=1|2|3" is an ensemble over seeds). A name
//   starting with `+` ("+mlp:model=mlp,…") makes the variant a component beside global-ar(engine) (which must be
//   among the variants) instead of in its place.

import type { AutoPredictorResult, ExternalMember } from "../../src/forecasting/auto/auto-predictor.js";
import {
  combineForecasts,
  GLOBAL_AR_COMBINES,
  type GlobalArCombine,
} from "../../src/forecasting/global-ar/ensemble.js";
import {
  fitGlobalAr,
  forecastGlobalAr,
  type GlobalArOptions,
  type GlobalArSeries,
} from "../../src/forecasting/global-ar/global-ar.js";
import { globalArEnsembleSettings } from "../../src/forecasting/global-ar/index.js";
import {
  fitGlobalMlp,
  forecastGlobalMlp,
  type GlobalMlpOptions,
} from "../../src/forecasting/global-mlp/global-mlp.js";

/** A member's settings: the linear model's, and the network's where it is one. */
export type GarSettings = Omit<GlobalArOptions, "horizon" | "period" | "levels"> & {
  mlp?: Pick<GlobalMlpOptions, "hidden" | "steps" | "batch" | "learningRate" | "seed">;
};

export interface GarVariant {
  label: string;
  /** One member's settings, or several: an ensemble combined by `combine`. */
  settings: (period: number, horizon: number) => GarSettings[];
  combine: GlobalArCombine;
  /** A component beside global-ar(engine), not in its place. */
  beside: boolean;
}

/** "3m" is three periods, "2h" two horizons (at least 1 value), a number itself. */
function length(spec: string, period: number, horizon: number): number {
  const m = /^(\d+(?:\.\d+)?)([mh])$/.exec(spec);
  if (m) return Math.max(1, Math.round(Number(m[1]) * (m[2] === "m" ? period : horizon)));
  return Number(spec);
}

/** Every combination of one alternative per key ("a=1|2,b=3" → [{a:1,b:3},{a:2,b:3}]). */
function crossProduct(pairs: readonly [string, string[]][]): Map<string, string>[] {
  let out: Map<string, string>[] = [new Map()];
  for (const [k, alternatives] of pairs)
    out = out.flatMap((m) => alternatives.map((v) => new Map([...m, [k, v]])));
  return out;
}

function variant(named: string): GarVariant {
  const colon = named.indexOf(":");
  const name = colon >= 0 ? named.slice(0, colon) : undefined;
  const spec = colon >= 0 ? named.slice(colon + 1) : named;
  const beside = name?.startsWith("+") ?? false;
  const label = `global-ar(${name ?? spec})`;
  if (spec === "engine") {
    return {
      label,
      beside,
      settings: (period, horizon) => globalArEnsembleSettings(period, horizon, []).members,
      // The engine's own combination is read per period in garRun.
      combine: "logmean",
    };
  }
  const all = spec
    .split(",")
    .filter((p) => p.includes("="))
    .map((p) => p.split("=") as [string, string]);
  const combine = (all.find(([k]) => k === "combine")?.[1] ?? "logmean") as GlobalArCombine;
  if (!GLOBAL_AR_COMBINES.includes(combine)) throw new RangeError(`unknown combine=${combine}`);
  const members = crossProduct(
    all.filter(([k]) => k !== "combine").map(([k, v]) => [k, v.split("|")] as [string, string[]]),
  );
  return {
    label,
    combine,
    beside,
    settings: (period, horizon) =>
      members.map((pairs) => {
        const get = (k: string, d: string) => pairs.get(k) ?? d;
        const lags = length(get("lags", "2m"), period, horizon);
        return {
          lags,
          scalePoints: Math.min(lags, length(get("scale", period > 1 ? "1m" : "1"), period, horizon)),
          log: get("log", "0") === "1",
          calendar: get("calendar", "1") === "1",
          ridge: Number(get("ridge", "0.001")),
          recent: length(get("recent", "0"), period, horizon),
          minHistory: Math.min(lags, length(get("minHistory", "1m"), period, horizon)),
          point: get("point", "mean") as "mean" | "median",
          ...(get("model", "ar") === "mlp"
            ? {
                mlp: {
                  hidden: Number(get("hidden", "64")),
                  steps: Number(get("steps", "1000")),
                  batch: Number(get("batch", "64")),
                  learningRate: Number(get("lr", "0.003")),
                  seed: Number(get("seed", "1")),
                },
              }
            : {}),
        };
      }),
  };
}

/** The variants GLOBAL_AR=1 asks for (GAR_VARIANTS, default the engine's settings); none without it. */
export function garVariantsFromEnv(env: NodeJS.ProcessEnv = process.env): GarVariant[] {
  if (env.GLOBAL_AR !== "1") return [];
  return (env.GAR_VARIANTS ?? "engine")
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(variant);
}

/**
 * The seasonal position of each series' first value, with every series ending at the same position (as the
 * service sees the tourism data: one grid, one common end).
 */
const phaseOf = (n: number, period: number) => (((-n % period) + period) % period) as number;

export interface GarRun {
  /** Per backtest window: the forecast of series i from the history before the window. */
  external: (window: number) => ExternalMember;
  /** The forecast after each series' whole history. */
  final: ExternalMember;
  /** CPU-side milliseconds of the fits (windows and final) and forecasts. */
  ms: number;
  rows: number[];
  log: boolean;
}

/**
 * Fits the variant for every backtest window (series cut where the engine cuts them) and for the final forecast;
 * `prepare` (outlier cleaning) turns each cut history into the one fitted and forecast from.
 */
export function garRun(
  v: GarVariant,
  histories: readonly Float64Array[],
  period: number,
  horizon: number,
  windows: number,
  levels: readonly number[],
  prepare: (y: Float64Array) => Float64Array = (y) => y,
): GarRun {
  const started = performance.now();
  const members: (GlobalArOptions & Pick<GarSettings, "mlp">)[] = v
    .settings(period, horizon)
    .map((s) => ({ ...s, horizon, period, levels: [...levels] }));
  const combine =
    v.label === "global-ar(engine)" ? globalArEnsembleSettings(period, horizon, []).combine : v.combine;
  const rows: number[] = [];
  let log = false;
  const forecastsAt = (cutOf: (n: number) => number) => {
    const cut = histories.map((y) => ({
      y: prepare(y.subarray(0, Math.max(0, cutOf(y.length)))),
      n: y.length,
    }));
    const fitSet: GlobalArSeries[] = cut
      .filter((c) => c.y.length > 0)
      .map((c) => ({ y: c.y, phase: phaseOf(c.n, period) }));
    const models = members.map((o) => {
      if (!o.mlp) {
        const m = fitGlobalAr(fitSet, o);
        return { rows: m.rows, log: m.log, forecast: (s: GlobalArSeries) => forecastGlobalAr(m, s) };
      }
      const m = fitGlobalMlp(fitSet, { ...o, ...o.mlp });
      return { rows: m.rows, log: m.log, forecast: (s: GlobalArSeries) => forecastGlobalMlp(m, s) };
    });
    rows.push(models.reduce((a, m) => a + m.rows, 0));
    log = models.every((m) => m.log);
    return cut.map((c) => {
      if (c.y.length === 0) return undefined;
      const s = { y: c.y, phase: phaseOf(c.n, period) };
      // One member: its forecast itself (no combination, bit for bit the single model).
      return models.length === 1
        ? (models[0] as (typeof models)[number]).forecast(s)
        : combineForecasts(
            models.map((m) => m.forecast(s)),
            combine,
          );
    });
  };
  const perWindow = Array.from({ length: windows }, (_, w) => forecastsAt((n) => n - (w + 1) * horizon));
  const final = forecastsAt((n) => n);
  const ms = performance.now() - started;
  return { external: (w) => (i) => perWindow[w]?.[i], final: (i) => final[i], ms, rows, log };
}

/**
 * The chunk result as if only the components `keep` (indexes into result.components, the statistical ones first)
 * had been backtested: the Gram matrix restricted to them. Exact when every dropped component forecast every
 * window (the Gram matrix leaves out a window where any component has no forecast).
 */
export function componentSubset(result: AutoPredictorResult, keep: readonly number[]): AutoPredictorResult {
  const gram = result.gram;
  if (!gram) throw new RangeError("no learned components");
  const nStat = result.statisticalComponents ?? 0;
  const k = keep.length;
  return {
    ...result,
    components: keep.map((i) => result.components[i] as string),
    statisticalComponents: keep.filter((i) => i < nStat).length,
    gram: {
      ...gram,
      k,
      gram: keep.flatMap((i) => keep.map((j) => gram.gram[i * gram.k + j] as number)),
    },
  };
}
