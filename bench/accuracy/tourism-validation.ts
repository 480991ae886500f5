// The AutoPredictor's design choices judged on a validation split of the tourism data, never on its test split
// (bench/accuracy/README.md): each series' train part loses its last h points, the engine (in-process, the same
// functions the service's workers and coordinator run) trains on what is left, with its backtest windows cut from
// it, and forecasts the held-out h points. The test part is not read.
// Variants: the learned statistical weights (the engine today); with MAIN=1 also main's engine before them
// (per-series choice around the median of damped ETS, Theta and ARIMA), with SWITCH=1 the per-series switch; and
// the learned weights with the p10/p90 spread calibrated on the backtests by every policy of
// interval-calibration.ts (objective pinball / scaled / coverage; per level or per level and step; always or only
// where the latest window confirms it). Each row also gives the share of points below p10 and above p90, and the
// calibrated rows the p10–p90 coverage on the backtests themselves (in-sample for the factors).
// Run: npm run bench:accuracy-validation
//   LIMIT=N: the first N series of each period; PERIODS=yearly,quarterly: those periods only (one at a time keeps a
//   shared machine usable); LEARNED=ets-mseason,theta,…: other components than the engine's LEARNED_MEMBERS;
//   METRIC=MAPE: the predictor's OptimizationMetric (default AverageWeightedQuantileLoss); OBJECTIVES=1: the
//   learned weights under every objective, scored on every metric (validation-objectives.ts).
//   ORIGINS=3: the split cut at 3 origins h apart, per origin and on average, and the calibration policies ranked
//   by the rule of bench/RESULTS.md ("Issue 14: interval coverage over several validation origins"); with
//   SUMMARY_DIR=dir the periods can run one at a time and still be ranked together; RESIDUALS=1: also p10/p90 from
//   the combination's scaled backtest residuals (residual-intervals.ts).
//   GLOBAL_AR=1: the pooled linear autoregression as one more component (GAR_VARIANTS, global-ar-variants.ts),
//   each variant scored with the learned weights, with the engine's calibration, and alone.
//   POINT=1 (with GLOBAL_AR=1 and the engine's variant): candidates for the point forecast of a predictor whose
//   OptimizationMetric is MAPE (mape-point-variants.ts), each the engine's calibrated combination with another
//   mean; with ORIGINS, the rule of bench/RESULTS.md ("Issue 14: a MAPE-optimal point forecast") applied.
//   GROUPED=1 (with GLOBAL_AR=1 and the engine's variant): combination weights per group of series and per segment
//   of the horizon (grouped-weight-variants.ts, grouped-weights.ts), each with its own
//   calibration; with ORIGINS, the rule of bench/RESULTS.md ("Issue 14: weights per group of series and per
//   horizon segment") against the engine's row.
//   RECENCY=1 (with GLOBAL_AR=1 and the engine's variant): the learned weights with backtest window w (0 the
//   latest) counting r^w in the Gram sums (AutoPredictorOptions.windowRecency; recency-weight-variants.ts), r = 1
//   (a check: equals the engine's row), 0.5, 0.25 and 0 (the latest window alone), each with its own calibration;
//   with ORIGINS, the rule of bench/RESULTS.md ("Issue 14: learned weights that favour the latest backtest
//   window") against the engine's row.
//   The engine's rows ("…, engine calibration") take the point the engine forecasts for METRIC (members.ts
//   pointAdjustmentFor: the median for MAPE, since 2026-12-02; before, these rows showed the mean for every metric).
//   CLEAN=3,2 (with GLOBAL_AR=1 and the engine's variant): outlier cleaning before the fits with fences k = 3 and
//   k = 2 (outlier-variants.ts): (a) the per-series members fit the cleaned histories, (b) global-ar too; the
//   backtests scored against the raw actuals. With ORIGINS, the rule of bench/RESULTS.md ("Issue 14: outlier
//   cleaning before the fits") for the run's predictor, and the cleaner's time in the notes. CLEAN_KEEP=n: the
//   latest n points of every history are never replaced.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AutoPredictorOptions } from "../../src/forecasting/auto/auto-predictor.js";
import { backtestAutoPredictor, forecastCombined } from "../../src/forecasting/auto/auto-predictor.js";
import { SERIES_CHOICE } from "../../src/forecasting/auto/combined-model.js";
import {
  type CalibrationPolicy,
  calibrationFor,
  type IntervalCalibration,
  SpreadSums,
} from "../../src/forecasting/auto/interval-calibration.js";
import { learnedCombination } from "../../src/forecasting/auto/learned-combination.js";
import {
  bridgeGaps,
  FITTED_MEMBERS,
  INTERVAL_CALIBRATION,
  LEARNED_MEMBERS,
  pointAdjustmentFor,
} from "../../src/forecasting/auto/members.js";
import { applyPointAdjustment } from "../../src/forecasting/auto/point-adjustment.js";
import { intervalHits, pooledMape } from "../../src/forecasting/competition-metrics.js";
import { loadMembers, type MemberName } from "../../src/forecasting/members.js";
import {
  clampNonNegative,
  enforceMonotoneQuantiles,
  type SeriesForecast,
} from "../../src/forecasting/model.js";
import { cleanOutliers } from "../../src/forecasting/outliers.js";
import type { PreparedSeries } from "../../src/forecasting/series-set.js";
import { calibratedCopy, engineCalibration } from "./engine-steps.js";
import { componentSubset, type GarRun, garRun, garVariantsFromEnv } from "./global-ar-variants.js";
import { GROUPED_VARIANTS, groupedVariants, printGroupedRule } from "./grouped-weight-variants.js";
import { emptyHoldoutCell, type HoldoutCell, scoreHoldout } from "./holdout-score.js";
import {
  type BacktestPoint,
  POINT_CANDIDATES,
  pointForecasts,
  printPointRule,
} from "./mape-point-variants.js";
import { cleanVariantsFromEnv, printCleanRule } from "./outlier-variants.js";
import { RECENCY_VARIANTS, recencyVariants } from "./recency-weight-variants.js";
import { ResidualQuantiles, residualLevels, seriesScale } from "./residual-intervals.js";
import { loadTourism, type Series, tourismDir, validationSplit } from "./tourism-data.js";
import { ObjectiveComparison } from "./validation-objectives.js";

