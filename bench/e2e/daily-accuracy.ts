/**
 * Accuracy on generated daily demand through the public API: the last 14 days are held out, an AutoPredictor
 * (horizon 14, daily) trains on the rest, a forecast is queried for every series and scored on the held-out days
 * (MASE against the weekly seasonal naive, avg wQL, p10–p90 coverage). Prints the learned combination and the
 * training's wall and CPU time (all threads of this process). With OPENFORECAST_GLOBAL_AR=off the AutoPredictor
 * leaves the pooled autoregression out (issue 14: does it harm data it was not chosen on?).
 *
 * The data: daily-data.ts (heterogeneous levels, weekly profiles, drifting levels, a fifth intermittent).
 *
 * Run: node dist/bench/e2e/daily-accuracy.js [series=500] [days=400]
 */
import os from "node:os";
import {
  CreateAutoPredictorCommand,
  CreateForecastCommand,
  DescribeAutoPredictorCommand,
  DescribeForecastCommand,
} from "@aws-sdk/client-forecast";
import type { ErrorMetric } from "../../src/forecasting/auto/accuracy.js";
import { forecastqueryClient, importDemandGroup, startHarness, untilActive } from "../../test/e2e/harness.js";
import { dailySeries } from "./daily-data.js";
import { scoreQueriedForecasts } from "./holdout-query.js";

const SERIES = Number(process.argv[2] ?? 500);
const DAYS = Number(process.argv[3] ?? 400);
const HORIZON = 14;
const TIMEOUT_MS = 1_800_000;
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

async function main(): Promise<void> {
  const values = dailySeries(SERIES, DAYS);
  const fit = DAYS - HORIZON;
  const lines = ["item_id,timestamp,demand"];
  values.forEach((v, i) => {
    for (let d = 0; d < fit; d++) {
      const day = new Date(START + d * DAY).toISOString().slice(0, 10);
      lines.push(`item_${i},${day} 00:00:00,${(v[d] as number).toFixed(3)}`);
    }
  });
  const h = await startHarness();
  try {
    const fc = h.forecast();
    const s3 = h.s3();
    const group = await importDemandGroup(fc, s3, {
      group: "daily_accuracy",
      dataset: "daily_demand",
      bucket: "daily-accuracy",
      key: "demand.csv",
      csv: `${lines.join("\n")}\n`,
      roleArn: h.roleArn(),
    });
    const wall = performance.now();
    const cpu = process.cpuUsage();
    const load = os.loadavg()[0] as number;
    const { PredictorArn } = await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: "daily_accuracy",
        ForecastHorizon: HORIZON,
        ForecastFrequency: "D",
        DataConfig: { DatasetGroupArn: group },
      }),
    );
    await untilActive(
      () => fc.send(new DescribeAutoPredictorCommand({ PredictorArn })),
      "training",
      TIMEOUT_MS,
    );
    const used = process.cpuUsage(cpu);
    const trainWall = (performance.now() - wall) / 1000;
    const trainCpu = (used.user + used.system) / 1e6;
    const { ForecastArn } = await fc.send(
      new CreateForecastCommand({ ForecastName: "daily_accuracy_f", PredictorArn }),
    );
    await untilActive(() => fc.send(new DescribeForecastCommand({ ForecastArn })), "forecast", TIMEOUT_MS);
    const query = forecastqueryClient(h.service.forecastEndpoint);
    const { accuracy, coverage, maseSeries } = await scoreQueriedForecasts(
      query,
      ForecastArn as string,
      values.map((v, i) => ({
        filters: { item_id: `item_${i}` },
        history: v.slice(0, fit),
        actual: v.slice(fit),
      })),
      7,
    );
    query.destroy();
    const attrs = (await h.service.services.store.get(PredictorArn as string))?.attrs ?? {};
    const model = JSON.parse(await h.service.services.blobs.readText(String(attrs.ModelFile))) as {
      combination?: {
        components: string[];
        weights: number[];
        learned?: { gram?: { points: number; skipped: number } };
      };
    };
    const c = model.combination;
    console.log(
      `global-ar ${process.env.OPENFORECAST_GLOBAL_AR === "off" ? "off" : "on"}; ${SERIES} series × ${DAYS} days, horizon ${HORIZON}; ` +
        `machine ${os.cpus().length} cores, load at start ${load.toFixed(1)}, at end ${(os.loadavg()[0] as number).toFixed(1)}`,
    );
    console.log(`training ${trainWall.toFixed(1)} s wall, ${trainCpu.toFixed(1)} s CPU (all threads)`);
    console.log(
      `combination: ${c ? c.components.map((n, k) => `${n} ${(c.weights[k] as number).toFixed(3)}`).join(", ") : "none"}`,
    );
    const gram = c?.learned?.gram;
    if (gram) console.log(`weights learned on ${gram.points} series windows, ${gram.skipped} skipped`);
    console.log(
      `held-out: MASE ${(accuracy.ErrorMetrics[0] as ErrorMetric).MASE.toFixed(4)} (${maseSeries} series), avg wQL ${accuracy.AverageWeightedQuantileLoss.toFixed(4)}, ` +
        `p10–p90 coverage ${coverage.toFixed(1)}%`,
    );
  } finally {
    await h.close();
  }
}

await main();
