/**
 * A SHA-256 of the pooled autoregression's (global-ar) forecasts, to show that a change to how it fits leaves them
 * bit for bit the same: the AutoPredictor's global-ar (fitGlobalArSet, forecastGlobalArSet, as the workers run
 * them) on every tourism period's train part (forecast from its end, and from 1–3 horizons before it as the
 * backtests cut it) and on bench/e2e/daily-data.ts's daily series. Prints one digest per data set, over the bytes of
 * every series' mean and quantiles, and whether the log model applied.
 *
 * Run: node dist/bench/scale/global-ar-digest.js [daily series=5000]   (from the repository root)
 */
import { createHash } from "node:crypto";
import { bridgeGaps } from "../../src/forecasting/auto/members.js";
import { isGlobalArEnsemble } from "../../src/forecasting/global-ar/ensemble.js";
import { fitGlobalArSet, forecastGlobalArSet } from "../../src/forecasting/global-ar/index.js";
import type { SeriesSet } from "../../src/forecasting/series-set.js";
import { loadTourism, tourismDir } from "../accuracy/tourism-data.js";
import { dailySet, targetSet } from "../e2e/daily-data.js";

const LEVELS = [0.1, 0.5, 0.9];
const FREQUENCY: Record<string, string> = { MONTHLY: "M", QUARTERLY: "3M", YEARLY: "Y" };

function digest(s: SeriesSet, cutoffs: readonly number[]): string {
  const hash = createHash("sha256");
  const logs: boolean[] = [];
  for (const cutoff of cutoffs) {
    const model = fitGlobalArSet(s, LEVELS, cutoff, bridgeGaps);
    logs.push(...(isGlobalArEnsemble(model) ? model.members : [model]).map((m) => m.log));
    for (const f of forecastGlobalArSet(model, s, cutoff, bridgeGaps)) {
      hash.update(new Uint8Array(f.mean.buffer, f.mean.byteOffset, f.mean.byteLength));
      for (const q of f.quantiles) hash.update(new Uint8Array(q.buffer, q.byteOffset, q.byteLength));
    }
  }
  return `${hash.digest("hex")} (log model: ${[...new Set(logs)].join("/")})`;
}

const all = loadTourism(tourismDir());
for (const period of ["MONTHLY", "QUARTERLY", "YEARLY"]) {
  const series = all.filter((s) => s.period === period);
  const { h, frequency } = series[0] as (typeof series)[number];
  // Month-start steps, each series starting in its own month.
  const s = targetSet(
    FREQUENCY[period] as string,
    frequency,
    h,
    series.map((x) => x.train),
    (i, t) => Date.UTC(2000, (i % 12) + t, 1),
  );
  console.log(`tourism ${period.toLowerCase()}: ${digest(s, [0, h, 2 * h, 3 * h])}`);
}
// 5,000 series: more candidate windows than MAX_GLOBAL_AR_ROWS for the members on 3 and 4 horizons (thinned).
const n = Number(process.argv[2] ?? 5000);
const daily = dailySet(n, 386, 14);
console.log(`daily ${n} × 386: ${digest(daily, [0, 14, 28, 42])}`);
// The same daily series with their intermittent ones left out: positive enough for the log model.
const positive = daily.series.filter((x) => x.target.every((v) => v > 0));
// Shifted down by 1, the intermittent series go negative: the linear model.
const shifted = { ...daily, series: daily.series.map((x) => ({ ...x, target: x.target.map((v) => v - 1) })) };
console.log(`daily, every value − 1 (linear): ${digest(shifted, [0, 14, 28, 42])}`);
console.log(
  `daily, the ${positive.length} positive series: ${digest({ ...daily, series: positive }, [0, 14, 28, 42])}`,
);