const LEVELS = [0.1, 0.5, 0.9];
const WINDOWS = 3;
const SWITCH_TO: MemberName[] = ["npts", "snaive"];
const DAY = 86_400_000;

type Cell = HoldoutCell;
const emptyCell = (): Cell => emptyHoldoutCell(LEVELS);
const score = (cell: Cell, actual: Float64Array, history: Float64Array, m: number, f: SeriesForecast): void =>
  scoreHoldout(cell, actual, history, m, f, LEVELS);

function prepared(name: string, history: Float64Array, h: number): PreparedSeries {
  return {
    key: [name],
    timestamps: Float64Array.from({ length: history.length + h }, (_, i) => i * DAY),
    target: history,
    related: [],
    metadata: new Float64Array(0),
    holidays: [],
  };
}

const calibrated = (f: SeriesForecast, c: IntervalCalibration): SeriesForecast =>
  calibratedCopy(f, c, LEVELS);

/**
 * Every calibration policy interval-calibration.ts offers, labelled as the rows show them: objective × one factor
 * per level or for the band × per step or not × always or if confirmed; and, always applied, the same with the
 * windows weighted by recency 0.5 (the latest window counting as much as the two before it together), and per
 * step with the steps' factors shrunk halfway (geometrically) towards the shared one.
 */
const POLICIES: { label: string; policy: CalibrationPolicy }[] = (["pinball", "scaled", "coverage"] as const)
  .flatMap((objective) =>
    [true, false].flatMap((confirm) =>
      [false, true].flatMap((shared) =>
        [false, true].map((perStep) => ({
          label: `${objective}, ${shared ? "band" : "each level"}${perStep ? ", per step" : ""}, ${confirm ? "if confirmed" : "always"}`,
          policy: { objective, confirm, perStep, shared },
        })),
      ),
    ),
  )
  .concat(
    (["pinball", "scaled", "coverage"] as const).flatMap((objective) =>
      [false, true].flatMap((shared) =>
        (
          [
            [1, 0.5],
            [0.5, undefined],
            [0.5, 0.5],
          ] as const
        ).map(([recency, shrink]) => ({
          label: `${objective}, ${shared ? "band" : "each level"}${shrink !== undefined ? ", per step shrunk 0.5" : ""}${recency !== 1 ? ", recent 0.5" : ""}, always`,
          policy: {
            objective,
            confirm: false,
            shared,
            perStep: shrink !== undefined,
            ...(recency !== 1 ? { recency } : {}),
            ...(shrink !== undefined ? { shrink } : {}),
          },
        })),
      ),
    ),
  );

const isEngine = (p: CalibrationPolicy): boolean =>
  INTERVAL_CALIBRATION !== "off" &&
  p.objective === INTERVAL_CALIBRATION.objective &&
  p.confirm === INTERVAL_CALIBRATION.confirm &&
  p.perStep === INTERVAL_CALIBRATION.perStep &&
  (p.shared ?? false) === (INTERVAL_CALIBRATION.shared ?? false) &&
  (p.recency ?? 1) === (INTERVAL_CALIBRATION.recency ?? 1) &&
  (p.shrink ?? 1) === (INTERVAL_CALIBRATION.shrink ?? 1);

