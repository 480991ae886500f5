/**
 * Responsiveness while training: a dataset group of 10,000 daily series (one year) trains an AutoPredictor
 * while a client calls DescribeDatasetGroup every 25 ms; prints the latency distribution of those calls, when
 * the slow ones happened, and the service's peak memory. Aim (issue): no Describe call slower than 50 ms. The
 * service runs in its own process.
 *
 * The predictor uses the US holiday calendar, so that the global model trains too (an AutoPredictor leaves it out
 * when the data has no attributes): its tasks get the whole set and send forecasts of every series back, the
 * largest hand-offs between the event loop and the workers. BENCH_HOLIDAYS= (empty) trains without it.
 * BENCH_FORECAST=1 then creates a forecast from the predictor and measures the calls during that job too.
 *
 * Run: npm run bench:responsiveness   (env BENCH_SERIES, default 10000; BENCH_DAYS, default 365)
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  CreateAutoPredictorCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateForecastCommand,
  DescribeAutoPredictorCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeForecastCommand,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  ACCOUNTS,
  createDailyDataset,
  eventually,
  forecastClient,
  s3Client,
  startChild,
} from "../../test/e2e/harness.js";

const SERIES = Number(process.env.BENCH_SERIES ?? 10_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const HOLIDAYS = (process.env.BENCH_HOLIDAYS ?? "US").split(",").filter((c) => c !== "");
const FORECAST = process.env.BENCH_FORECAST === "1";
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

const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");

/** The service process's peak resident memory (threads included), from /proc where there is one. */
async function peakMemory(pid: number | undefined): Promise<string> {
  const status = await fs.readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kb ? `${(Number(kb) / 1024 / 1024).toFixed(2)} GiB` : "unknown";
}

interface Latencies {
  status: string;
  seconds: number;
  latencies: number[];
  /** When the slow calls happened (seconds after the job was created), to tell its phases apart. */
  slow: string[];
}

/** Calls DescribeDatasetGroup every 25 ms until `finished` (asked every 40 calls) returns a final status. */
async function describeUntil(
  fc: ReturnType<typeof forecastClient>,
  DatasetGroupArn: string,
  started: number,
  finished: () => Promise<string | undefined>,
): Promise<Latencies> {
  const latencies: number[] = [];
  const slow: string[] = [];
  let status: string | undefined;
  while (status === undefined) {
    const t = performance.now();
    await fc.send(new DescribeDatasetGroupCommand({ DatasetGroupArn }));
    const ms = performance.now() - t;
    latencies.push(ms);
    if (ms > 50) slow.push(`${((t - started) / 1000).toFixed(1)} s: ${ms.toFixed(0)} ms`);
    if (latencies.length % 40 === 0) status = await finished();
    await new Promise((r) => setTimeout(r, 25));
  }
  return { status, seconds: (performance.now() - started) / 1000, latencies, slow };
}

function report(job: string, { status, seconds, latencies, slow }: Latencies): void {
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    (latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] as number).toFixed(1);
  console.log(`${job}: ${status} in ${seconds.toFixed(1)} s; load average at the end: ${loadAverage()}`);
  if (slow.length > 0) console.log(`calls over 50 ms at: ${slow.join("; ")}`);
  console.log("| Describe calls | p50 ms | p99 ms | max ms | over 50 ms |");
  console.log("|---|---|---|---|---|");
  console.log(
    `| ${latencies.length} | ${q(0.5)} | ${q(0.99)} | ${(latencies.at(-1) as number).toFixed(1)} | ${latencies.filter((l) => l > 50).length} |`,
  );
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
    const DatasetArn = await createDailyDataset(fc, {
      name: "resp",
      type: "TARGET_TIME_SERIES",
      fields: ["demand:float"],
    });
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
    const loadBefore = loadAverage();
    const started = performance.now();
    const { PredictorArn } = await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: "resp",
        ForecastHorizon: 14,
        ForecastFrequency: "D",
        DataConfig: {
          DatasetGroupArn,
          AdditionalDatasets:
            HOLIDAYS.length > 0 ? [{ Name: "holiday", Configuration: { CountryCode: HOLIDAYS } }] : undefined,
        },
      }),
    );
    const training = await describeUntil(fc, DatasetGroupArn as string, started, async () => {
      const status = (await fc.send(new DescribeAutoPredictorCommand({ PredictorArn }))).Status as string;
      return status === "ACTIVE" || status === "CREATE_FAILED" ? status : undefined;
    });
    console.log(`machine: ${os.cpus().length} cores; node ${process.version}`);
    console.log(
      `${SERIES} series × ${DAYS} days, holidays ${HOLIDAYS.join(",") || "none"}; load average at the start of ` +
        `training: ${loadBefore}`,
    );
    report("training", training);
    if (FORECAST) {
      const loadBeforeForecast = loadAverage();
      const forecastStarted = performance.now();
      const { ForecastArn } = await fc.send(
        new CreateForecastCommand({ ForecastName: "resp", PredictorArn: PredictorArn as string }),
      );
      const forecasting = await describeUntil(fc, DatasetGroupArn as string, forecastStarted, async () => {
        const status = (await fc.send(new DescribeForecastCommand({ ForecastArn }))).Status as string;
        return status === "ACTIVE" || status === "CREATE_FAILED" ? status : undefined;
      });
      console.log(`load average at the start of the forecast: ${loadBeforeForecast}`);
      report("forecast", forecasting);
    }
    console.log(`service peak memory (VmHWM): ${await peakMemory(child.process.pid)}`);
  } finally {
    fc.destroy();
    s3.destroy();
    await child.kill("SIGTERM");
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

await main();
