/**
 * What the pooled autoregression (global-ar) costs an AutoPredictor on daily data, by number of series: the two
 * worker tasks training runs (backtestGlobalAr with the 3 backtest cutoffs, fitGlobalArModel on all the history),
 * called in this thread as a worker calls them, on bench/e2e/daily-data.ts's series (386 days, horizon 14). Prints
 * CPU seconds, the training windows of the final fit (thinned beyond MAX_GLOBAL_AR_ROWS), the RSS once the set is
 * built and the garbage collected (with --expose-gc), and the process's peak RSS after each size (sizes run
 * smallest first, so the peak is that size's or an earlier one's; one size per run gives what the fits add).
 *
 * Run: node --expose-gc dist/bench/scale/global-ar-cost.js [sizes=500,5000,20000]
 */
import os from "node:os";
import { isGlobalArEnsemble } from "../../src/forecasting/global-ar/ensemble.js";
import { packSeriesSet } from "../../src/jobs/series-transfer.js";
import { backtestGlobalAr, fitGlobalArModel } from "../../src/jobs/worker-tasks.js";
import { dailySet } from "../e2e/daily-data.js";

const DAYS = 386;
const HORIZON = 14;
const LEVELS = [0.1, 0.5, 0.9];
const sizes = (process.argv[2] ?? "500,5000,20000").split(",").map(Number);

console.log(
  `machine: ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)}; node ${process.version}`,
);
console.log(
  "| series | backtest (3 fits) CPU s | final fit CPU s | total CPU s | final-fit windows | RSS before the fits MB | peak RSS MB |",
);
console.log("|---|---|---|---|---|---|---|");
for (const n of sizes) {
  // The unpacked set stays referenced until the fits are done: freed, its buffers would be reused by the fits'
  // allocations, and the peak RSS would no longer show what the fits add.
  const unpacked = dailySet(n, DAYS, HORIZON);
  const set = await packSeriesSet(unpacked);
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage().rss / 2 ** 20;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const t0 = cpu();
  backtestGlobalAr({ set, quantiles: LEVELS, cutoffs: [1, 2, 3].map((w) => w * HORIZON) });
  const t1 = cpu();
  const model = fitGlobalArModel({ set, quantiles: LEVELS });
  const t2 = cpu();
  const rss = process.resourceUsage().maxRSS / 1024;
  if (unpacked.series.length !== n) throw new Error("the set lost series");
  console.log(
    `| ${n} | ${(t1 - t0).toFixed(2)} | ${(t2 - t1).toFixed(2)} | ${(t2 - t0).toFixed(2)} | ${(isGlobalArEnsemble(model) ? model.members : [model]).reduce((a, m) => a + m.rows, 0)} | ${rssBefore.toFixed(0)} | ${rss.toFixed(0)} |`,
  );
}
console.log(`load at end ${os.loadavg()[0]?.toFixed(1)}`);
