// The issue's "Scale" benchmark: many daily series of two years with a related price series, through the public
// API of a service running as a child process (as in production): upload → import (target, then related) →
// CreateAutoPredictor (horizon 14) → CreateForecast → CreateForecastExportJob. Reports wall time, service CPU
// time and peak memory per stage, and the service's VmHWM at the end. Aim: 100,000 series in under 30 minutes.
//
// Run:  npx tsc -p tsconfig.json && node dist/bench/scale/scale-bench.js
// Environment:
//   SERIES=10000,30000   sizes to run, one fresh service each (default 100000); with two or more sizes the
//                        stages are also extrapolated linearly to EXTRAPOLATE_TO (default 100000)
//   MAX_STAGE_MINUTES=60 stop a stage (StopResource) that runs longer, and report how far it got
//   SCALE_DIR            where the generated CSV files go (default <tmp>/openforecast-scale-bench)
//   KEEP_DATA=1          keep the generated files for the next run (they are regenerated identically anyway)

import { createReadStream, existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  CreateAutoPredictorCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateForecastCommand,
  CreateForecastExportJobCommand,
  DescribeAutoPredictorCommand,
  DescribeDatasetImportJobCommand,
  DescribeForecastCommand,
  DescribeForecastExportJobCommand,
  type ForecastClient,
  StopResourceCommand,
} from "@aws-sdk/client-forecast";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { closeDuckDB, withConnection } from "../../src/data/duckdb.js";
import { sqlString } from "../../src/data/sql.js";
import { forecastClient, s3Client, startChild } from "../../test/e2e/harness.js";

const DAYS = 730;
const HORIZON = 14;
/** Items per CSV part: a size people export in, and parts upload one by one without holding them in memory. */
const ITEMS_PER_PART = 10_000;
const START = "2023-01-02";
const BUCKET = "scale";
const ROLE = "arn:aws:iam::111122223333:role/ForecastAccess";
const CLOCK_TICKS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const minutes = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, "0")}`;

/**
 * Demand of item i on day d: a level per item, a weekly pattern, a slow trend, an elasticity to its price (20% off
 * one week in eleven, chosen by a hash of item and week), and bounded noise. Only integer arithmetic feeds the
 * pseudo-random parts, so the files are the same on every machine and DuckDB version.
 */
function rowsSql(from: number, to: number, days: number, related: boolean): string {
  const price = "p0 * CASE WHEN ((i * 2654435761 + (d // 7) * 40503) % 11) = 0 THEN 0.8 ELSE 1.0 END";
  const select = related
    ? `item_id, ts AS timestamp, round(${price}, 2) AS price`
    : `item_id, ts AS timestamp, round(greatest(0, level * [1.0, 0.95, 0.95, 1.0, 1.1, 1.35, 1.3][d % 7 + 1] ` +
      `* (1 + d / 1460.0) * pow(p0 / (${price}), 1.5) + level * 0.4 * (((i * 1103515245 + d * 12345) % 1000) / 1000.0 - 0.5)), 2) AS demand`;
  return (
    `SELECT ${select} FROM (SELECT i, d, printf('item_%06d', i) AS item_id, ` +
    `strftime(DATE '${START}' + CAST(d AS INTEGER), '%Y-%m-%d') AS ts, 5 + (i * 7919) % 97 AS level, ` +
    `5 + (i * 31) % 20 AS p0 FROM range(${from}, ${to}) AS items(i), range(${days}) AS days(d)) ORDER BY i, d`
  );
}

/** The CSV parts of `series` items: target (two years) and related prices (two years plus the horizon). */
async function generate(dir: string, series: number): Promise<{ target: string[]; related: string[] }> {
  const out = { target: [] as string[], related: [] as string[] };
  await fs.mkdir(dir, { recursive: true });
  const started = performance.now();
  for (let from = 0; from < series; from += ITEMS_PER_PART) {
    const to = Math.min(series, from + ITEMS_PER_PART);
    for (const kind of ["target", "related"] as const) {
      const file = path.join(dir, `${kind}-${from}-${to}.csv`);
      out[kind].push(file);
      if (existsSync(file)) continue;
      const days = kind === "target" ? DAYS : DAYS + HORIZON;
      await withConnection(undefined, (c) =>
        c.run(
          `COPY (${rowsSql(from, to, days, kind === "related")}) TO ${sqlString(`${file}.part`)} (HEADER true)`,
        ),
      );
      await fs.rename(`${file}.part`, file);
    }
  }
  await closeDuckDB();
  console.error(`data for ${series} series ready in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return out;
}

