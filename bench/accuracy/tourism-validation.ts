// The AutoPredictor's design choices judged on a validation split of the tourism data, never on its test split
// (bench/accuracy/README.md): each series' train part loses its last h points, the engine (in-process, the same
// functions the service's workers and coordinator run) trains on what is left, with its backtest windows cut from
// it, and forecasts the held-out h points. The test part is not read.
// Variants: main's engine (per-series choice around the median of damped ETS, Theta and ARIMA); the learned
// statistical weights; the same with the per-series switch; the same with the p10/p90 spread calibrated on the
// backtests (one factor per level, or one per level and horizon step).
// Run: npm run bench:accuracy-validation   (LIMIT=N: the first N series of each period)

import type { AutoPredictorOptions } from "../../src/forecasting/auto/auto-predictor.js";
import { backtestAutoPredictor, forecastCombined } from "../../src/forecasting/auto/auto-predictor.js";
import { SERIES_CHOICE } from "../../src/forecasting/auto/combined-model.js";
import {
  applyCalibration,
  confirmedCalibration,
  type IntervalCalibration,
  learnCalibration,
  SpreadSums,
} from "../../src/forecasting/auto/interval-calibration.js";
import { learnedCombination } from "../../src/forecasting/auto/learned-combination.js";
import { bridgeGaps, FITTED_MEMBERS, LEARNED_MEMBERS } from "../../src/forecasting/auto/members.js";
import {
  competitionMase,
  intervalHits,
  type PercentErrorSum,
  percentErrorSum,
  pinballSum,
  pooledMape,
} from "../../src/forecasting/competition-metrics.js";
import { loadMembers, type MemberName } from "../../src/forecasting/members.js";
import { smape } from "../../src/forecasting/metrics.js";
import {
  clampNonNegative,
  enforceMonotoneQuantiles,
  type SeriesForecast,
} from "../../src/forecasting/model.js";
import type { PreparedSeries } from "../../src/forecasting/series-set.js";
import { loadTourism, type Series, tourismDir } from "./tourism-data.js";

const LEVELS = [0.1, 0.5, 0.9];
const WINDOWS = 3;
const SWITCH_TO: MemberName[] = ["npts", "snaive"];
const DAY = 86_400_000;

interface Cell {
  mase: number;
  maseCount: number;
  smape: number;
  count: number;
  mape: PercentErrorSum[];
  pinball: number[];
  volume: number;
  hits: number;
  points: number;
}

const emptyCell = (): Cell => ({
  mase: 0,
  maseCount: 0,
  smape: 0,
  count: 0,
  mape: [],
  pinball: LEVELS.map(() => 0),
  volume: 0,
  hits: 0,
  points: 0,
});

function score(cell: Cell, actual: Float64Array, history: Float64Array, m: number, f: SeriesForecast): void {
  const mase = competitionMase(actual, f.mean, history, m);
  if (Number.isFinite(mase)) {
    cell.mase += mase;
    cell.maseCount++;
  }
  cell.smape += smape(actual, f.mean);
  cell.count++;
  // MAPE over the non-zero actuals (the validation tails hold a few zeros; the test split none).
  const nonZero = Array.from(actual.keys()).filter((t) => actual[t] !== 0);
  cell.mape.push(
    percentErrorSum(
      nonZero.map((t) => actual[t] as number),
      nonZero.map((t) => f.mean[t] as number),
    ),
  );
  LEVELS.forEach((tau, k) => {
    cell.pinball[k] = (cell.pinball[k] as number) + pinballSum(actual, f.quantiles[k] as Float64Array, tau);
  });
  for (const y of actual) cell.volume += Math.abs(y);
  cell.hits += intervalHits(actual, f.quantiles[0] as Float64Array, f.quantiles[2] as Float64Array);
  cell.points += actual.length;
}

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

function calibrated(f: SeriesForecast, c: IntervalCalibration): SeriesForecast {
  const out = applyCalibration(
    { mean: Float64Array.from(f.mean), quantiles: f.quantiles.map((q) => Float64Array.from(q)) },
    c,
  );
  enforceMonotoneQuantiles(LEVELS, out.quantiles);
  return clampNonNegative(out);
}