async function main(): Promise<void> {
  const limit = Number(process.env.LIMIT ?? "0");
  const withMain = process.env.MAIN === "1";
  const withSwitch = process.env.SWITCH === "1";
  const learnedMembers = (process.env.LEARNED?.split(",") as MemberName[] | undefined) ?? [
    ...LEARNED_MEMBERS,
  ];
  const switchTo = withSwitch ? SWITCH_TO : [];
  const metric = (process.env.METRIC ?? "AverageWeightedQuantileLoss") as AutoPredictorOptions["metric"];
  const objectives = process.env.OBJECTIVES === "1" ? new ObjectiveComparison() : undefined;
  await loadMembers([...FITTED_MEMBERS, ...learnedMembers, ...switchTo]);
  const all = loadTourism(tourismDir());
  const wanted = process.env.PERIODS?.toUpperCase().split(",");
  const periodNames = [...new Set(all.map((s) => s.period))].filter((p) => !wanted || wanted.includes(p));
  // ORIGINS=n: the validation cut at n origins per period (origin o holds out the h points ending (o − 1)·h before
  // the train part's end), each series only where its history at that origin is at least as long as the shortest
  // test-split history of the period. Unset: one origin, every series (the "long" rows then give the rule above).
  const origins = Number(process.env.ORIGINS ?? "0");
  const multi = origins > 0;
  const splits = periodNames.flatMap((period) =>
    Array.from({ length: multi ? origins : 1 }, (_, o) => ({
      period,
      origin: o + 1,
      key: multi ? `${period} origin ${o + 1}` : period,
    })),
  );
  const periods = splits.map((sp) => sp.key);
  const MAIN_ROW = "main: per-series choice, median(ets-damped, theta, arima)";
  const LEARNED_ROW = `learned weights (${learnedMembers.join(", ")})`;
  const SWITCH_ROW = "learned weights + per-series switch (npts, snaive, components)";
  const policyRow = (label: string, p: CalibrationPolicy) =>
    `learned + spread: ${label}${isEngine(p) ? " [engine]" : ""}`;
  // RESIDUALS=1: the combination's p10/p90 from its scaled backtest residuals (residual-intervals.ts) in place of
  // the components' quantiles; added after the calibration choice of 2026-12-01 22:10, so not part of it.
  const withResiduals = process.env.RESIDUALS === "1";
  const RESIDUAL_ROW = "learned, residual quantiles (conformal per step, scaled by the series' level)";
  const garVariants = garVariantsFromEnv();
  const garRows = garVariants.map(({ label }) => ({
    learned: `learned + ${label}`,
    engine: `learned + ${label}, engine calibration`,
    alone: `${label} alone`,
  }));
  const withPoint = process.env.POINT === "1" && garVariants.some((v) => v.label === "global-ar(engine)");
  const pointRows = withPoint ? POINT_CANDIDATES.map((c) => c.label) : [];
  const withGrouped = process.env.GROUPED === "1" && garVariants.some((v) => v.label === "global-ar(engine)");
  const groupedRows = withGrouped ? GROUPED_VARIANTS.map((v) => v.label) : [];
  const cleanVariants = cleanVariantsFromEnv();
  const engineVariant = garVariants.find((v) => v.label === "global-ar(engine)");
  if (cleanVariants.length > 0 && !engineVariant)
    throw new RangeError("CLEAN needs GLOBAL_AR=1 with the engine's variant");
  const cleanRows = cleanVariants.flatMap((c) => [c.members, c.all]);
  const withRecency = process.env.RECENCY === "1" && garVariants.some((v) => v.label === "global-ar(engine)");
  const recencyRows = withRecency ? RECENCY_VARIANTS.map((v) => v.label) : [];
  const recencyMs = new Map<string, number>();
  // The point the engine forecasts for the metric (the median for MAPE), on the engine's rows.
  const enginePoint = pointAdjustmentFor(metric, LEVELS);
  const withEnginePoint = (f: SeriesForecast): SeriesForecast =>
    enginePoint
      ? applyPointAdjustment(
          { mean: Float64Array.from(f.mean), quantiles: f.quantiles.map((q) => Float64Array.from(q)) },
          LEVELS,
          enginePoint,
        )
      : f;
  const groupedMs = new Map<string, number>();
  const rows = [
    ...(withMain ? [MAIN_ROW] : []),
    LEARNED_ROW,
    ...(withResiduals ? [RESIDUAL_ROW] : []),
    ...(withSwitch ? [SWITCH_ROW] : []),
    ...POLICIES.map(({ label, policy }) => policyRow(label, policy)),
    ...garRows.flatMap((r) => [r.learned, r.engine, r.alone]),
    ...pointRows,
    ...groupedRows,
    ...cleanRows,
    ...recencyRows,
  ];
  // The same rows on the series whose validation history is at least as long as the shortest test-split history
  // of the period: the validation split alone has series of 3 yearly points, where no backtest window fits.
  const longRows = multi ? [] : rows.map((r) => `${r} [long histories]`);
  const cells = new Map(
    [...rows, ...longRows].map((r) => [r, new Map(periods.map((p) => [p, emptyCell()]))]),
  );
  // The calibrated combination's p10–p90 coverage on the backtest windows (hits, points) per policy and period.
  const backtestCoverage = new Map(POLICIES.map(({ label }) => [label, new Map<string, [number, number]>()]));
  const notes: string[] = [];
  const started = Date.now();
  for (const { period: periodName, origin, key: period } of splits) {
    let series: Series[] = all.filter((s) => s.period === periodName);
    if (limit > 0) series = series.slice(0, limit);
    const h = series[0]?.h as number;
    const m = series[0]?.frequency as number;
    const shortest = Math.min(...series.map((s) => s.train.length));
    if (multi) series = series.filter((s) => s.train.length - origin * h >= shortest);
    const splits = series.map((s) => validationSplit(s, origin));
    const fit = splits.map((v) => v.history);
    const tail = splits.map((v) => v.actual);
    const set = series.map((s, i) => prepared(s.name, fit[i] as Float64Array, h));
    const grid = { horizon: h, period: m };
    const base: AutoPredictorOptions = {
      quantiles: LEVELS,
      metric,
      backtestWindows: WINDOWS,
      nonNegative: true,
    };
    const t0 = Date.now();

    // main: each series' own member, the combination [choice] with weight 1.
    const mainForecasts = withMain
      ? forecastCombined(
          grid,
          set,
          backtestAutoPredictor(grid, set, base).choices,
          { components: [SERIES_CHOICE], weights: [1] },
          LEVELS,
          true,
        )
      : [];
    const t1 = Date.now();

    // The global AR variants' backtest and final forecasts, external components of one shared backtest.
    const garRuns: GarRun[] = garVariants.map((v) => garRun(v, fit, m, h, WINDOWS, LEVELS));
    // The engine: learned statistical weights, with and without the switch.
    const fullResult = backtestAutoPredictor(
      grid,
      set,
      { ...base, learnedMembers, switchMembers: switchTo },
      Object.fromEntries(garVariants.map((v, j) => [v.label, (garRuns[j] as GarRun).external])),
    );
    const statIndexes = learnedMembers.map((_, k) => k);
    const result = garVariants.length > 0 ? componentSubset(fullResult, statIndexes) : fullResult;
    const input = {
      results: [{ offset: 0, result }],
      externalAt: () => undefined,
      historyOf: (i: number) => bridgeGaps((set[i] as PreparedSeries).target),
      period: m,
      levels: LEVELS,
      nonNegative: true,
      metric: base.metric,
    };
    const plain = learnedCombination({ ...input, switching: false });
    const plainForecasts = forecastCombined(grid, set, plain.choices, plain.combination, LEVELS, true);
    const switchedForecasts = withSwitch
      ? (() => {
          const switched = learnedCombination({ ...input, switching: true });
          notes.push(`${period}: ${switched.choices.filter((c) => c !== "").length} series switched`);
          return forecastCombined(grid, set, switched.choices, switched.combination, LEVELS, true);
        })()
      : [];
    const t2 = Date.now();
    objectives?.add({ period, grid, set, fit, tail, result, levels: LEVELS });

    // The spread calibrations, from the learned combination's backtest forecasts.
    const sums = new SpreadSums(LEVELS, h, WINDOWS);
    const residuals = new ResidualQuantiles(h);
    const backtestForecasts: [Float64Array, SeriesForecast][] = [];
    for (const b of result.backtests) {
      const f = plain.forecastOf(0, b);
      if (!f) continue;
      sums.add(b.actual, f, b.window);
      const before = (fit[b.series] as Float64Array).subarray(0, b.offset);
      residuals.add(b.actual, f.quantiles[1] as Float64Array, seriesScale(before, h));
      backtestForecasts.push([b.actual, f]);
    }
    // The residual quantiles around the combination's p50 (its own p50 kept: the 0.5 row is not used).
    const residualQ = residuals.quantiles(LEVELS);
    const fromResiduals = (f: SeriesForecast, history: Float64Array): SeriesForecast => {
      const centre = f.quantiles[1] as Float64Array;
      const [p10, , p90] = residualLevels(centre, seriesScale(history, h), residualQ);
      const out = { mean: Float64Array.from(f.mean), quantiles: [p10, Float64Array.from(centre), p90] };
      enforceMonotoneQuantiles(LEVELS, out.quantiles as Float64Array[]);
      return clampNonNegative(out as SeriesForecast);
    };
    const none: IntervalCalibration = { levels: LEVELS, factors: LEVELS.map(() => [1]) };
    const policies = POLICIES.map(({ label, policy }) => {
      const c = calibrationFor(sums.state(), policy);
      let hits = 0;
      let points = 0;
      for (const [actual, f] of backtestForecasts) {
        const g = c ? calibrated(f, c) : f;
        hits += intervalHits(actual, g.quantiles[0] as Float64Array, g.quantiles[2] as Float64Array);
        points += actual.length;
      }
      backtestCoverage.get(label)?.set(period, [hits, points]);
      return { label, policy, calibration: c ?? none, used: c !== undefined };
    });

    const factors = (c: IntervalCalibration, l: number) =>
      [...new Set(c.factors[l]?.map((v) => v.toFixed(2)))].join(" ");
    // Each global AR variant with the statistical components: weights, forecasts, the engine's calibration.
    const engineIndex = garVariants.findIndex((v) => v.label === "global-ar(engine)");
    const garForecasts = garVariants.map((v, j) => {
      const run = garRuns[j] as GarRun;
      // A variant beside global-ar(engine): both pooled components, the engine's first.
      if (v.beside && engineIndex < 0)
        throw new RangeError(`${v.label} needs global-ar(engine) among the variants`);
      const pooled = v.beside ? [engineIndex, j] : [j];
      const runs = pooled.map((k) => garRuns[k] as GarRun);
      const sub = componentSubset(fullResult, [
        ...statIndexes,
        ...pooled.map((k) => learnedMembers.length + k),
      ]);
      const lc = learnedCombination({
        ...input,
        results: [{ offset: 0, result: sub }],
        externalAt: (m, w, i) => runs[m]?.external(w)(i),
        switching: false,
      });
      const forecasts = forecastCombined(
        grid,
        set,
        lc.choices,
        lc.combination,
        LEVELS,
        true,
        Object.fromEntries(pooled.map((k, m) => [garVariants[k]?.label, runs[m]?.final])),
      );
      const c = engineCalibration(fullResult.backtests, (b) => lc.forecastOf(0, b), LEVELS, h, WINDOWS);
      const weights = lc.combination.components
        .map(
          (name, k) =>
            `${name.startsWith("global-ar") && !v.beside ? "global-ar" : name} ${(lc.combination.weights[k] as number).toFixed(2)}`,
        )
        .join(", ");
      notes.push(
        `${period}, ${v.label}: weights ${weights}; fits ${run.rows.join("/")} windows, log ${run.log}, ` +
          `${run.ms.toFixed(0)} ms for ${WINDOWS + 1} fits and their forecasts; calibration ${c ? `[${factors(c, 0)}] [${factors(c, 2)}]` : "none"}`,
      );
      console.error(notes.at(-1));
      const engine = forecasts.map((f) => (c ? calibrated(f, c) : f));
      const points =
        withPoint && v.label === "global-ar(engine)"
          ? (() => {
              const backtests: BacktestPoint[] = [];
              for (const b of fullResult.backtests) {
                const f = lc.forecastOf(0, b);
                if (f)
                  backtests.push({ actual: b.actual, forecast: c ? calibrated(f, c) : f, window: b.window });
              }
              const out = pointForecasts(backtests, engine, LEVELS, h, WINDOWS);
              notes.push(
                `${period}, point factors: ${out
                  .filter((p) => p.factors.some((x) => x !== 1))
                  .map((p) => `${p.label} [${p.factors.map((x) => x.toFixed(3)).join(" ")}]`)
                  .join("; ")}`,
              );
              console.error(notes.at(-1));
              return out;
            })()
          : [];
      return {
        points,
        learned: forecasts,
        engine,
        alone: series.map((_, i) => {
          const f = run.final(i) as SeriesForecast;
          const out = {
            mean: Float64Array.from(f.mean),
            quantiles: f.quantiles.map((q) => Float64Array.from(q)),
          };
          enforceMonotoneQuantiles(LEVELS, out.quantiles);
          return clampNonNegative(out);
        }),
      };
    });

    // How many of a check variant's forecasts differ from the engine row's (with the engine's point).
    const differFromEngine = (forecasts: readonly SeriesForecast[] = []) => {
      const engine = garForecasts[engineIndex]?.engine ?? [];
      return forecasts.filter((f, i) => {
        const e = withEnginePoint(engine[i] as SeriesForecast);
        return !sameArrays([f.mean, ...f.quantiles], [e.mean, ...e.quantiles]);
      }).length;
    };

    // The grouped weights' variants, from the engine's components (statistical, then global-ar(engine)).
    const grouped = withGrouped
      ? (() => {
          const g = garRuns[engineIndex] as GarRun;
          const sub = componentSubset(fullResult, [...statIndexes, learnedMembers.length + engineIndex]);
          const finals = learnedMembers.map((member) =>
            forecastCombined(grid, set, plain.choices, { components: [member], weights: [1] }, LEVELS, true),
          );
          const out = groupedVariants(GROUPED_VARIANTS, {
            result: sub,
            externalAt: (_, w) => g.external(w),
            finalParts: (i) => [...finals.map((f) => f[i]), g.final(i)],
            fit,
            period: m,
            horizon: h,
            levels: LEVELS,
            ...(enginePoint ? { point: enginePoint } : {}),
          });
          // The check variant (one group, one segment) must forecast exactly what the engine's row does.
          notes.push(
            `${period}, grouped check: ${differFromEngine(out[0]?.forecasts)} series differ from the engine's row`,
          );
          for (const o of out) {
            groupedMs.set(o.label, (groupedMs.get(o.label) ?? 0) + o.ms);
            notes.push(`${period}, ${o.note}; ${o.ms.toFixed(0)} ms`);
            console.error(notes.at(-1));
          }
          return out;
        })()
      : [];

    // Outlier cleaning: per fence width, one backtest of the members on cleaned histories with both global-ar
    // runs (raw and cleaned) as components, each candidate a subset of it, as the variants above share one.
    const cleanForecasts = new Map<string, SeriesForecast[]>();
    for (const cv of cleanVariants) {
      const prep = (y: Float64Array) => cleanOutliers(y, m, cv.cleaning);
      // The cleaner's own time on the histories the engine would clean: every backtest window's and the final one.
      const c0 = performance.now();
      let replaced = 0;
      let touched = 0;
      for (const y of fit)
        for (let w = 0; w <= WINDOWS; w++) {
          const cut = y.subarray(0, Math.max(0, y.length - w * h));
          const out = prep(cut);
          if (out !== cut) {
            touched++;
            for (let t = 0; t < cut.length; t++) if (out[t] !== cut[t]) replaced++;
          }
        }
      const cleanMs = performance.now() - c0;
      const rawGar = garRuns[garVariants.indexOf(engineVariant as (typeof garVariants)[number])] as GarRun;
      const cleanGar = garRun(
        engineVariant as (typeof garVariants)[number],
        fit,
        m,
        h,
        WINDOWS,
        LEVELS,
        prep,
      );
      const b0 = performance.now();
      const res = backtestAutoPredictor(
        grid,
        set,
        { ...base, learnedMembers, outliers: cv.cleaning },
        { "global-ar(engine)": rawGar.external, "global-ar(clean)": cleanGar.external },
      );
      const backtestMs = performance.now() - b0;
      const cleanSet = set.map((s) => ({ ...s, target: prep(s.target) }));
      for (const [row, k, run, name] of [
        [cv.members, 0, rawGar, "global-ar(engine)"],
        [cv.all, 1, cleanGar, "global-ar(clean)"],
      ] as const) {
        const sub = componentSubset(res, [...statIndexes, learnedMembers.length + k]);
        const lc = learnedCombination({
          ...input,
          results: [{ offset: 0, result: sub }],
          externalAt: (_m, w, i) => run.external(w)(i),
          switching: false,
        });
        const forecasts = forecastCombined(grid, cleanSet, lc.choices, lc.combination, LEVELS, true, {
          [name]: run.final,
        });
        const c = engineCalibration(res.backtests, (b) => lc.forecastOf(0, b), LEVELS, h, WINDOWS);
        cleanForecasts.set(
          row,
          forecasts.map((f) => withEnginePoint(c ? calibrated(f, c) : f)),
        );
        notes.push(
          `${period}, ${row}: weights ${lc.combination.components.map((n, j) => `${n} ${(lc.combination.weights[j] as number).toFixed(2)}`).join(", ")}`,
        );
      }
      notes.push(
        `${period}, clean k=${cv.cleaning.k}: ${replaced} points replaced in ${touched} of ${fit.length * (WINDOWS + 1)} histories; ` +
          `cleaner ${cleanMs.toFixed(1)} ms for ${fit.length} series × ${WINDOWS + 1} histories; ` +
          `members' backtest ${(backtestMs / 1000).toFixed(1)} s (engine's: learned ${((t2 - t1) / 1000).toFixed(1)} s with its forecasts)`,
      );
      console.error(notes.at(-1));
    }
    // The recency-weighted windows' variants, from the engine's components (statistical, then global-ar(engine)).
    const recency = withRecency
      ? (() => {
          const g = garRuns[engineIndex] as GarRun;
          const out = recencyVariants(RECENCY_VARIANTS, {
            result: componentSubset(fullResult, [...statIndexes, learnedMembers.length + engineIndex]),
            externalAt: (_, w) => g.external(w),
            finals: { [garVariants[engineIndex]?.label as string]: g.final },
            set,
            historyOf: input.historyOf,
            period: m,
            horizon: h,
            windows: WINDOWS,
            levels: LEVELS,
            metric,
            ...(enginePoint ? { point: enginePoint } : {}),
          });
          // The check variant (r = 1) must forecast exactly what the engine's row does.
          notes.push(
            `${period}, recency check: ${differFromEngine(out[0]?.forecasts)} series differ from the engine's row`,
          );
          console.error(notes.at(-1));
          for (const o of out) {
            recencyMs.set(o.label, (recencyMs.get(o.label) ?? 0) + o.gramMs);
            notes.push(`${period}, ${o.note}`);
            console.error(notes.at(-1));
          }
          return out;
        })()
      : [];

    series.forEach((_, i) => {
      const y = tail[i] as Float64Array;
      const history = fit[i] as Float64Array;
      const long = !multi && history.length >= shortest;
      const add = (row: string, f: SeriesForecast) => {
        score(cells.get(row)?.get(period) as Cell, y, history, m, f);
        if (long) score(cells.get(`${row} [long histories]`)?.get(period) as Cell, y, history, m, f);
      };
      if (withMain) add(MAIN_ROW, mainForecasts[i] as SeriesForecast);
      add(LEARNED_ROW, plainForecasts[i] as SeriesForecast);
      if (withResiduals) add(RESIDUAL_ROW, fromResiduals(plainForecasts[i] as SeriesForecast, history));
      if (withSwitch) add(SWITCH_ROW, switchedForecasts[i] as SeriesForecast);
      for (const { label, policy, calibration } of policies)
        add(policyRow(label, policy), calibrated(plainForecasts[i] as SeriesForecast, calibration));
      garRows.forEach((r, j) => {
        const g = garForecasts[j];
        add(r.learned, g?.learned[i] as SeriesForecast);
        add(r.engine, withEnginePoint(g?.engine[i] as SeriesForecast));
        add(r.alone, g?.alone[i] as SeriesForecast);
        for (const p of g?.points ?? []) add(p.label, p.forecasts[i] as SeriesForecast);
      });
      for (const o of grouped) add(o.label, o.forecasts[i] as SeriesForecast);
      for (const row of cleanRows) add(row, cleanForecasts.get(row)?.[i] as SeriesForecast);
      for (const o of recency) add(o.label, o.forecasts[i] as SeriesForecast);
    });
    const w = plain.combination.components
      .map((c, k) => `${c} ${(plain.combination.weights[k] as number).toFixed(2)}`)
      .join(", ");
    notes.push(
      `${period}: ${series.length} series; learned weights ${w}; ` +
        `${fit.filter((f) => f.length < shortest).length} series with a history shorter than ${shortest}; ` +
        `main ${((t1 - t0) / 1000).toFixed(0)} s, learned ${((t2 - t1) / 1000).toFixed(0)} s`,
      ...policies.map(
        ({ label, calibration, used }) =>
          `${period}, ${label}: ${used ? `p10 factors [${factors(calibration, 0)}], p90 [${factors(calibration, 2)}]` : "no calibration"}`,
      ),
    );
    console.error(notes.slice(-1 - policies.length).join("\n"));
  }

  for (const period of periods) {
    console.log(
      `\n### ${period} (validation: ${multi ? "the h points held out at this origin" : "the last h points of the train part"})\n`,
    );
    console.log(
      "| variant | MASE | MAPE | sMAPE | wQL 0.1 | wQL 0.5 | wQL 0.9 | mean wQL | p10–p90 coverage | below p10 | above p90 | backtest coverage | crossed / p10 < 0 / zero width |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    );
    for (const row of [...rows, ...longRows]) {
      const c = cells.get(row)?.get(period) as Cell;
      const wql = c.pinball.map((p) => p / c.volume);
      const mean = wql.reduce((a, b) => a + b, 0) / wql.length;
      const policy = POLICIES.find(({ label, policy }) => row.startsWith(policyRow(label, policy)));
      const bt = policy ? backtestCoverage.get(policy.label)?.get(period) : undefined;
      const pct = (x: number, n: number) => `${((100 * x) / n).toFixed(1)}%`;
      console.log(
        `| ${row} | ${(c.mase / c.maseCount).toFixed(3)} | ${pooledMape(c.mape).toFixed(2)} | ${(c.smape / c.count).toFixed(2)} | ` +
          `${wql.map((v) => v.toFixed(4)).join(" | ")} | ${mean.toFixed(4)} | ${pct(c.hits, c.points)} | ` +
          `${pct(c.low, c.points)} | ${pct(c.high, c.points)} | ${bt ? pct(bt[0], bt[1]) : ""} | ${c.crossed} / ${c.negative} / ${c.zeroWidth} |`,
      );
    }
  }
  if (multi) printOrigins(periodNames, origins, rows, cells, LEARNED_ROW);
  if (multi && garRows.length > 0)
    printGarRule(
      periodNames,
      origins,
      garRows.map((r) => r.engine),
      garRows.map((r) => r.alone),
      cells,
    );
  if (multi && withPoint)
    printPointRule(periodNames, origins, (row, p, o) => cells.get(row)?.get(`${p} origin ${o}`) as Cell);
  const ruleCell = (row: string, p: string, o: number) => {
    const c = cells.get(row)?.get(`${p} origin ${o}`) as Cell;
    return {
      mase: c.mase / c.maseCount,
      mapeSum: c.mape.reduce((a, x) => a + x.sum, 0),
      mapePoints: c.mape.reduce((a, x) => a + x.points, 0),
      wql: c.pinball.reduce((a, x) => a + x / c.volume, 0) / c.pinball.length,
    };
  };
  const engineRow = garRows.find((r) => r.engine.includes("global-ar(engine)"))?.engine as string;
  if (multi && withRecency) {
    printGroupedRule(
      periodNames,
      origins,
      engineRow,
      recencyRows,
      ruleCell,
      enginePoint !== undefined,
      "Recency-weighted windows",
    );
    console.log(
      `\nRecency-weighted windows, in-process ms of their Gram sums over every period and origin: ${[
        ...recencyMs,
      ]
        .map(([label, ms]) => `${label} ${ms.toFixed(0)}`)
        .join("; ")}`,
    );
  }
  if (multi && withGrouped) {
    printGroupedRule(periodNames, origins, engineRow, groupedRows, ruleCell, enginePoint !== undefined);
    console.log(
      `\nGrouped weights, in-process ms of their work over every period and origin (an upper bound of the extra): ${[
        ...groupedMs,
      ]
        .map(([label, ms]) => `${label} ${ms.toFixed(0)}`)
        .join("; ")}`,
    );
  }
  if (multi && cleanRows.length > 0)
    printCleanRule(
      periodNames,
      origins,
      "learned + global-ar(engine), engine calibration",
      cleanRows,
      (row, p, o) => cells.get(row)?.get(`${p} origin ${o}`) as Cell,
      enginePoint !== undefined,
    );
  console.log("\n| variant | MAPE, all periods pooled |\n|---|---|");
  for (const row of [...rows, ...longRows])
    console.log(
      `| ${row} | ${pooledMape(periods.flatMap((p) => cells.get(row)?.get(p)?.mape ?? [])).toFixed(2)} |`,
    );
  objectives?.print();
  console.log(
    `\n${notes.join("\n")}\n\n${((Date.now() - started) / 1000).toFixed(0)} s wall in all (one thread).`,
  );
}

function sameArrays(a: readonly Float64Array[], b: readonly Float64Array[]): boolean {
  return a.length === b.length && a.every((x, k) => x.every((v, t) => Object.is(v, b[k]?.[t])));
}

/** One row's figures at one period and origin, kept in SUMMARY_DIR (`<period>.gar`) for runs one period at a time. */
interface GarCell {
  mase: number;
  mapeSum: number;
  mapePoints: number;
  wql: number;
  cov: number;
}

/**
 * With ORIGINS and GLOBAL_AR: the pooled-autoregression variants (each with the learned weights and the engine's
 * calibration) judged by the rule of bench/RESULTS.md ("Issue 14: an ensemble of pooled autoregressions"): against
 * global-ar(engine), a variant qualifies if its mean over the origins of the MAPE pooled over every period is
 * lower and no period's mean over the origins of MASE is higher by more than 0.5%; among the qualifiers the least
 * mean over the periods of mean wQL (mean over the origins, relative to global-ar(engine)) wins, if that is not
 * above 1.005.
 */
function printGarRule(
  periodNamesRun: string[],
  origins: number,
  engineRows: string[],
  aloneRows: string[],
  cells: Map<string, Map<string, Cell>>,
): void {
  const os = Array.from({ length: origins }, (_, o) => o + 1);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const cellOf = (c: Cell): GarCell => ({
    mase: c.mase / c.maseCount,
    mapeSum: c.mape.reduce((a, p) => a + p.sum, 0),
    mapePoints: c.mape.reduce((a, p) => a + p.points, 0),
    wql: c.pinball.reduce((a, p) => a + p / c.volume, 0) / c.pinball.length,
    cov: c.hits / c.points,
  });
  // figures[row][period][origin − 1]
  const figures = new Map<string, Map<string, GarCell[]>>();
  for (const row of [...engineRows, ...aloneRows]) {
    const perPeriod = new Map<string, GarCell[]>();
    for (const period of periodNamesRun)
      perPeriod.set(
        period,
        os.map((o) => cellOf(cells.get(row)?.get(`${period} origin ${o}`) as Cell)),
      );
    figures.set(row, perPeriod);
  }
  let periodNames = periodNamesRun;
  const dir = process.env.SUMMARY_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    for (const period of periodNamesRun)
      writeFileSync(
        join(dir, `${period}.gar`),
        JSON.stringify(Object.fromEntries([...figures].map(([row, m]) => [row, m.get(period)]))),
      );
    periodNames = readdirSync(dir)
      .filter((f) => f.endsWith(".gar"))
      .map((f) => f.slice(0, -4));
    for (const period of periodNames) {
      const kept = JSON.parse(readFileSync(join(dir, `${period}.gar`), "utf8")) as Record<string, GarCell[]>;
      for (const [row, cs] of Object.entries(kept)) {
        const perPeriod = figures.get(row) ?? new Map<string, GarCell[]>();
        perPeriod.set(period, cs);
        figures.set(row, perPeriod);
      }
    }
  }
  const rowsSeen = [...figures.keys()].filter((r) => periodNames.every((p) => figures.get(r)?.has(p)));
  const at = (row: string, period: string) => figures.get(row)?.get(period) as GarCell[];
  // Per origin, the MAPE pooled over every period; its mean over the origins.
  const pooledByOrigin = (row: string) =>
    os.map((_, o) => {
      const cs = periodNames.map((p) => at(row, p)[o] as GarCell);
      return cs.reduce((a, c) => a + c.mapeSum, 0) / cs.reduce((a, c) => a + c.mapePoints, 0);
    });
  console.log(
    "\n### Pooled autoregression variants over the origins (MASE and mean wQL: means over the origins; MAPE pooled over every period)\n",
  );
  console.log(
    `| variant | ${periodNames.map((p) => `${p} MASE per origin / mean`).join(" | ")} | ${periodNames.map((p) => `${p} mean wQL`).join(" | ")} | ${periodNames.map((p) => `${p} coverage`).join(" | ")} | pooled MAPE per origin | mean pooled MAPE |\n|---|${periodNames.map(() => "---|---|---|").join("")}---|---|`,
  );
  for (const row of rowsSeen) {
    const pooled = pooledByOrigin(row);
    console.log(
      `| ${row} | ${periodNames
        .map(
          (p) =>
            `${at(row, p)
              .map((c) => c.mase.toFixed(3))
              .join(" / ")} / **${mean(at(row, p).map((c) => c.mase)).toFixed(3)}**`,
        )
        .join(" | ")} | ` +
        `${periodNames.map((p) => mean(at(row, p).map((c) => c.wql)).toFixed(4)).join(" | ")} | ` +
        `${periodNames.map((p) => `${(100 * mean(at(row, p).map((c) => c.cov))).toFixed(1)}%`).join(" | ")} | ` +
        `${pooled.map((v) => v.toFixed(2)).join(" / ")} | ${mean(pooled).toFixed(3)} |`,
    );
  }
  const reference = engineRows.find((r) => r.includes("global-ar(engine)"));
  if (!reference || !rowsSeen.includes(reference)) {
    console.log("\n(no global-ar(engine) row: the rule needs it as the reference)");
    return;
  }
  const refMape = mean(pooledByOrigin(reference));
  const judged = rowsSeen
    .filter((r) => r !== reference && engineRows.includes(r))
    .map((row) => {
      const mape = mean(pooledByOrigin(row));
      const maseRatio = periodNames.map(
        (p) => mean(at(row, p).map((c) => c.mase)) / mean(at(reference, p).map((c) => c.mase)),
      );
      const wqlRel = mean(
        periodNames.map((p) => mean(at(row, p).map((c) => c.wql)) / mean(at(reference, p).map((c) => c.wql))),
      );
      const qualifies = mape < refMape && maseRatio.every((x) => x <= 1.005);
      return { row, mape, maseRatio, wqlRel, qualifies };
    })
    .sort((a, b) => a.wqlRel - b.wqlRel);
  const winner = judged.find((j) => j.qualifies && j.wqlRel <= 1.005);
  console.log(`\n### The rule against ${reference} (mean pooled MAPE ${refMape.toFixed(3)})\n`);
  console.log(
    `| variant | mean pooled MAPE | ${periodNames.map((p) => `${p} MASE ratio`).join(" | ")} | mean wQL ratio | qualifies |\n|---|---|${periodNames.map(() => "---|").join("")}---|---|`,
  );
  for (const j of judged)
    console.log(
      `| ${j.row}${j === winner ? " **wins**" : ""} | ${j.mape.toFixed(3)} | ${j.maseRatio.map((x) => x.toFixed(4)).join(" | ")} | ${j.wqlRel.toFixed(4)} | ${j.qualifies} |`,
    );
  console.log(winner ? `\nWinner: ${winner.row}` : "\nNo variant wins: the engine keeps its setting.");
  printPeriodRule(periodNames, rowsSeen, reference, at);
}