/** Memory and CPU of the service process, sampled once a second; peaks are kept per stage. */
class ProcessMonitor {
  private timer: NodeJS.Timeout;
  private peakRss = 0;
  constructor(private readonly pid: number) {
    this.timer = setInterval(() => void this.sample(), 1000);
  }
  private async sample(): Promise<void> {
    const rss = await this.statusKb("VmRSS").catch(() => 0);
    this.peakRss = Math.max(this.peakRss, rss);
  }
  async statusKb(field: string): Promise<number> {
    const status = await fs.readFile(`/proc/${this.pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) : 0;
  }
  /** CPU seconds the process (all its threads) has used so far. */
  async cpuSeconds(): Promise<number> {
    const stat = await fs.readFile(`/proc/${this.pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  }
  /** The highest RSS since the last call, in kB (then starts over). */
  async takePeak(): Promise<number> {
    await this.sample();
    const peak = this.peakRss;
    this.peakRss = 0;
    return peak;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

interface StageResult {
  stage: string;
  wall: number;
  cpu: number;
  peakRssKb: number;
  /** Set when the stage was stopped at MAX_STAGE_MINUTES: the service's own estimate of what was left. */
  stoppedWithMinutesLeft?: number;
}

type Described = { Status?: string; Message?: string; EstimatedTimeRemainingInMinutes?: number };

class StageTimer {
  readonly results: StageResult[] = [];
  constructor(
    private readonly monitor: ProcessMonitor,
    private readonly fc: ForecastClient,
    private readonly maxMinutes: number,
  ) {}

  /** Runs `start`, then polls `describe` until ACTIVE; stops the resource when it outlives the limit. */
  async run(stage: string, start: () => Promise<string>, describe: (arn: string) => Promise<Described>) {
    await this.monitor.takePeak();
    const cpu0 = await this.monitor.cpuSeconds();
    const t0 = performance.now();
    const arn = await start();
    let lastLog = t0;
    let stopped: number | undefined;
    for (;;) {
      const d = await describe(arn);
      if (d.Status === "ACTIVE") break;
      if (d.Status === "CREATE_FAILED") throw new Error(`${stage} failed: ${d.Message}`);
      if (d.Status === "CREATE_STOPPED") break;
      const elapsed = (performance.now() - t0) / 1000;
      if (performance.now() - lastLog > 60_000) {
        lastLog = performance.now();
        console.error(
          `  ${stage}: ${d.Status} after ${minutes(elapsed)}, the service estimates ${d.EstimatedTimeRemainingInMinutes ?? "?"} min left`,
        );
      }
      if (stopped === undefined && elapsed > this.maxMinutes * 60) {
        stopped = d.EstimatedTimeRemainingInMinutes ?? Number.NaN;
        console.error(`  ${stage}: over ${this.maxMinutes} min; stopping it`);
        await this.fc.send(new StopResourceCommand({ ResourceArn: arn }));
      }
      await sleep(500);
    }
    await this.record(stage, t0, cpu0, stopped);
    return { arn, stopped: stopped !== undefined };
  }

  /** A stage that is not a job (the upload): times `work`. */
  async time(stage: string, work: () => Promise<void>): Promise<void> {
    await this.monitor.takePeak();
    const cpu0 = await this.monitor.cpuSeconds();
    const t0 = performance.now();
    await work();
    await this.record(stage, t0, cpu0);
  }

  private async record(stage: string, t0: number, cpu0: number, stopped?: number): Promise<void> {
    const wall = (performance.now() - t0) / 1000;
    const cpu = (await this.monitor.cpuSeconds()) - cpu0;
    const result: StageResult = { stage, wall, cpu, peakRssKb: await this.monitor.takePeak() };
    if (stopped !== undefined) result.stoppedWithMinutesLeft = stopped;
    this.results.push(result);
    console.error(
      `  ${stage}: ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU, peak RSS ${(result.peakRssKb / 1024).toFixed(0)} MB` +
        (stopped !== undefined ? ` (stopped; ~${stopped} min were left)` : ""),
    );
  }
}

async function upload(s3: S3Client, files: string[], prefix: string): Promise<void> {
  for (const file of files) {
    const { size } = await fs.stat(file);
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `${prefix}/${path.basename(file)}`,
        Body: createReadStream(file),
        ContentLength: size,
      }),
    );
  }
}

/** Data rows in the exported CSV parts (lines less one header per part), read back through S3 after the timing. */
async function exportedRows(s3: S3Client): Promise<{ files: number; rows: number }> {
  let files = 0;
  let lines = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "export/", ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key?.endsWith(".csv")) continue;
      files++;
      const body = (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: object.Key }))).Body as
        | AsyncIterable<Uint8Array>
        | undefined;
      for await (const chunk of body ?? []) for (const byte of chunk) if (byte === 10) lines++;
    }
    token = page.NextContinuationToken;
  } while (token);
  return { files, rows: lines - files };
}

