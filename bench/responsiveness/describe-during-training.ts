/**
 * Responsiveness while training: a dataset group of 10,000 daily series (one year) trains an AutoPredictor
 * while a client calls DescribeDatasetGroup every 25 ms; prints the latency distribution of those calls.
 * Aim (issue): no Describe call slower than 50 ms. The service runs in its own process.
 *
 * Run: npm run bench:responsiveness   (env BENCH_SERIES, default 10000; BENCH_DAYS, default 365)
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  CreateAutoPredictorCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  DescribeAutoPredictorCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ACCOUNTS, eventually, forecastClient, s3Client, startChild } from "../../test/e2e/harness.js";

const SERIES = Number(process.env.BENCH_SERIES ?? 10_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const DAY = 86_400_000;

function csv(): string {
  const parts: string[] = [];
  for (let i = 0; i < SERIES; i++) {
    const level = 10 + (i % 50);
    for (let d = 0; d < DAYS; d++) {
      const day = new Date(Date.UTC(2023, 0, 1) + d * DAY).toISOString().slice(0, 10);
      parts.push(
        `item_${i},${day},${(level * (1 + 0.3 * Math.sin((2 * Math.PI * d) / 7)) + ((i * 7 + d * 13) % 5)).toFixed(1)}`,
      );
    }
  }
  return `${parts.join("\n")}\n`;
}

async function main() {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-bench-resp-"));
  const child = await startChild(dataDir);
  const fc = forecastClient(child.forecastEndpoint);
  const s3 = s3Client(child.s3Endpoint);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: "resp" }));
    await s3.send(new PutObjectCommand({ Bucket: "resp", Key: "d.csv", Body: csv() }));
    const { DatasetGroupArn } = await fc.send(
      new CreateDatasetGroupCommand({ DatasetGroupName: "resp", Domain: "RETAIL" }),
    );
    const { DatasetArn } = await fc.send(
      new CreateDatasetCommand({
        DatasetName: "resp",
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
    const { DatasetImportJobArn } = await fc.send(
      new CreateDatasetImportJobCommand({
        DatasetImportJobName: "resp",
        DatasetArn,
        TimestampFormat: "yyyy-MM-dd",
        DataSource: {
          S3Config: { Path: "s3://resp/d.csv", RoleArn: `arn:aws:iam::${ACCOUNTS[0].accountId}:role/r` },
        },
      }),
    );
    await eventually(async () => {
      const d = await fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn }));
      return d.Status === "ACTIVE" ? d : undefined;
    }, 600_000);
    const { UpdateDatasetGroupCommand } = await import("@aws-sdk/client-forecast");
    await fc.send(new UpdateDatasetGroupCommand({ DatasetGroupArn, DatasetArns: [DatasetArn as string] }));
    const started = performance.now();
    const { PredictorArn } = await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: "resp",
        ForecastHorizon: 14,
        ForecastFrequency: "D",
        DataConfig: { DatasetGroupArn },
      }),
    );
    const latencies: number[] = [];
    let status = "";
    while (status !== "ACTIVE" && status !== "CREATE_FAILED") {
      const t = performance.now();
      await fc.send(new DescribeDatasetGroupCommand({ DatasetGroupArn }));
      latencies.push(performance.now() - t);
      if (latencies.length % 40 === 0) {
        status = (await fc.send(new DescribeAutoPredictorCommand({ PredictorArn }))).Status as string;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    const trainSeconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const q = (p: number) =>
      (latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] as number).toFixed(1);
    console.log(`machine: ${os.cpus().length} cores; node ${process.version}`);
    console.log(`${SERIES} series × ${DAYS} days, training ${status} in ${trainSeconds.toFixed(1)} s`);
    console.log("| Describe calls | p50 ms | p99 ms | max ms | over 50 ms |");
    console.log("|---|---|---|---|---|");
    console.log(
      `| ${latencies.length} | ${q(0.5)} | ${q(0.99)} | ${(latencies.at(-1) as number).toFixed(1)} | ${latencies.filter((l) => l > 50).length} |`,
    );
  } finally {
    fc.destroy();
    s3.destroy();
    await child.kill("SIGTERM");
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

await main();
