// Issue 12's what-if benchmark: a what-if forecast over SERIES daily series (default 10,000) with a price
// transformation on half of them, against the baseline CreateForecast, through the public API of the service
// running as a child process. Reports wall time and the service's peak RSS per stage, and QueryWhatIfForecast
// latency (p50, p99) beside QueryForecast's.
//
// Run:  npx tsc -p tsconfig.json && node dist/bench/what-if/what-if-bench.js
// Environment: SERIES (default 10000), DAYS of history (default 240), QUERIES (default 400).

import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  CreateAutoPredictorCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateForecastCommand,
  CreateWhatIfAnalysisCommand,
  CreateWhatIfForecastCommand,
  DescribeAutoPredictorCommand,
  DescribeDatasetImportJobCommand,
  DescribeForecastCommand,
  DescribeWhatIfAnalysisCommand,
  DescribeWhatIfForecastCommand,
  type ForecastClient,
} from "@aws-sdk/client-forecast";
import { QueryForecastCommand, QueryWhatIfForecastCommand } from "@aws-sdk/client-forecastquery";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { forecastClient, forecastqueryClient, s3Client, startChild } from "../../test/e2e/harness.js";

const SERIES = Number(process.env.SERIES ?? 10_000);
const DAYS = Number(process.env.DAYS ?? 240);
const QUERIES = Number(process.env.QUERIES ?? 400);
const HORIZON = 14;
const BUCKET = "whatif-bench";
const ROLE = "arn:aws:iam::111122223333:role/ForecastAccess";
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const itemId = (i: number) => `item_${String(i).padStart(6, "0")}`;

/** Demand with a weekly pattern, an elasticity to price and a promotion effect; integer-only pseudo-randomness. */
function generate(): { target: string; related: string } {
  const target: string[] = [];
  const related: string[] = [];
  const weekly = [1, 0.95, 0.95, 1, 1.1, 1.3, 1.25];
  for (let i = 0; i < SERIES; i++) {
    const level = 5 + ((i * 7919) % 97);
    const p0 = 5 + ((i * 31) % 20);
    for (let d = 0; d < DAYS + HORIZON; d++) {
      const day = new Date(START + d * DAY).toISOString().slice(0, 10);
      const discount = (i * 2654435761 + Math.floor(d / 7) * 40503) % 11 === 0 ? 0.8 : 1;
      const price = Math.round(p0 * discount * 100) / 100;
      const promo = (i * 1103515245 + d * 12345) % 13 === 0 ? 1 : 0;
      related.push(`${itemId(i)},${day},${price},${promo}`);
      if (d < DAYS) {
        const noise = (((i * 1103515245 + d * 12345) % 1000) / 1000 - 0.5) * 0.3 * level;
        const demand = level * (weekly[d % 7] as number) * (p0 / price) ** 1.5 * (1 + 0.4 * promo) + noise;
        target.push(`${itemId(i)},${day},${Math.max(0, demand).toFixed(2)}`);
      }
    }
  }
  return { target: `${target.join("\n")}\n`, related: `${related.join("\n")}\n` };
}

/** Peak RSS of the service while `work` runs, sampled from /proc every 100 ms. */
async function measured<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ value: T; seconds: number; peakMb: number }> {
  let peak = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const status = await fs.readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb);
      await sleep(100);
    }
  })();
  const started = performance.now();
  const value = await work();
  const seconds = (performance.now() - started) / 1000;
  running = false;
  await sampler;
  return { value, seconds, peakMb: Math.round(peak / 1024) };
}

async function until(describe: () => Promise<{ Status?: string; Message?: string }>, what: string) {
  for (;;) {
    const d = await describe();
    if (d.Status === "ACTIVE") return d;
    if (d.Status === "CREATE_FAILED" || d.Status === "CREATE_STOPPED")
      throw new Error(`${what}: ${d.Message}`);
    await sleep(250);
  }
}