interface SizeResult {
  series: number;
  stages: StageResult[];
  vmHwmKb: number;
  exported: { files: number; rows: number };
  complete: boolean;
}

async function runSize(series: number, dataDir: string, maxMinutes: number): Promise<SizeResult> {
  const files = await generate(dataDir, series);
  const serviceDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-scale-service-"));
  const child = await startChild(serviceDir);
  const pid = child.process.pid as number;
  const monitor = new ProcessMonitor(pid);
  const fc = forecastClient(child.forecastEndpoint);
  const s3 = s3Client(child.s3Endpoint);
  const timer = new StageTimer(monitor, fc, maxMinutes);
  // Read while the service still runs: the peak resident memory of its whole life.
  const finish = async (complete: boolean): Promise<SizeResult> => ({
    series,
    stages: timer.results,
    vmHwmKb: await monitor.statusKb("VmHWM"),
    exported: complete ? await exportedRows(s3) : { files: 0, rows: 0 },
    complete,
  });
  try {
    console.error(`${series} series: service pid ${pid}, data in ${serviceDir}`);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await timer.time("upload (S3 PutObject)", async () => {
      await upload(s3, files.target, "target");
      await upload(s3, files.related, "related");
    });
    const schema = (value: string) => ({
      Attributes: [
        { AttributeName: "item_id", AttributeType: "string" as const },
        { AttributeName: "timestamp", AttributeType: "timestamp" as const },
        { AttributeName: value, AttributeType: "float" as const },
      ],
    });
    const target = await fc.send(
      new CreateDatasetCommand({
        DatasetName: "scale_demand",
        Domain: "RETAIL",
        DatasetType: "TARGET_TIME_SERIES",
        DataFrequency: "D",
        Schema: schema("demand"),
      }),
    );
    const related = await fc.send(
      new CreateDatasetCommand({
        DatasetName: "scale_price",
        Domain: "RETAIL",
        DatasetType: "RELATED_TIME_SERIES",
        DataFrequency: "D",
        Schema: schema("price"),
      }),
    );
    const { DatasetGroupArn } = await fc.send(
      new CreateDatasetGroupCommand({
        DatasetGroupName: "scale",
        Domain: "RETAIL",
        DatasetArns: [target.DatasetArn as string, related.DatasetArn as string],
      }),
    );
    const describeImport = (arn: string) =>
      fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn: arn }));
    for (const [name, dataset, prefix] of [
      ["import target", target.DatasetArn, "target"],
      ["import related", related.DatasetArn, "related"],
    ] as const) {
      const { stopped } = await timer.run(
        name,
        async () =>
          (
            await fc.send(
              new CreateDatasetImportJobCommand({
                DatasetImportJobName: `scale_${prefix}`,
                DatasetArn: dataset,
                DataSource: { S3Config: { Path: `s3://${BUCKET}/${prefix}/`, RoleArn: ROLE } },
                TimestampFormat: "yyyy-MM-dd",
              }),
            )
          ).DatasetImportJobArn as string,
        describeImport,
      );
      if (stopped) return await finish(false);
    }
    const predictor = await timer.run(
      "train AutoPredictor",
      async () =>
        (
          await fc.send(
            new CreateAutoPredictorCommand({
              PredictorName: "scale_predictor",
              ForecastHorizon: HORIZON,
              ForecastFrequency: "D",
              DataConfig: { DatasetGroupArn },
            }),
          )
        ).PredictorArn as string,
      (arn) => fc.send(new DescribeAutoPredictorCommand({ PredictorArn: arn })),
    );
    if (predictor.stopped) return await finish(false);
    const forecast = await timer.run(
      "CreateForecast",
      async () =>
        (
          await fc.send(
            new CreateForecastCommand({ ForecastName: "scale_forecast", PredictorArn: predictor.arn }),
          )
        ).ForecastArn as string,
      (arn) => fc.send(new DescribeForecastCommand({ ForecastArn: arn })),
    );
    if (forecast.stopped) return await finish(false);
    const exported = await timer.run(
      "CreateForecastExportJob (CSV)",
      async () =>
        (
          await fc.send(
            new CreateForecastExportJobCommand({
              ForecastExportJobName: "scale_export",
              ForecastArn: forecast.arn,
              Destination: { S3Config: { Path: `s3://${BUCKET}/export/`, RoleArn: ROLE } },
            }),
          )
        ).ForecastExportJobArn as string,
      (arn) => fc.send(new DescribeForecastExportJobCommand({ ForecastExportJobArn: arn })),
    );
    return await finish(!exported.stopped);
  } finally {
    monitor.stop();
    fc.destroy();
    s3.destroy();
    await child.kill("SIGTERM");
    await fs.rm(serviceDir, { recursive: true, force: true });
  }
}

