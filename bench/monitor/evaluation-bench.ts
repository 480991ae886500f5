// One monitor evaluation over many series, measured alone: the service runs in this process (test harness), the
// target data (134 days) is imported through the API, and the AutoPredictor and its 14-day forecast (days 120–133)
// are written straight into the store and a forecast file, so that no training has to run first (training is not
// what is measured; bench:monitor does the whole flow through the API). CreateMonitor then queues the evaluation of
// that forecast. Reports the wall time from CreateMonitor to the evaluation listed, the process's CPU time and
// resident memory over that span (sampled every 20 ms), and DescribeMonitor latency meanwhile.
//
// Run:  npx tsc -p tsconfig.json && node dist/bench/monitor/evaluation-bench.js      Environment: SERIES (10000).

import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  CreateMonitorCommand,
  DescribeMonitorCommand,
  ListMonitorEvaluationsCommand,
} from "@aws-sdk/client-forecast";
import { withConnection } from "../../src/data/duckdb.js";
import { sqlString } from "../../src/data/sql.js";
import { buildArn } from "../../src/resources/arn.js";
import { resourcePrefix } from "../../src/storage/blob-store.js";
import { importDemandGroup, startHarness } from "../../test/e2e/harness.js";

const SERIES = Number(process.env.SERIES ?? 10_000);
const DAYS = 134;
const FIRST = 120;
const HORIZON = 14;
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const day = (d: number) => new Date(START + d * DAY).toISOString().slice(0, 19);
const demand = (i: number, d: number) =>
  10 + (i % 17) + 4 * Math.sin((2 * Math.PI * d) / 7) + ((i * 31 + d * 7) % 5) + (d >= FIRST ? 3 : 0);
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? Number.NaN;

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const h = await startHarness();
  const fc = h.forecast();
  try {
    const lines: string[] = [];
    for (let i = 0; i < SERIES; i++) {
      for (let d = 0; d < DAYS; d++)
        lines.push(`item_${i},${day(d).replace("T", " ")},${demand(i, d).toFixed(2)}`);
    }
    const importStart = Date.now();
    const group = await importDemandGroup(fc, h.s3(), {
      group: "bench",
      dataset: "bench_demand",
      bucket: "evaluation-bench",
      key: "d.csv",
      csv: `${lines.join("\n")}\n`,
      roleArn: h.roleArn(),
    });
    console.log(
      `${SERIES} series × ${DAYS} days imported in ${((Date.now() - importStart) / 1000).toFixed(1)} s`,
    );

    // The predictor and its forecast, as training and CreateForecast would leave them.
    const { store } = h.service.services;
    const scope = { accountId: "111122223333", region: "us-west-2" };
    const predictorArn = buildArn(scope, "predictor", "bench");
    const now = Date.now();
    const record = (
      arn: string,
      kind: string,
      name: string,
      parentArn: string,
      attrs: Record<string, unknown>,
    ) => ({
      arn,
      ...scope,
      kind,
      name,
      parentArn,
      status: "ACTIVE",
      message: null,
      createdAt: now,
      modifiedAt: now,
      attrs,
    });
    await store.insert({
      record: record(predictorArn, "predictor", "bench", group, {
        IsAutoPredictor: true,
        DatasetGroupArn: group,
        ForecastHorizon: HORIZON,
        ForecastTypes: ["0.1", "0.5", "0.9", "mean"],
        ForecastFrequency: "D",
        DataConfig: { DatasetGroupArn: group },
        HolidayCountries: [],
      }),
    });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-evaluation-bench-"));
    const csv = path.join(dir, "forecast.csv");
    const rows: string[] = [];
    for (let i = 0; i < SERIES; i++) {
      for (let d = FIRST; d < DAYS; d++) {
        const mean = demand(i, d) - 3 + ((i + d) % 3);
        rows.push(
          `item_${i},${day(d)},${(mean - 2).toFixed(3)},${mean.toFixed(3)},${(mean + 2).toFixed(3)},${mean.toFixed(3)}`,
        );
      }
    }
    await fs.writeFile(csv, `${rows.join("\n")}\n`);
    const forecastFile = path.join(dir, "forecast.parquet");
    await withConnection(undefined, (c) =>
      c.run(
        `COPY (SELECT * FROM read_csv(${sqlString(csv)}, header = false, columns = {'item_id': 'VARCHAR',
           'date': 'VARCHAR', 'p10': 'DOUBLE', 'p50': 'DOUBLE', 'p90': 'DOUBLE', 'mean': 'DOUBLE'}))
         TO ${sqlString(forecastFile)} (FORMAT parquet)`,
      ),
    );
    // The forecast file goes into the internal bucket by key, like a forecast job's.
    const forecastKey = `${resourcePrefix(scope, "forecast", "bench")}forecast.parquet`;
    await h.service.services.blobs.put(forecastKey, forecastFile);
    await store.insert({
      record: record(buildArn(scope, "forecast", "bench"), "forecast", "bench", predictorArn, {
        PredictorArn: predictorArn,
        DatasetGroupArn: group,
        ForecastTypes: ["0.1", "0.5", "0.9", "mean"],
        ForecastFile: forecastKey,
        KeyNames: ["item_id"],
        SeriesCount: SERIES,
        Horizon: HORIZON,
        ForecastStart: day(FIRST),
        ForecastEnd: day(DAYS - 1),
      }),
    });

    global.gc?.();
    const heap = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.external;
    };
    const rssBefore = process.memoryUsage().rss;
    const heapBefore = heap();
    let peak = rssBefore;
    let heapPeak = heapBefore;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, process.memoryUsage().rss);
        heapPeak = Math.max(heapPeak, heap());
        await sleep(20);
      }
    })();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { MonitorArn } = await fc.send(
      new CreateMonitorCommand({ MonitorName: "bench", ResourceArn: predictorArn }),
    );
    const latencies: number[] = [];
    for (;;) {
      const t = performance.now();
      const d = await fc.send(new DescribeMonitorCommand({ MonitorArn }));
      latencies.push(performance.now() - t);
      if (d.EstimatedEvaluationTimeRemainingInMinutes === 0) break;
      await sleep(20);
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    sampling = false;
    await sampler;
    const e = (await fc.send(new ListMonitorEvaluationsCommand({ MonitorArn })))
      .PredictorMonitorEvaluations?.[0];
    console.log(
      JSON.stringify({
        state: e?.EvaluationState,
        message: e?.Message,
        items: e?.NumItemsEvaluated,
        metrics: Object.fromEntries(
          (e?.MetricResults ?? []).map((m) => [m.MetricName, Number(m.MetricValue?.toFixed(4))]),
        ),
      }),
    );
    console.log(`evaluation (CreateMonitor → no evaluation left): ${(wall / 1000).toFixed(2)} s wall`);
    console.log(
      `process CPU over that span: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (event loop, workers and DuckDB threads)`,
    );
    console.log(
      `RSS ${(rssBefore / 2 ** 20).toFixed(0)} MiB before, peak ${(peak / 2 ** 20).toFixed(0)} MiB during (+${((peak - rssBefore) / 2 ** 20).toFixed(0)} MiB)`,
    );
    console.log(
      `JS heap + external (typed arrays): ${(heapBefore / 2 ** 20).toFixed(0)} MiB before, peak ${(heapPeak / 2 ** 20).toFixed(0)} MiB during (+${((heapPeak - heapBefore) / 2 ** 20).toFixed(0)} MiB; DuckDB's own memory is not in it)`,
    );
    console.log(
      `DescribeMonitor meanwhile: ${latencies.length} calls, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
    );
    console.log(
      `load average ${loadBefore.map((l) => l.toFixed(1)).join(" ")} at the start, ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} at the end (2 cores, shared)`,
    );
    await fs.rm(dir, { recursive: true, force: true });
  } finally {
    await h.close();
  }
}

await main();