/**
 * The rule of bench/RESULTS.md ("Issue 14: better pooled models for the yearly and monthly MAPE gap"), on the means
 * over the origins and against global-ar(engine): a variant passes if on every period its MAPE (pooled over the
 * period's points) and MASE are not higher, on some period its MAPE is at least 1% lower, and on no period is its
 * mean wQL more than 0.5% higher; among those that pass the least MAPE pooled over every period wins.
 */
function printPeriodRule(
  periodNames: string[],
  rowsSeen: string[],
  reference: string,
  at: (row: string, period: string) => GarCell[],
): void {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const mapeOf = (row: string, p: string) => mean(at(row, p).map((c) => c.mapeSum / c.mapePoints));
  const pooledOf = (row: string) =>
    mean(
      (at(row, periodNames[0] as string) ?? []).map((_, o) => {
        const cs = periodNames.map((p) => at(row, p)[o] as GarCell);
        return cs.reduce((a, c) => a + c.mapeSum, 0) / cs.reduce((a, c) => a + c.mapePoints, 0);
      }),
    );
  const ratio = (row: string, p: string, f: (c: GarCell) => number) =>
    mean(at(row, p).map(f)) / mean(at(reference, p).map(f));
  const judged = rowsSeen
    .filter((r) => r !== reference && r.endsWith("engine calibration"))
    .map((row) => {
      const mape = periodNames.map((p) => mapeOf(row, p) / mapeOf(reference, p));
      const mase = periodNames.map((p) => ratio(row, p, (c) => c.mase));
      const wql = periodNames.map((p) => ratio(row, p, (c) => c.wql));
      const passes =
        mape.every((x) => x <= 1) &&
        mase.every((x) => x <= 1) &&
        mape.some((x) => x <= 0.99) &&
        wql.every((x) => x <= 1.005);
      return { row, mape, mase, wql, pooled: pooledOf(row), passes };
    })
    .sort((a, b) => a.pooled - b.pooled);
  const winner = judged.find((j) => j.passes);
  console.log(`\n### The per-period rule against ${reference} (ratios of the means over the origins)\n`);
  console.log(
    `| variant | ${periodNames.map((p) => `${p} MAPE / MASE / mean wQL ratio`).join(" | ")} | mean pooled MAPE | passes |\n|---|${periodNames.map(() => "---|").join("")}---|---|`,
  );
  const f = (x: number) => x.toFixed(4);
  for (const j of judged)
    console.log(
      `| ${j.row}${j === winner ? " **wins**" : ""} | ${periodNames.map((_, i) => `${f(j.mape[i] as number)} / ${f(j.mase[i] as number)} / ${f(j.wql[i] as number)}`).join(" | ")} | ${j.pooled.toFixed(3)} (reference ${pooledOf(reference).toFixed(3)}) | ${j.passes} |`,
    );
}

