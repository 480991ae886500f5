import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CreateAutoPredictorCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  DescribeAutoPredictorCommand,
  DescribeDatasetGroupCommand,
  UpdateDatasetGroupCommand,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { pino } from "pino";
import { estimateSeriesCount, initialEstimateMinutes } from "../../src/resources/job-estimates.js";
import type { ResourceRecord } from "../../src/store/resource-store.js";
import {
  ACCOUNTS,
  createDailyDataset,
  eventually,
  type Harness,
  REGION,
  startHarness,
  waitForImport,
} from "../e2e/harness.js";
import { parsePrometheusText, sampleValue } from "./prometheus-text.js";

const DAY = 86_400_000;
const ITEMS = 400;
const DAYS = 120;

/** Enough series that training takes seconds, so that Describe can be watched while it runs. */
function demandCsv(): string {
  const lines: string[] = [];
  for (let item = 0; item < ITEMS; item++) {
    for (let d = 0; d < DAYS; d++) {
      const day = new Date(Date.UTC(2024, 0, 1) + d * DAY).toISOString().slice(0, 10);
      const value = 30 + (item % 13) + 5 * Math.sin((2 * Math.PI * d) / 7) + ((item * 3 + d * 11) % 7);
      lines.push(`item_${item},${day} 00:00:00,${value.toFixed(2)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

interface LogEntry {
  level: number;
  event?: string;
  arn?: string;
  account?: string;
  kind?: string;
  operation?: string;
  outcome?: string;
  durationMs?: number;
  series?: number;
  rows?: number;
  message?: string;
  msg: string;
}

describe("operations: job logs, /metrics and time estimates", () => {
  let h: Harness;
  const logs: LogEntry[] = [];
  const account = ACCOUNTS[0].accountId;
  before(async () => {
    // The service's own logger at its default level (info), writing into this array.
    const log = pino({ level: "info" }, { write: (line: string) => logs.push(JSON.parse(line)) });
    h = await startHarness({}, log);
  });
  after(async () => h?.close());

  const metrics = async () => {
    const res = await fetch(`${h.service.forecastEndpoint}/metrics`);
    assert.equal(res.status, 200, "/metrics answers without a signature");
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await res.text());
  };
  const jobLogs = (arn: string) => logs.filter((l) => l.arn === arn);

  test("request counters and latencies per operation and error type after known traffic", async () => {
    const fc = h.forecast();
    const { DatasetGroupArn } = await fc.send(
      new CreateDatasetGroupCommand({ DatasetGroupName: "ops_metrics", Domain: "RETAIL" }),
    );
    for (let i = 0; i < 3; i++) await fc.send(new DescribeDatasetGroupCommand({ DatasetGroupArn }));
    await assert.rejects(
      fc.send(
        new DescribeDatasetGroupCommand({
          DatasetGroupArn: `arn:aws:forecast:${REGION}:${account}:dataset-group/missing`,
        }),
      ),
      { name: "ResourceNotFoundException" },
    );
    // An unknown X-Amz-Target is counted as "unknown", never under the name the client sent.
    const unsigned = await fetch(h.service.forecastEndpoint, {
      method: "POST",
      headers: { "x-amz-target": "AmazonForecast.NoSuchThing", "content-type": "application/x-amz-json-1.1" },
      body: "{}",
    });
    assert.equal(unsigned.status, 403, "refused before routing: it is not signed");
    const refusedAs = unsigned.headers.get("x-amzn-errortype");

    const m = await metrics();
    const ok = { service: "forecast", operation: "DescribeDatasetGroup", error_type: "" };
    const missing = { ...ok, error_type: "ResourceNotFoundException" };
    assert.equal(sampleValue(m, "openforecast_requests_total", ok), 3);
    assert.equal(sampleValue(m, "openforecast_requests_total", missing), 1);
    assert.equal(
      sampleValue(m, "openforecast_requests_total", { operation: "CreateDatasetGroup", error_type: "" }),
      1,
    );
    assert.equal(sampleValue(m, "openforecast_request_duration_seconds_count", ok), 3);
    const seconds = sampleValue(m, "openforecast_request_duration_seconds_sum", ok) as number;
    assert.ok(seconds > 0 && seconds < 30, `latency sum ${seconds} s`);
    assert.equal(sampleValue(m, "openforecast_request_duration_seconds_bucket", { ...ok, le: "+Inf" }), 3);
    assert.equal(m.types.get("openforecast_requests_total"), "counter");
    assert.equal(m.types.get("openforecast_request_duration_seconds"), "histogram");
    const unknown = m.samples.filter(
      (s) => s.name === "openforecast_requests_total" && s.labels.operation === "unknown",
    );
    assert.equal(unknown.length, 1);
    assert.equal(unknown[0]?.labels.error_type, refusedAs);
    assert.ok(!m.samples.some((s) => JSON.stringify(s.labels).includes("NoSuchThing")));
    // The worker pool as a gauge pair: its size and how many threads are busy.
    assert.equal(sampleValue(m, "openforecast_worker_threads"), h.service.services.pool.threads);
    assert.equal(sampleValue(m, "openforecast_worker_threads_busy"), 0);
    assert.ok((sampleValue(m, "process_cpu_seconds_total") as number) > 0, "process metrics are there too");
  });

  let datasetGroupArn = "";
  let datasetArn = "";
  test("an import logs its start and end with ARN, account, duration and rows; a failed one logs why", async () => {
    const fc = h.forecast();
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: "ops" }));
    await s3.send(new PutObjectCommand({ Bucket: "ops", Key: "demand.csv", Body: demandCsv() }));
    const group = await fc.send(new CreateDatasetGroupCommand({ DatasetGroupName: "ops", Domain: "RETAIL" }));
    datasetGroupArn = group.DatasetGroupArn as string;
    datasetArn = await createDailyDataset(fc, {
      name: "ops_demand",
      type: "TARGET_TIME_SERIES",
      fields: ["demand:float"],
    });
    const importOf = async (name: string, path: string) => {
      const job = await fc.send(
        new CreateDatasetImportJobCommand({
          DatasetImportJobName: name,
          DatasetArn: datasetArn,
          DataSource: { S3Config: { Path: path, RoleArn: h.roleArn() } },
        }),
      );
      return {
        arn: job.DatasetImportJobArn as string,
        end: await waitForImport(fc, job.DatasetImportJobArn as string),
      };
    };
    const bad = await importOf("ops_missing", "s3://ops/nothing-here.csv");
    assert.equal(bad.end.Status, "CREATE_FAILED");
    const good = await importOf("ops_import", "s3://ops/demand.csv");
    assert.equal(good.end.Status, "ACTIVE");
    await fc.send(
      new UpdateDatasetGroupCommand({ DatasetGroupArn: datasetGroupArn, DatasetArns: [datasetArn] }),
    );

    const ended = await eventually(
      async () => jobLogs(good.arn).find((l) => l.event === "job.end"),
      5_000,
      "the import's job.end line",
    );
    const start = jobLogs(good.arn).find((l) => l.event === "job.start");
    assert.ok(start, "a job.start line");
    assert.equal(start.level, 30, "info, the default level");
    assert.deepEqual(
      { account: start.account, kind: start.kind, operation: start.operation },
      { account, kind: "dataset-import-job", operation: "create" },
    );
    assert.equal(ended.level, 30);
    assert.equal(ended.outcome, "ACTIVE");
    assert.equal(ended.account, account);
    assert.equal(ended.rows, ITEMS * DAYS, "the rows imported");
    assert.ok(typeof ended.durationMs === "number" && ended.durationMs > 0, `duration ${ended.durationMs}`);

    const failed = await eventually(
      async () => jobLogs(bad.arn).find((l) => l.event === "job.failed"),
      5_000,
      "the failed import's job.failed line",
    );
    assert.equal(failed.level, 40, "a failure is a warning");
    assert.equal(failed.outcome, "CREATE_FAILED");
    assert.equal(failed.message, bad.end.Message, "the message the user sees");

    const m = await metrics();
    const labels = { kind: "dataset-import-job", operation: "create" };
    assert.equal(sampleValue(m, "openforecast_jobs_total", { ...labels, outcome: "ACTIVE" }), 1);
    assert.equal(sampleValue(m, "openforecast_jobs_total", { ...labels, outcome: "CREATE_FAILED" }), 1);
    assert.equal(sampleValue(m, "openforecast_jobs_started_total", labels), 2);
    assert.equal(
      sampleValue(m, "openforecast_job_duration_seconds_count", { ...labels, outcome: "ACTIVE" }),
      1,
    );
  });

  test("a training shows EstimatedTimeRemainingInMinutes from its first second, and logs start and end", async () => {
    const fc = h.forecast();
    const { PredictorArn } = await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: "ops_training",
        ForecastHorizon: 14,
        ForecastFrequency: "D",
        DataConfig: { DatasetGroupArn: datasetGroupArn },
      }),
    );
    const seen: { ms: number; estimate?: number }[] = [];
    const busy: number[] = [];
    let firstInProgress: number | undefined;
    let status = "";
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      const d = await fc.send(new DescribeAutoPredictorCommand({ PredictorArn }));
      status = d.Status as string;
      if (status === "CREATE_IN_PROGRESS") {
        firstInProgress ??= Date.now();
        seen.push({ ms: Date.now() - firstInProgress, estimate: d.EstimatedTimeRemainingInMinutes });
        if (seen.length % 10 === 1)
          busy.push(sampleValue(await metrics(), "openforecast_worker_threads_busy") as number);
      } else if (status !== "CREATE_PENDING") break;
      await sleep(50);
    }
    assert.equal(status, "ACTIVE");
    assert.ok(seen.length > 0, "Describe saw the training in progress");
    const firstSecond = seen.filter((s) => s.ms <= 1000);
    assert.ok(firstSecond.length > 0, "seen in progress within its first second");
    // The estimate is set as the job is claimed: every Describe after the first few milliseconds shows one.
    const without = seen.filter((s) => s.ms > 200 && s.estimate === undefined);
    assert.deepEqual(without, [], "no Describe after 200 ms in progress lacks the estimate");
    assert.ok(
      seen.every(
        (s) =>
          s.estimate === undefined || (Number.isInteger(s.estimate) && s.estimate >= 0 && s.estimate <= 10),
      ),
      `whole minutes, few for seconds of training: ${[...new Set(seen.map((s) => s.estimate))].join(", ")}`,
    );
    assert.ok(Math.max(...busy) > 0, `worker threads seen busy while training: ${busy.join(", ")}`);

    const ended = await eventually(
      async () => jobLogs(PredictorArn as string).find((l) => l.event === "job.end"),
      5_000,
      "the training's job.end line",
    );
    const lines = jobLogs(PredictorArn as string);
    assert.ok(lines.some((l) => l.event === "job.start" && l.kind === "predictor" && l.account === account));
    assert.equal(ended.outcome, "ACTIVE");
    assert.equal(ended.series, ITEMS, "the series trained on");
    const took = seen.length > 0 ? (seen.at(-1) as { ms: number }).ms : 0;
    assert.ok(
      (ended.durationMs as number) >= took * 0.5,
      `the logged duration ${ended.durationMs} ms fits what Describe saw (${took} ms in progress)`,
    );
    const m = await metrics();
    assert.equal(
      sampleValue(m, "openforecast_jobs_total", {
        kind: "predictor",
        operation: "create",
        outcome: "ACTIVE",
      }),
      1,
    );
    assert.equal(sampleValue(m, "openforecast_job_queue_depth", { kind: "predictor" }), undefined);

    // What the first estimates of the next jobs start from: the series count the store already knows.
    const services = h.service.services;
    const predictor = (await services.store.get(PredictorArn as string)) as ResourceRecord;
    const claimed = (kind: string, attrs: Record<string, unknown>) => ({ ...predictor, kind, attrs });
    assert.equal(
      await estimateSeriesCount(services, predictor),
      ITEMS,
      "a retraining: the import's item ids",
    );
    assert.equal(await estimateSeriesCount(services, claimed("forecast", { PredictorArn })), ITEMS);
    assert.equal(
      await estimateSeriesCount(services, claimed("explainability", { ResourceArn: PredictorArn })),
      ITEMS,
    );
    assert.equal(await estimateSeriesCount(services, claimed("dataset-import-job", {})), undefined);
    // 30 s + 15 ms a series: a minute for 400 series, 26 for 100,000.
    assert.equal(await initialEstimateMinutes(services, predictor), 1);
    const big = claimed("forecast", { PredictorArn: "arn:none" });
    assert.equal(await initialEstimateMinutes(services, big), 1, "unknown size: the one-minute default");
  });
});