async function main(): Promise<void> {
  const limit = Number(process.env.LIMIT ?? "0");
  await loadMembers([...FITTED_MEMBERS, ...LEARNED_MEMBERS, ...SWITCH_TO]);
  const all = loadTourism(tourismDir());
  const periods = [...new Set(all.map((s) => s.period))];
  const rows = [
    "main: per-series choice, median(ets-damped, theta, arima)",
    "learned weights (branch)",
    "learned weights + per-series switch (npts, snaive, components)",
    "learned weights + spread calibrated per level",
    "learned weights + spread calibrated per level and step",
    "learned weights + spread per level, if the latest backtest window confirms it",
    "learned weights + spread per level and step, if the latest backtest window confirms it",
  ];
  // The same rows on the series whose validation history is at least as long as the shortest test-split history
  // of the period: the validation split alone has series of 3 yearly points, where no backtest window fits.
  const longRows = rows.map((r) => `${r} [long histories]`);
  const cells = new Map(
    [...rows, ...longRows].map((r) => [r, new Map(periods.map((p) => [p, emptyCell()]))]),
  );
  const notes: string[] = [];
  const started = Date.now();
  for (const period of periods) {
    let series: Series[] = all.filter((s) => s.period === period);
    if (limit > 0) series = series.slice(0, limit);
    const h = series[0]?.h as number;
    const m = series[0]?.frequency as number;
    const fit = series.map((s) => s.train.subarray(0, s.train.length - h));
    const tail = series.map((s) => s.train.subarray(s.train.length - h));
    const set = series.map((s, i) => prepared(s.name, fit[i] as Float64Array, h));
    const grid = { horizon: h, period: m };
    const base: AutoPredictorOptions = {
      quantiles: LEVELS,
      metric: "AverageWeightedQuantileLoss",
      backtestWindows: WINDOWS,
      nonNegative: true,
    };
    const t0 = Date.now();

    // main: each series' own member, the combination [choice] with weight 1.
    const mainResult = backtestAutoPredictor(grid, set, base);
    const mainForecasts = forecastCombined(
      grid,
      set,
      mainResult.choices,
      { components: [SERIES_CHOICE], weights: [1] },
      LEVELS,
      true,
    );
    const t1 = Date.now();

    // The branch: learned statistical weights, with and without the switch.
    const result = backtestAutoPredictor(grid, set, {
      ...base,
      learnedMembers: [...LEARNED_MEMBERS],
      switchMembers: SWITCH_TO,
    });
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
    const switched = learnedCombination({ ...input, switching: true });
    const plainForecasts = forecastCombined(grid, set, plain.choices, plain.combination, LEVELS, true);
    const switchedForecasts = forecastCombined(
      grid,
      set,
      switched.choices,
      switched.combination,
      LEVELS,
      true,
    );
    const t2 = Date.now();

    // The spread calibration, from the learned combination's backtest forecasts.
    const sums = new SpreadSums(LEVELS, h, WINDOWS);
    for (const b of result.backtests) {
      const f = plain.forecastOf(0, b);
      if (f) sums.add(b.actual, f, b.window);
    }
    const perLevel = learnCalibration(sums.state(), false);
    const perStep = learnCalibration(sums.state(), true);
    const none: IntervalCalibration = { levels: LEVELS, factors: LEVELS.map(() => [1]) };
    const confirmedLevel = confirmedCalibration(sums.state(), false) ?? none;
    const confirmedStep = confirmedCalibration(sums.state(), true) ?? none;
    const shortest = Math.min(...series.map((s) => s.train.length));

    series.forEach((_, i) => {
      const y = tail[i] as Float64Array;
      const history = fit[i] as Float64Array;
      const long = history.length >= shortest;
      const add = (row: string, f: SeriesForecast) => {
        score(cells.get(row)?.get(period) as Cell, y, history, m, f);
        if (long) score(cells.get(`${row} [long histories]`)?.get(period) as Cell, y, history, m, f);
      };
      add(rows[0] as string, mainForecasts[i] as SeriesForecast);
      add(rows[1] as string, plainForecasts[i] as SeriesForecast);
      add(rows[2] as string, switchedForecasts[i] as SeriesForecast);
      add(rows[3] as string, calibrated(plainForecasts[i] as SeriesForecast, perLevel));
      add(rows[4] as string, calibrated(plainForecasts[i] as SeriesForecast, perStep));
      add(rows[5] as string, calibrated(plainForecasts[i] as SeriesForecast, confirmedLevel));
      add(rows[6] as string, calibrated(plainForecasts[i] as SeriesForecast, confirmedStep));
    });
    const switches = switched.choices.filter((c) => c !== "").length;
    const w = plain.combination.components
      .map((c, k) => `${c} ${(plain.combination.weights[k] as number).toFixed(2)}`)
      .join(", ");
    notes.push(
      `${period}: ${series.length} series; learned weights ${w}; ${switches} series switched; spread factors ` +
        `per level p10 ${perLevel.factors[0]?.[0]?.toFixed(2)}, p90 ${perLevel.factors[2]?.[0]?.toFixed(2)}; per step ` +
        `p10 [${perStep.factors[0]?.map((v) => v.toFixed(2)).join(" ")}], p90 [${perStep.factors[2]?.map((v) => v.toFixed(2)).join(" ")}]; ` +
        `confirmed: per level ${confirmedLevel === none ? "no" : "yes"}, per step ${confirmedStep === none ? "no" : "yes"}; ` +
        `${series.filter((s) => s.train.length - h < shortest).length} series with a history shorter than ${shortest}; ` +
        `main ${((t1 - t0) / 1000).toFixed(0)} s, learned (with switch candidates) ${((t2 - t1) / 1000).toFixed(0)} s`,
    );
    console.error(notes[notes.length - 1]);
  }

  for (const period of periods) {
    console.log(`\n### ${period} (validation: the last h points of the train part)\n`);
    console.log(
      "| variant | MASE | MAPE | sMAPE | wQL 0.1 | wQL 0.5 | wQL 0.9 | mean wQL | p10–p90 coverage |\n|---|---|---|---|---|---|---|---|---|",
    );
    for (const row of [...rows, ...longRows]) {
      const c = cells.get(row)?.get(period) as Cell;
      const wql = c.pinball.map((p) => p / c.volume);
      const mean = wql.reduce((a, b) => a + b, 0) / wql.length;
      console.log(
        `| ${row} | ${(c.mase / c.maseCount).toFixed(3)} | ${pooledMape(c.mape).toFixed(2)} | ${(c.smape / c.count).toFixed(2)} | ` +
          `${wql.map((v) => v.toFixed(4)).join(" | ")} | ${mean.toFixed(4)} | ${((100 * c.hits) / c.points).toFixed(1)}% |`,
      );
    }
  }
  console.log("\n| variant | MAPE, all periods pooled |\n|---|---|");
  for (const row of [...rows, ...longRows])
    console.log(
      `| ${row} | ${pooledMape(periods.flatMap((p) => cells.get(row)?.get(p)?.mape ?? [])).toFixed(2)} |`,
    );
  console.log(
    `\n${notes.join("\n")}\n\n${((Date.now() - started) / 1000).toFixed(0)} s wall in all (one thread).`,
  );
}

await main();
