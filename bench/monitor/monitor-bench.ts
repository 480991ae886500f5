// Predictor monitoring at scale: one monitor evaluation over 10,000 daily series, through the public API of a
// service running as a child process. Trains an AutoPredictor with MonitorConfig on 120 days, forecasts 14 days,
// imports 134 days (the horizon covered), and measures the evaluation that import queues: wall time from the import
// turning ACTIVE to the monitor reporting no evaluation left, the service's CPU time and resident memory over that
// span (sampled from /proc every 50 ms), and DescribeMonitor latency meanwhile (a client calling every 50 ms).
//
// Run:  npm run bench:monitor        Environment: SERIES (default 10000), DAYS (default 120).

import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  CreateAutoPredictorCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateForecastCommand,
  DescribeAutoPredictorCommand,
  DescribeDatasetImportJobCommand,
  DescribeForecastCommand,
  DescribeMonitorCommand,
  type ForecastClient,
  ListMonitorEvaluationsCommand,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { forecastClient, s3Client, startChild } from "../../test/e2e/harness.js";

const SERIES = Number(process.env.SERIES ?? 10_000);
const DAYS = Number(process.env.DAYS ?? 120);
const HORIZON = 14;
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const ROLE = "arn:aws:iam::111122223333:role/ForecastAccess";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function csv(days: number): string {
  const lines: string[] = [];
  for (let i = 0; i < SERIES; i++) {
    for (let d = 0; d < days; d++) {
      const y =
        10 + (i % 17) + 4 * Math.sin((2 * Math.PI * d) / 7) + ((i * 31 + d * 7) % 5) + (d >= DAYS ? 3 : 0);
      lines.push(`item_${i},${new Date(START + d * DAY).toISOString().slice(0, 10)},${y.toFixed(2)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

async function until<T>(check: () => Promise<T | undefined>, ms = 200): Promise<T> {
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    await sleep(ms);
  }
}

async function importDays(
  fc: ForecastClient,
  s3: S3Client,
  datasetArn: string,
  days: number,
): Promise<number> {
  await s3.send(new PutObjectCommand({ Bucket: "monitor-bench", Key: `d${days}.csv`, Body: csv(days) }));
  const { DatasetImportJobArn } = await fc.send(
    new CreateDatasetImportJobCommand({
      DatasetImportJobName: `days_${days}`,
      DatasetArn: datasetArn,
      TimestampFormat: "yyyy-MM-dd",
      DataSource: { S3Config: { Path: `s3://monitor-bench/d${days}.csv`, RoleArn: ROLE } },
    }),
  );
  return until(async () => {
    const d = await fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn }));
    if (d.Status === "CREATE_FAILED") throw new Error(`import failed: ${d.Message}`);
    return d.Status === "ACTIVE" ? Date.now() : undefined;
  }, 50);
}