function printSize(r: SizeResult): void {
  const stages = r.stages;
  const hwm = r.vmHwmKb;
  console.log(
    `\n## ${r.series.toLocaleString("en-US")} daily series × ${DAYS} days + related price, horizon ${HORIZON}\n`,
  );
  console.log("| stage | wall | service CPU s | peak RSS MB |");
  console.log("|---|---|---|---|");
  for (const s of stages) {
    const note =
      s.stoppedWithMinutesLeft !== undefined ? ` (stopped, ~${s.stoppedWithMinutesLeft} min left)` : "";
    console.log(
      `| ${s.stage} | ${minutes(s.wall)}${note} | ${s.cpu.toFixed(0)} | ${(s.peakRssKb / 1024).toFixed(0)} |`,
    );
  }
  const jobs = stages.filter((s) => !s.stage.startsWith("upload"));
  const wall = jobs.reduce((a, s) => a + s.wall, 0);
  const cpu = jobs.reduce((a, s) => a + s.cpu, 0);
  console.log(
    `| **import → export${r.complete ? "" : " (incomplete)"}** | **${minutes(wall)}** | ${cpu.toFixed(0)} | VmHWM ${(hwm / 1024).toFixed(0)} |`,
  );
  if (r.complete) {
    const expected = r.series * HORIZON;
    console.log(
      `\nExport: ${r.exported.rows.toLocaleString("en-US")} forecast rows in ${r.exported.files} CSV files ` +
        `(${r.exported.rows === expected ? "as expected" : `EXPECTED ${expected.toLocaleString("en-US")}`}: series × horizon).`,
    );
  }
}

/** Linear in the number of series, through the two largest sizes, per stage. */
function printExtrapolation(results: SizeResult[], to: number): void {
  const done = results.filter((r) => r.complete).sort((a, b) => a.series - b.series);
  if (done.length < 2) return;
  const [a, b] = done.slice(-2) as [SizeResult, SizeResult];
  console.log(
    `\n## Extrapolated to ${to.toLocaleString("en-US")} series (linear through ${a.series} and ${b.series})\n`,
  );
  console.log("| stage | wall | service CPU s | peak RSS MB |");
  console.log("|---|---|---|---|");
  const line = (ya: number, yb: number) => yb + ((yb - ya) / (b.series - a.series)) * (to - b.series);
  let wall = 0;
  let cpu = 0;
  for (const sb of b.stages) {
    const sa = a.stages.find((s) => s.stage === sb.stage);
    if (!sa) continue;
    const w = line(sa.wall, sb.wall);
    const c = line(sa.cpu, sb.cpu);
    if (!sb.stage.startsWith("upload")) {
      wall += w;
      cpu += c;
    }
    const mem = (line(sa.peakRssKb, sb.peakRssKb) / 1024).toFixed(0);
    console.log(`| ${sb.stage} | ${minutes(w)} | ${c.toFixed(0)} | ${mem} |`);
  }
  const hwm = (line(a.vmHwmKb, b.vmHwmKb) / 1024).toFixed(0);
  console.log(`| **import → export** | **${minutes(wall)}** | ${cpu.toFixed(0)} | VmHWM ${hwm} |`);
}

async function main(): Promise<void> {
  const sizes = (process.env.SERIES ?? "100000").split(",").map(Number);
  if (sizes.some((n) => !(Number.isInteger(n) && n > 0))) throw new Error(`bad SERIES ${process.env.SERIES}`);
  const maxMinutes = Number(process.env.MAX_STAGE_MINUTES ?? "120");
  const extrapolateTo = Number(process.env.EXTRAPOLATE_TO ?? "100000");
  const root = process.env.SCALE_DIR ?? path.join(os.tmpdir(), "openforecast-scale-bench");
  console.error(
    `machine: ${os.availableParallelism()} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB; load ${os.loadavg()[0]?.toFixed(2)}`,
  );
  const results: SizeResult[] = [];
  try {
    for (const n of sizes) {
      // One folder for all sizes: the parts are by item range, so a larger size reuses a smaller one's files.
      const r = await runSize(n, root, maxMinutes);
      results.push(r);
      printSize(r);
    }
    printExtrapolation(results, extrapolateTo);
  } finally {
    if (process.env.KEEP_DATA !== "1") await fs.rm(root, { recursive: true, force: true });
  }
}

await main();
