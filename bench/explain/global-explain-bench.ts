// The global model at predictor scale: fit on 1,000 daily series of a year with 8 attributes, forecast,
// explain. Run: node dist/bench/explain/global-explain-bench.js [fitSeries=1000] [bigSeries=10000]
// [bruteRows=1400]
//
// Everything runs as a backtest (cutoff = the 28-step horizon) so that the forecast can be scored against the
// held-back month: MASE, WAPE and average wQL of the model and of the seasonal naive forecast.
// (a) forecast explainability, 50 series: the model forecasts 28 steps from an origin, so "500 points per
//     series" is taken as 18 consecutive origins (cutoffs 28..45) × 28 steps = 504 rows per series, 25,200
//     rows in all;
// (b) predictor explainability: every step of all `bigSeries` series (10,000 × 28 = 280,000 rows), aggregated
//     to the mean |raw impact| per attribute;
// (c) brute force (2^8 coalitions per row) on the first `bruteRows` rows of (a), against TreeSHAP on the same.

import {
  combineExplanations,
  explainGlobal,
  explainGlobalBruteForce,
  type GlobalExplanation,
} from "../../src/explain/index.js";
import { maxAbs, normalizeImpacts } from "../../src/explain/normalize.js";
import { nTrees } from "../../src/forecasting/gbdt/index.js";
import { featureNames, fitGlobalModel, forecastGlobal } from "../../src/forecasting/global/index.js";
import { averageWeightedQuantileLoss, mase, wape } from "../../src/forecasting/metrics.js";
import type { SeriesSet } from "../../src/forecasting/series-set.js";
import { retailDemand } from "./global-demand.js";

const fitSeries = Number(process.argv[2] ?? 1_000);
const bigSeries = Number(process.argv[3] ?? 10_000);
const bruteRows = Number(process.argv[4] ?? 1_400);
const HORIZON = 28;
const ORIGINS = 18;
const CUT = HORIZON;
const LEVELS = [0.1, 0.5, 0.9];

function time<T>(fn: () => T): { ms: number; cpuMs: number; result: T } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, result };
}
const fmt = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
const report = (what: string, t: { ms: number; cpuMs: number }, rows?: number) =>
  console.log(
    `${what}: wall ${fmt(t.ms)}, cpu ${fmt(t.cpuMs)}` +
      (rows ? ` (${((t.cpuMs * 1000) / rows).toFixed(1)} µs/row cpu)` : ""),
  );

const big = retailDemand({ nSeries: Math.max(bigSeries, fitSeries), n: 365, horizon: HORIZON, seed: 2024 });
const small: SeriesSet = { ...big, series: big.series.slice(0, fitSeries) };

const fit = time(() => fitGlobalModel(small, { quantiles: LEVELS, includeMean: true, cutoff: CUT }));
const model = fit.result;
const nodes = [model.mean, ...model.quantileModels].reduce((s, e) => s + (e ? e.feature.length : 0), 0);
console.log(
  `fit: ${fitSeries} series × 365 days, horizon ${HORIZON}, ${featureNames(model.layout).length} columns, ` +
    `8 attributes; ${model.trainingRows} training rows; 4 ensembles (mean, p10, p50, p90) × ` +
    `${nTrees(model.quantileModels[0])} trees, ${nodes} nodes`,
);
report("fit", fit);
const smallForecast = time(() => forecastGlobal(model, small, { cutoff: CUT }));
report(`forecast ${fitSeries} series`, smallForecast, fitSeries * HORIZON);
const bigForecast = time(() => forecastGlobal(model, big, { cutoff: CUT }));
report(`forecast ${big.series.length} series`, bigForecast, big.series.length * HORIZON);
scoreBacktest(big, bigForecast.result);

// (a) 50 series × 18 origins × 28 steps.
const steps = Array.from({ length: HORIZON }, (_, k) => k);
const fifty = Array.from({ length: 50 }, (_, series) => ({ series, steps }));
const a = time(() =>
  Array.from({ length: ORIGINS }, (_, k) =>
    explainGlobal(model, small, fifty, { quantile: 0.5, cutoff: CUT + k }),
  ),
);
report(`(a) explain p50, 50 series × ${ORIGINS} origins × ${HORIZON} steps`, a, 50 * ORIGINS * HORIZON);
const one = time(() => explainGlobal(model, small, fifty, { quantile: 0.5, cutoff: CUT }));
report(`(a') explain p50, 50 series × ${HORIZON} steps (one forecast)`, one, 50 * HORIZON);

