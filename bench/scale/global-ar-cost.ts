/**
 * What the pooled autoregression (global-ar) costs an AutoPredictor on daily data, by number of series: the two
 * worker tasks training runs (backtestGlobalAr with the 3 backtest cutoffs, fitGlobalArModel on all the history),
 * called in this thread as a worker calls them, on bench/e2e/daily-data.ts's series (386 days, horizon 14). Prints
 * CPU seconds, the training windows of the final fit (thinned beyond MAX_GLOBAL_AR_ROWS) and the process's peak
 * RSS after each size (sizes run smallest first, so the peak is that size's or an earlier one's).
 *
 * Run: node dist/bench/scale/global-ar-cost.js [sizes=500,5000,20000]
 */
import os from "node:os";
import { isGlobalArEnsemble } from "../../src/forecasting/global-ar/ensemble.js";
import type { PreparedSeries, SeriesSet } from "../../src/forecasting/series-set.js";
import { packSeriesSet } from "../../src/jobs/series-transfer.js";
import { backtestGlobalAr, fitGlobalArModel } from "../../src/jobs/worker-tasks.js";
import { dailySeries } from "../e2e/daily-data.js";

const DAY = 86_400_000;
const DAYS = 386;
const HORIZON = 14;
const LEVELS = [0.1, 0.5, 0.9];
const sizes = (process.argv[2] ?? "500,5000,20000").split(",").map(Number);

function dailySet(n: number): SeriesSet {
  const series: PreparedSeries[] = dailySeries(n, DAYS).map((v, i) => ({
    key: [`item_${i}`],
    timestamps: Float64Array.from({ length: DAYS + HORIZON }, (_, d) => Date.UTC(2024, 0, 1) + d * DAY),
    target: Float64Array.from(v),
    related: [],
    metadata: new Float64Array(0),
    holidays: [],
  }));
  return {
    frequency: "D",
    period: 7,
    horizon: HORIZON,
    keyNames: ["item_id"],
    relatedNames: [],
    metadataNames: [],
    metadataLevels: [],
    holidayCountries: [],
    series,
  };
}

console.log(
  `machine: ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)}; node ${process.version}`,
);
console.log(
  "| series | backtest (3 fits) CPU s | final fit CPU s | total CPU s | final-fit windows | peak RSS MB |",
);
console.log("|---|---|---|---|---|---|");
for (const n of sizes) {
  const set = await packSeriesSet(dailySet(n));
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const t0 = cpu();
  const cutoffs = [1, 2, 3].map((w) => w * HORIZON);
  backtestGlobalAr({ set, quantiles: LEVELS, cutoffs });
  const t1 = cpu();
  const model = fitGlobalArModel({ set, quantiles: LEVELS, cutoffs });
  const t2 = cpu();
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(
    `| ${n} | ${(t1 - t0).toFixed(2)} | ${(t2 - t1).toFixed(2)} | ${(t2 - t0).toFixed(2)} | ${(isGlobalArEnsemble(model) ? model.members : [model]).reduce((a, m) => a + m.rows, 0)} | ${rss.toFixed(0)} |`,
  );
}
console.log(`load at end ${os.loadavg()[0]?.toFixed(1)}`);