async function importDataset(
  fc: ForecastClient,
  name: string,
  type: "TARGET_TIME_SERIES" | "RELATED_TIME_SERIES",
  fields: string[],
  key: string,
) {
  const { DatasetArn } = await fc.send(
    new CreateDatasetCommand({
      DatasetName: name,
      Domain: "RETAIL",
      DatasetType: type,
      DataFrequency: "D",
      Schema: {
        Attributes: [
          { AttributeName: "item_id", AttributeType: "string" },
          { AttributeName: "timestamp", AttributeType: "timestamp" },
          ...fields.map((f) => {
            const [n, t] = f.split(":") as [string, "float" | "integer"];
            return { AttributeName: n, AttributeType: t };
          }),
        ],
      },
    }),
  );
  const { DatasetImportJobArn } = await fc.send(
    new CreateDatasetImportJobCommand({
      DatasetImportJobName: `${name}_import`,
      DatasetArn,
      DataSource: { S3Config: { Path: `s3://${BUCKET}/${key}`, RoleArn: ROLE } },
    }),
  );
  await until(() => fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn })), "import");
  return DatasetArn as string;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function latencies(send: (item: string) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const item = itemId((q * 7919) % SERIES);
    const t = performance.now();
    await send(item);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function main() {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-what-if-bench-"));
  const child = await startChild(dataDir);
  const fc = forecastClient(child.forecastEndpoint);
  const fq = forecastqueryClient(child.forecastEndpoint);
  const s3 = s3Client(child.s3Endpoint);
  const pid = child.process.pid as number;
  try {
    console.log(
      `${SERIES} series × ${DAYS} days, horizon ${HORIZON}; load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
    const data = generate();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "target.csv", Body: data.target }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "related.csv", Body: data.related }));
    const { DatasetGroupArn } = await fc.send(
      new CreateDatasetGroupCommand({ DatasetGroupName: "bench", Domain: "RETAIL" }),
    );
    const target = await importDataset(
      fc,
      "bench_target",
      "TARGET_TIME_SERIES",
      ["demand:float"],
      "target.csv",
    );
    const related = await importDataset(
      fc,
      "bench_related",
      "RELATED_TIME_SERIES",
      ["price:float", "promo:integer"],
      "related.csv",
    );
    const { UpdateDatasetGroupCommand } = await import("@aws-sdk/client-forecast");
    await fc.send(new UpdateDatasetGroupCommand({ DatasetGroupArn, DatasetArns: [target, related] }));
    const train = await measured(pid, async () => {
      const { PredictorArn } = await fc.send(
        new CreateAutoPredictorCommand({
          PredictorName: "bench",
          ForecastHorizon: HORIZON,
          ForecastFrequency: "D",
          DataConfig: { DatasetGroupArn: DatasetGroupArn as string },
        }),
      );
      await until(() => fc.send(new DescribeAutoPredictorCommand({ PredictorArn })), "training");
      return PredictorArn as string;
    });
    console.log(`train: ${train.seconds.toFixed(1)} s, peak RSS ${train.peakMb} MB`);
    const forecast = await measured(pid, async () => {
      const { ForecastArn } = await fc.send(
        new CreateForecastCommand({ ForecastName: "bench", PredictorArn: train.value }),
      );
      await until(() => fc.send(new DescribeForecastCommand({ ForecastArn })), "forecast");
      return ForecastArn as string;
    });
    console.log(`CreateForecast: ${forecast.seconds.toFixed(1)} s, peak RSS ${forecast.peakMb} MB`);
    const analysis = await measured(pid, async () => {
      const { WhatIfAnalysisArn } = await fc.send(
        new CreateWhatIfAnalysisCommand({ WhatIfAnalysisName: "bench", ForecastArn: forecast.value }),
      );
      await until(() => fc.send(new DescribeWhatIfAnalysisCommand({ WhatIfAnalysisArn })), "analysis");
      return WhatIfAnalysisArn as string;
    });
    console.log(`CreateWhatIfAnalysis: ${analysis.seconds.toFixed(1)} s, peak RSS ${analysis.peakMb} MB`);
    const whatIf = await measured(pid, async () => {
      const { WhatIfForecastArn } = await fc.send(
        new CreateWhatIfForecastCommand({
          WhatIfForecastName: "half_price_up",
          WhatIfAnalysisArn: analysis.value,
          TimeSeriesTransformations: [
            {
              Action: { AttributeName: "price", Operation: "MULTIPLY", Value: 1.1 },
              TimeSeriesConditions: [
                { AttributeName: "item_id", AttributeValue: itemId(SERIES / 2), Condition: "LESS_THAN" },
              ],
            },
          ],
        }),
      );
      const d = await until(
        () => fc.send(new DescribeWhatIfForecastCommand({ WhatIfForecastArn })),
        "what-if",
      );
      return { arn: WhatIfForecastArn as string, message: d.Message };
    });
    console.log(
      `CreateWhatIfForecast (half the series transformed): ${whatIf.seconds.toFixed(1)} s, peak RSS ${whatIf.peakMb} MB` +
        ` (${(whatIf.seconds / forecast.seconds).toFixed(2)}× CreateForecast)${whatIf.value.message ? `; Message: ${whatIf.value.message}` : ""}`,
    );
    const base = await latencies((item) =>
      fq.send(new QueryForecastCommand({ ForecastArn: forecast.value, Filters: { item_id: item } })),
    );
    const wi = await latencies((item) =>
      fq.send(
        new QueryWhatIfForecastCommand({ WhatIfForecastArn: whatIf.value.arn, Filters: { item_id: item } }),
      ),
    );
    console.log(`QueryForecast ms: p50 ${base.p50.toFixed(1)}, p99 ${base.p99.toFixed(1)}`);
    console.log(
      `QueryWhatIfForecast ms: p50 ${wi.p50.toFixed(1)}, p99 ${wi.p99.toFixed(1)} (${QUERIES} queries, one at a time)`,
    );
    console.log(
      `load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
  } finally {
    fc.destroy();
    fq.destroy();
    s3.destroy();
    await child.kill("SIGTERM");
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

await main();