// (b) predictor-level aggregate over every series and step.
const everything = big.series.map((_, series) => ({ series, steps }));
const b = time(() => explainGlobal(model, big, everything, { quantile: "mean", cutoff: CUT }));
report(`(b) explain mean, ${big.series.length} series × ${HORIZON} steps`, b, big.series.length * HORIZON);
const agg = aggregate(b.result);
const norm = normalizeImpacts(agg);
console.log(
  "    predictor aggregate, mean |raw| (normalized): " +
    b.result.attributes.map((name, p) => `${name} ${agg[p].toFixed(2)} (${norm[p].toFixed(2)})`).join(", "),
);

// (b') the same explained as a member of every series' combination (weight 0.9, as learned on the retail sample)
// next to a statistical member: raw impacts Σ w φ, what an AutoPredictor's explainability now computes.
const zeros = new Float64Array(b.result.raw.length);
const combinedTime = time(() =>
  combineExplanations([
    { weight: 0.9, ...b.result },
    { weight: 0.1, raw: zeros, forecast: b.result.forecast, baselineForecast: b.result.forecast },
  ]),
);
report(
  `(b') Σ w·φ over the same ${big.series.length} series × ${HORIZON} steps`,
  combinedTime,
  big.series.length * HORIZON,
);
console.log(`    peak RSS so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

// (c) brute force on a subset of (a)'s first forecast, same rows both ways.
const subset = fifty.slice(0, Math.ceil(bruteRows / HORIZON));
const fast = time(() => explainGlobal(model, small, subset, { quantile: 0.5, cutoff: CUT }));
const slow = time(() => explainGlobalBruteForce(model, small, subset, { quantile: 0.5, cutoff: CUT }));
const rows = fast.result.rows.length;
let diff = 0;
for (let i = 0; i < fast.result.raw.length; i++)
  diff = Math.max(diff, Math.abs(fast.result.raw[i] - slow.result.raw[i]));
report(`(c) TreeSHAP on ${rows} rows`, fast, rows);
report(`    brute force (256 coalitions/row) on ${rows} rows`, slow, rows);
console.log(
  `    brute force / TreeSHAP cpu: ${(slow.cpuMs / fast.cpuMs).toFixed(1)}×; ` +
    `max |difference| ${diff.toExponential(2)} ` +
    `(largest |impact| ${maxAbs(fast.result.raw).toFixed(2)})`,
);

/** Mean |raw impact| per attribute over every row. */
function aggregate(e: GlobalExplanation): Float64Array {
  const k = e.attributes.length;
  const out = new Float64Array(k);
  for (let r = 0; r < e.rows.length; r++) for (let p = 0; p < k; p++) out[p] += Math.abs(e.raw[r * k + p]);
  for (let p = 0; p < k; p++) out[p] /= e.rows.length;
  return out;
}

/** Accuracy on the held-back month, the series seen in training apart from the others. */
function scoreBacktest(set: SeriesSet, forecasts: ReturnType<typeof forecastGlobal>): void {
  const score = (from: number, to: number) => {
    const actual: number[] = [];
    const mean: number[] = [];
    const naive: number[] = [];
    const qs: number[][] = LEVELS.map(() => []);
    const naiveQs: number[][] = LEVELS.map(() => []);
    let maseModel = 0;
    let maseNaive = 0;
    for (let i = from; i < to; i++) {
      const y = set.series[i].target;
      const n = y.length - CUT;
      const history = y.subarray(0, n);
      const future = y.subarray(n);
      const sn = Float64Array.from({ length: HORIZON }, (_, k) => history[n - 7 + (k % 7)]);
      maseModel += mase(future, forecasts[i].mean, history, 7) / (to - from);
      maseNaive += mase(future, sn, history, 7) / (to - from);
      actual.push(...future);
      mean.push(...forecasts[i].mean);
      naive.push(...sn);
      LEVELS.forEach((_, k) => {
        qs[k].push(...forecasts[i].quantiles[k]);
        naiveQs[k].push(...sn);
      });
    }
    return (
      `MASE ${maseModel.toFixed(3)} (seasonal naive ${maseNaive.toFixed(3)}), ` +
      `WAPE ${wape(actual, mean).toFixed(3)} (${wape(actual, naive).toFixed(3)}), ` +
      `avg wQL ${averageWeightedQuantileLoss(actual, qs, LEVELS).toFixed(3)} ` +
      `(${averageWeightedQuantileLoss(actual, naiveQs, LEVELS).toFixed(3)})`
    );
  };
  console.log(`    backtest, the ${fitSeries} fitted series: ${score(0, fitSeries)}`);
  if (set.series.length > fitSeries) {
    console.log(
      `    backtest, ${set.series.length - fitSeries} unseen series: ${score(fitSeries, set.series.length)}`,
    );
  }
}