/**
 * With ORIGINS: per period, each row's coverage, below p10, above p90 and mean wQL per origin and their means over
 * the origins; then the choice among the calibration policies by the rule fixed before the first multi-origin run
 * (bench/RESULTS.md, "Issue 14: interval coverage over several validation origins"): D = the largest distance of a
 * period's mean coverage from 80 points; the policies within 0.5 points of the least D tie, and among them the
 * least mean over the periods of mean wQL relative to the uncalibrated combination's wins.
 */
interface SummaryCell {
  cov: number;
  low: number;
  high: number;
  wql: number;
}

function printOrigins(
  periodNamesRun: string[],
  origins: number,
  rows: string[],
  cells: Map<string, Map<string, Cell>>,
  plainRow: string,
): void {
  const at = (row: string, period: string, o: number) => cells.get(row)?.get(`${period} origin ${o}`) as Cell;
  const wqlOf = (c: Cell) => c.pinball.reduce((a, p) => a + p / c.volume, 0) / c.pinball.length;
  let periodNames = periodNamesRun;
  const pct = (x: number) => (100 * x).toFixed(1);
  const os = Array.from({ length: origins }, (_, o) => o + 1);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const summary = new Map<string, Map<string, SummaryCell>>();
  for (const period of periodNames) {
    console.log(
      `\n### ${period}: every origin (coverage / below p10 / above p90 / mean wQL), and the means over origins\n`,
    );
    console.log(
      `| variant | ${os.map((o) => `origin ${o}`).join(" | ")} | mean coverage | mean below p10 | mean above p90 | mean wQL | crossed / p10 < 0 / zero width |\n|---|${os.map(() => "---|").join("")}---|---|---|---|---|`,
    );
    for (const row of rows) {
      const cs = os.map((o) => at(row, period, o));
      const m = {
        cov: mean(cs.map((c) => c.hits / c.points)),
        low: mean(cs.map((c) => c.low / c.points)),
        high: mean(cs.map((c) => c.high / c.points)),
        wql: mean(cs.map(wqlOf)),
      };
      const perRow = summary.get(row) ?? new Map();
      perRow.set(period, m);
      summary.set(row, perRow);
      const odd = cs.reduce((a, c) => [a[0] + c.crossed, a[1] + c.negative, a[2] + c.zeroWidth], [0, 0, 0]);
      console.log(
        `| ${row} | ${cs.map((c) => `${pct(c.hits / c.points)} / ${pct(c.low / c.points)} / ${pct(c.high / c.points)} / ${wqlOf(c).toFixed(4)}`).join(" | ")} | ` +
          `${pct(m.cov)}% | ${pct(m.low)}% | ${pct(m.high)}% | ${m.wql.toFixed(4)} | ${odd.join(" / ")} |`,
      );
    }
  }
  // SUMMARY_DIR: each run keeps its periods' means there and the choice reads every period kept, so the periods
  // can run one at a time.
  const dir = process.env.SUMMARY_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    for (const period of periodNames)
      writeFileSync(
        join(dir, `${period}.json`),
        JSON.stringify(Object.fromEntries([...summary].map(([row, m]) => [row, m.get(period)]))),
      );
    periodNames = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -5));
    for (const period of periodNames) {
      const kept = JSON.parse(readFileSync(join(dir, `${period}.json`), "utf8")) as Record<
        string,
        SummaryCell
      >;
      for (const [row, m] of Object.entries(kept)) {
        const perRow = summary.get(row) ?? new Map();
        perRow.set(period, m);
        summary.set(row, perRow);
      }
    }
  }
  const plain = summary.get(plainRow) as Map<string, { wql: number }>;
  const ranked = rows
    .filter((r) => r !== plainRow && (r.startsWith("learned + spread") || r.startsWith("learned, residual")))
    .map((row) => {
      const m = summary.get(row) as Map<string, { cov: number; wql: number }>;
      const d = Math.max(...periodNames.map((p) => Math.abs(100 * (m.get(p)?.cov as number) - 80)));
      const rel = mean(periodNames.map((p) => (m.get(p)?.wql as number) / (plain.get(p)?.wql as number)));
      return { row, d, rel, m };
    })
    .sort((a, b) => a.d - b.d);
  const best = ranked[0]?.d ?? Number.NaN;
  const chosen = ranked.filter((r) => r.d <= best + 0.5).sort((a, b) => a.rel - b.rel)[0];
  console.log(
    `\n### The choice: largest distance of a period's mean coverage from 80 (D), mean wQL relative to uncalibrated\n`,
  );
  console.log(
    `| policy | D | ${periodNames.map((p) => `${p} coverage / wQL`).join(" | ")} | mean relative wQL |\n|---|---|${periodNames.map(() => "---|").join("")}---|`,
  );
  for (const r of ranked)
    console.log(
      `| ${r.row}${r === chosen ? " **chosen**" : ""} | ${r.d.toFixed(1)} | ${periodNames.map((p) => `${pct(r.m.get(p)?.cov as number)}% / ${(r.m.get(p)?.wql ?? Number.NaN).toFixed(4)}`).join(" | ")} | ${r.rel.toFixed(4)} |`,
    );
}

await main();
