// QueryForecast's latency with and without the HeadObject that checks the cached copy of the forecast's object
// (storage/blob-store.ts, "Immutable keys"), side by side in one run. The service runs in this process (test
// harness) with its bulk data on an S3 endpoint in a process of its own (`openforecast s3`, as in scale-out), or on
// the embedded endpoint (S3_MODE=embedded). A small AutoPredictor and its forecast are made through the API; then,
// in alternating blocks of BLOCK queries of one series each:
//   - "before": the forecast file fetched with a HeadObject on every query (queryForecastFile without a version),
//   - "after": fetched by the forecast's version (its creation time), no request to S3 once cached,
// both called in-process on the handler's function, and "after" again through the API (QueryForecast over HTTP,
// SigV4), plus the HeadObject alone. Reports p50/p99 in ms and the load average.
// Run: npm run bench:query-latency      Environment: QUERIES (1000 per variant), BLOCK (50), S3_MODE.

import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import {
  CreateAutoPredictorCommand,
  CreateForecastCommand,
  DescribeAutoPredictorCommand,
  DescribeForecastCommand,
} from "@aws-sdk/client-forecast";
import { QueryForecastCommand } from "@aws-sdk/client-forecastquery";
import { queryForecastFile } from "../../src/resources/query-forecast.js";
import {
  ACCOUNTS,
  forecastqueryClient,
  freePort,
  importDemandGroup,
  startHarness,
  untilActive,
} from "../../test/e2e/harness.js";

const QUERIES = Number(process.env.QUERIES ?? 1000);
const BLOCK = Number(process.env.BLOCK ?? 50);
const EXTERNAL = process.env.S3_MODE !== "embedded";
const SERIES = 50;
const DAYS = 120;
const CLI = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../src/cli.js");

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? Number.NaN;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");

async function externalS3(root: string): Promise<{ endpoint: string; child: ChildProcess }> {
  const credentials = path.join(root, "accounts.json");
  await fs.writeFile(credentials, JSON.stringify({ accounts: ACCOUNTS }), { mode: 0o600 });
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [CLI, "s3", "--s3-port", String(port), "--data-dir", path.join(root, "s3")],
    {
      env: { ...process.env, OPENFORECAST_CREDENTIALS_FILE: credentials, OPENFORECAST_LOG_LEVEL: "warn" },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(endpoint).then(
        () => true,
        () => false,
      )
    )
      return { endpoint, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the S3 endpoint did not start");
}

async function main(): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "query-latency-"));
  const s3 = EXTERNAL ? await externalS3(root) : undefined;
  const h = await startHarness(s3 ? { OPENFORECAST_S3_ENDPOINT: s3.endpoint } : {});
  const fc = h.forecast();
  try {
    const lines = ["item_id,timestamp,demand"];
    for (let i = 0; i < SERIES; i++)
      for (let d = 0; d < DAYS; d++)
        lines.push(
          `item_${i},${new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10)},${(10 + (i % 7) + Math.sin(d) + (d % 5)).toFixed(2)}`,
        );
    const group = await importDemandGroup(fc, h.s3(), {
      group: "query_bench",
      dataset: "query_bench_demand",
      bucket: "query-bench",
      key: "d.csv",
      csv: `${lines.join("\n")}\n`,
      roleArn: h.roleArn(),
    });
    const predictorArn = (
      await fc.send(
        new CreateAutoPredictorCommand({
          PredictorName: "query_bench",
          ForecastHorizon: 14,
          ForecastFrequency: "D",
          DataConfig: { DatasetGroupArn: group },
        }),
      )
    ).PredictorArn as string;
    await untilActive(
      () => fc.send(new DescribeAutoPredictorCommand({ PredictorArn: predictorArn })),
      "predictor",
    );
    const forecastArn = (
      await fc.send(new CreateForecastCommand({ ForecastName: "query_bench", PredictorArn: predictorArn }))
    ).ForecastArn as string;
    await untilActive(() => fc.send(new DescribeForecastCommand({ ForecastArn: forecastArn })), "forecast");

    const { blobs, store } = h.service.services;
    const record = await store.get(forecastArn);
    if (!record) throw new Error("no forecast record");
    const forecast = {
      operation: "QueryForecast",
      arn: forecastArn,
      file: String(record.attrs.ForecastFile),
      keyNames: record.attrs.KeyNames as string[],
      types: record.attrs.ForecastTypes as string[],
    };
    const query = forecastqueryClient(h.service.forecastEndpoint);
    const item = (n: number) => ({ item_id: `item_${n % SERIES}` });
    const objects = (blobs as unknown as { objects: { headObject(b: string, k: string): Promise<unknown> } })
      .objects;
    const variants: Record<string, (n: number) => Promise<unknown>> = {
      "before: HeadObject on every query (in-process)": (n) =>
        queryForecastFile(blobs, forecast, { Filters: item(n) }),
      "after: cached by version (in-process)": (n) =>
        queryForecastFile(blobs, { ...forecast, version: String(record.createdAt) }, { Filters: item(n) }),
      "after: QueryForecast over HTTP": (n) =>
        query.send(new QueryForecastCommand({ ForecastArn: forecastArn, Filters: item(n) })),
      "the HeadObject alone": () => objects.headObject(blobs.bucket, forecast.file),
    };
    const times = new Map<string, number[]>(Object.keys(variants).map((k) => [k, []]));
    // Warm-up: the copy cached, DuckDB and the clients started.
    for (const run of Object.values(variants)) for (let n = 0; n < 20; n++) await run(n);
    const loadBefore = load();
    const started = Date.now();
    for (let done = 0; done < QUERIES; done += BLOCK) {
      for (const [name, run] of Object.entries(variants)) {
        const list = times.get(name) as number[];
        for (let n = done; n < Math.min(QUERIES, done + BLOCK); n++) {
          const t0 = performance.now();
          await run(n);
          list.push(performance.now() - t0);
        }
      }
    }
    console.log(
      `${QUERIES} queries per variant in blocks of ${BLOCK}, S3 endpoint: ${EXTERNAL ? "its own process (openforecast s3)" : "embedded, in this process"}; ${((Date.now() - started) / 1000).toFixed(0)} s; load 1/5/15 ${loadBefore} → ${load()}`,
    );
    console.log("| variant | p50 ms | p99 ms | mean ms |");
    console.log("|---|---|---|---|");
    for (const [name, list] of times)
      console.log(
        `| ${name} | ${percentile(list, 50).toFixed(2)} | ${percentile(list, 99).toFixed(2)} | ${(list.reduce((a, b) => a + b, 0) / list.length).toFixed(2)} |`,
      );
  } finally {
    await h.close();
    s3?.child.kill("SIGKILL");
    await fs.rm(root, { recursive: true, force: true });
  }
}

await main();