/** utime + stime of a process in seconds, and its VmRSS in MiB. */
async function procStats(pid: number): Promise<{ cpu: number; rssMiB: number }> {
  const stat = (await fs.readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
  const status = await fs.readFile(`/proc/${pid}/status`, "utf8");
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpu: (Number(stat[11]) + Number(stat[12])) / 100, rssMiB: rss / 1024 };
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

async function main(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-monitor-bench-"));
  const child = await startChild(dataDir);
  const pid = child.process.pid as number;
  const fc = forecastClient(child.forecastEndpoint);
  const s3 = s3Client(child.s3Endpoint);
  try {
    console.log(
      `${SERIES} series × ${DAYS} days, horizon ${HORIZON}; load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
    await s3.send(new CreateBucketCommand({ Bucket: "monitor-bench" }));
    const { DatasetGroupArn } = await fc.send(
      new CreateDatasetGroupCommand({ DatasetGroupName: "bench", Domain: "RETAIL" }),
    );
    const { DatasetArn } = await fc.send(
      new CreateDatasetCommand({
        DatasetName: "bench_demand",
        Domain: "RETAIL",
        DatasetType: "TARGET_TIME_SERIES",
        DataFrequency: "D",
        Schema: {
          Attributes: [
            { AttributeName: "item_id", AttributeType: "string" },
            { AttributeName: "timestamp", AttributeType: "timestamp" },
            { AttributeName: "demand", AttributeType: "float" },
          ],
        },
      }),
    );
    const { UpdateDatasetGroupCommand } = await import("@aws-sdk/client-forecast");
    await fc.send(new UpdateDatasetGroupCommand({ DatasetGroupArn, DatasetArns: [DatasetArn as string] }));
    await importDays(fc, s3, DatasetArn as string, DAYS);
    const trainStart = Date.now();
    const { PredictorArn } = await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: "bench",
        ForecastHorizon: HORIZON,
        ForecastFrequency: "D",
        ForecastTypes: ["0.1", "0.5", "0.9", "mean"],
        DataConfig: { DatasetGroupArn },
        MonitorConfig: { MonitorName: "bench_monitor" },
      }),
    );
    const predictor = await until(async () => {
      const d = await fc.send(new DescribeAutoPredictorCommand({ PredictorArn }));
      if (d.Status === "CREATE_FAILED") throw new Error(`training failed: ${d.Message}`);
      return d.Status === "ACTIVE" ? d : undefined;
    }, 1000);
    console.log(`training ${((Date.now() - trainStart) / 1000).toFixed(0)} s`);
    const MonitorArn = predictor.MonitorInfo?.MonitorArn as string;
    const forecastStart = Date.now();
    const { ForecastArn } = await fc.send(new CreateForecastCommand({ ForecastName: "bench", PredictorArn }));
    await until(async () => {
      const d = await fc.send(new DescribeForecastCommand({ ForecastArn }));
      return d.Status === "ACTIVE" ? true : undefined;
    }, 500);
    console.log(`forecast ${((Date.now() - forecastStart) / 1000).toFixed(1)} s`);
    await until(async () => {
      const d = await fc.send(new DescribeMonitorCommand({ MonitorArn }));
      return d.EstimatedEvaluationTimeRemainingInMinutes === 0 ? true : undefined;
    });

    // The measured span: from the covering import turning ACTIVE to no evaluation left.
    const before = await procStats(pid);
    let peakRss = before.rssMiB;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakRss = Math.max(peakRss, (await procStats(pid)).rssMiB);
        await sleep(50);
      }
    })();
    const importedAt = await importDays(fc, s3, DatasetArn as string, DAYS + HORIZON);
    const atImport = await procStats(pid);
    const latencies: number[] = [];
    await until(async () => {
      const t = performance.now();
      const d = await fc.send(new DescribeMonitorCommand({ MonitorArn }));
      latencies.push(performance.now() - t);
      return d.EstimatedEvaluationTimeRemainingInMinutes === 0 ? true : undefined;
    }, 50);
    const evaluated = Date.now();
    const after = await procStats(pid);
    sampling = false;
    await sampler;
    const list = await fc.send(new ListMonitorEvaluationsCommand({ MonitorArn }));
    const e = list.PredictorMonitorEvaluations?.[0];
    console.log(
      JSON.stringify({
        evaluations: list.PredictorMonitorEvaluations?.length,
        state: e?.EvaluationState,
        items: e?.NumItemsEvaluated,
        metrics: Object.fromEntries(
          (e?.MetricResults ?? []).map((m) => [m.MetricName, Number(m.MetricValue?.toFixed(4))]),
        ),
      }),
    );
    console.log(
      `evaluation wall time (import ACTIVE → no evaluation left): ${((evaluated - importedAt) / 1000).toFixed(2)} s`,
    );
    console.log(`service CPU during the evaluation: ${(after.cpu - atImport.cpu).toFixed(2)} s`);
    console.log(
      `service RSS: ${before.rssMiB.toFixed(0)} MiB before the import, peak ${peakRss.toFixed(0)} MiB during import + evaluation, ${after.rssMiB.toFixed(0)} MiB after`,
    );
    console.log(
      `DescribeMonitor during the evaluation: ${latencies.length} calls, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
    );
    console.log(
      `load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
  } finally {
    fc.destroy();
    s3.destroy();
    await child.kill();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

await main();
