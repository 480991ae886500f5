// Console page load times for a forecast of many series (issue 13): a forecast page with its chart (history and
// the p10–p90 band) and a search over all series. The forecast is made by the full pipeline through the public API,
// kept cheap: short generated daily series (28 days; 10,000 items × 10 stores = 100,000 series), one legacy
// predictor with a single fast algorithm (NPTS), one backtest window, horizon 7.
//
// Run:  npx tsc -p tsconfig.json && node dist/bench/console/console-bench.js
// Environment:
//   ITEMS=10000      items (× 10 stores = series)
//   REQUESTS=200     timed requests per page kind (after 5 warm-up requests each)
//   BROWSER_LOADS=30 page loads timed in headless Chromium until the chart is drawn, one tab (0 to skip Chromium)
//   COLD_LOADS=10    page loads each in a new browser context (empty cache: a first visit)

import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateForecastCommand,
  CreatePredictorCommand,
  DescribeDatasetImportJobCommand,
  DescribeForecastCommand,
  DescribePredictorCommand,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { chromium, type Page } from "playwright-core";
import { closeDuckDB, withConnection } from "../../src/data/duckdb.js";
import { sqlString } from "../../src/data/sql.js";
import { consoleSessionCookie } from "../../test/console/console-service.js";
import { ACCOUNTS, forecastClient, s3Client, startChild } from "../../test/e2e/harness.js";

const ITEMS = Number(process.env.ITEMS ?? 10_000);
const STORES = 10;
const DAYS = 28;
const HORIZON = 7;
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const BROWSER_LOADS = Number(process.env.BROWSER_LOADS ?? 30);
const COLD_LOADS = Number(process.env.COLD_LOADS ?? 10);
const ROLE = `arn:aws:iam::${ACCOUNTS[0].accountId}:role/ForecastAccess`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pad = (n: number, w: number) => String(n).padStart(w, "0");

async function settle(what: string, describe: () => Promise<{ Status?: string; Message?: string }>) {
  const started = Date.now();
  for (;;) {
    const d = await describe();
    if (d.Status === "ACTIVE") return (Date.now() - started) / 1000;
    if (d.Status?.includes("FAILED")) throw new Error(`${what} failed: ${d.Message}`);
    await sleep(2000);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function summary(name: string, times: number[]): string {
  const s = [...times].sort((a, b) => a - b);
  return `${name}: n=${s.length} p50 ${percentile(s, 50).toFixed(1)} ms, p99 ${percentile(s, 99).toFixed(1)} ms, max ${s[s.length - 1]?.toFixed(1)} ms`;
}

async function generateCsv(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-console-bench-"));
  const csv = path.join(dir, "target.csv");
  // Demand: a level per item and store, a weekly pattern and bounded noise, from integer hashes (reproducible).
  await withConnection(undefined, async (c) => {
    await c.run(`COPY (
      SELECT 'item_' || lpad(i::VARCHAR, 5, '0') AS item_id, 'store_' || s AS store,
             strftime(DATE '2024-01-01' + d::INTEGER, '%Y-%m-%d') AS timestamp,
             (10 + (hash(i, s) % 50) + 5 * ((d % 7) IN (5, 6))::INTEGER + (hash(i, s, d) % 7))::DOUBLE AS demand
      FROM range(${ITEMS}) a(i), range(${STORES}) b(s), range(${DAYS}) c(d)
    ) TO ${sqlString(csv)} (HEADER true)`);
  });
  await closeDuckDB();
  return csv;
}

async function main() {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-console-bench-data-"));
  const service = await startChild(dataDir);
  const fc = forecastClient(service.forecastEndpoint, 0);
  const s3 = s3Client(service.s3Endpoint, 0);
  const stages: string[] = [];
  try {
    let t = Date.now();
    const csv = await generateCsv();
    await s3.send(new CreateBucketCommand({ Bucket: "console-bench" }));
    await s3.send(
      new PutObjectCommand({ Bucket: "console-bench", Key: "target.csv", Body: await fs.readFile(csv) }),
    );
    await fs.rm(path.dirname(csv), { recursive: true, force: true });
    stages.push(`generate + upload ${ITEMS * STORES * DAYS} rows: ${((Date.now() - t) / 1000).toFixed(0)} s`);
    const { DatasetGroupArn } = await fc.send(
      new CreateDatasetGroupCommand({ DatasetGroupName: "console_bench", Domain: "RETAIL" }),
    );
    const { DatasetArn } = await fc.send(
      new CreateDatasetCommand({
        DatasetName: "console_bench_target",
        DatasetType: "TARGET_TIME_SERIES",
        Domain: "RETAIL",
        DataFrequency: "D",
        Schema: {
          Attributes: [
            { AttributeName: "item_id", AttributeType: "string" },
            { AttributeName: "store", AttributeType: "string" },
            { AttributeName: "timestamp", AttributeType: "timestamp" },
            { AttributeName: "demand", AttributeType: "float" },
          ],
        },
      }),
    );
    const { UpdateDatasetGroupCommand } = await import("@aws-sdk/client-forecast");
    await fc.send(new UpdateDatasetGroupCommand({ DatasetGroupArn, DatasetArns: [DatasetArn as string] }));
    t = Date.now();
    const { DatasetImportJobArn } = await fc.send(
      new CreateDatasetImportJobCommand({
        DatasetImportJobName: "console_bench_import",
        DatasetArn,
        DataSource: { S3Config: { Path: "s3://console-bench/target.csv", RoleArn: ROLE } },
        TimestampFormat: "yyyy-MM-dd",
      }),
    );
    await settle("import", () => fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn })));
    stages.push(`import: ${((Date.now() - t) / 1000).toFixed(0)} s`);
    t = Date.now();
    const { PredictorArn } = await fc.send(
      new CreatePredictorCommand({
        PredictorName: "console_bench_npts",
        AlgorithmArn: "arn:aws:forecast:::algorithm/NPTS",
        ForecastHorizon: HORIZON,
        PerformAutoML: false,
        InputDataConfig: { DatasetGroupArn },
        FeaturizationConfig: { ForecastFrequency: "D", ForecastDimensions: ["store"] },
        EvaluationParameters: { NumberOfBacktestWindows: 1, BackTestWindowOffset: HORIZON },
      }),
    );
    await settle("predictor", () => fc.send(new DescribePredictorCommand({ PredictorArn })));
    stages.push(`train NPTS predictor: ${((Date.now() - t) / 1000).toFixed(0)} s`);
    t = Date.now();
    const { ForecastArn } = await fc.send(
      new CreateForecastCommand({ ForecastName: "console_bench_forecast", PredictorArn }),
    );
    await settle("forecast", () => fc.send(new DescribeForecastCommand({ ForecastArn })));
    stages.push(`forecast: ${((Date.now() - t) / 1000).toFixed(0)} s`);
    for (const s of stages) console.log(s);

    // Sign in as a browser would, then time the pages.
    const cookie = await consoleSessionCookie(service.forecastEndpoint);
    const base = `${service.forecastEndpoint}/console/forecasts/console_bench_forecast`;
    const timed = async (url: string, check: (body: string) => boolean) => {
      const started = performance.now();
      const res = await fetch(url, { headers: { cookie } });
      const body = await res.text();
      const ms = performance.now() - started;
      if (res.status !== 200 || !check(body)) throw new Error(`unexpected answer for ${url}: ${res.status}`);
      return ms;
    };
    const randomKey = () => {
      const i = Math.floor(Math.random() * ITEMS);
      return [`item_${pad(i, 5)}`, `store_${Math.floor(Math.random() * STORES)}`];
    };
    console.log(`load average before the pages: ${(await fs.readFile("/proc/loadavg", "utf8")).trim()}`);
    const first = await timed(base, (b) => b.includes('id="forecast-chart"'));
    console.log(
      `first load of the forecast page (reads the series list of the forecast): ${first.toFixed(0)} ms`,
    );
    const chartUrl = () => `${base}?key=${encodeURIComponent(JSON.stringify(randomKey()))}`;
    const searchUrl = () => {
      const [item, store] = randomKey() as [string, string];
      // An item's 10 series, or one item at one store, or a store's 10,000 (paginated: the first 20).
      const kinds = [item, `${item} ${store}`, store, item.slice(0, 8)];
      return `${base}?q=${encodeURIComponent(kinds[Math.floor(Math.random() * kinds.length)] as string)}`;
    };
    for (let i = 0; i < 5; i++) {
      await timed(chartUrl(), () => true);
      await timed(searchUrl(), () => true);
    }
    const chart: number[] = [];
    const search: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      chart.push(await timed(chartUrl(), (b) => b.includes('data-band="p10,p90"')));
      search.push(await timed(searchUrl(), (b) => b.includes("data-matches=")));
    }
    console.log(summary("chart page (server, whole HTML)", chart));
    console.log(summary("search page (server, whole HTML: the matches, no chart)", search));

    const sample = await fetch(chartUrl(), { headers: { cookie } }).then((r) => r.text());
    const dataBlock =
      /<script type="application\/json" id="forecast-data">(.*?)<\/script>/s.exec(sample)?.[1] ?? "";
    console.log(
      `chart page HTML: ${sample.length} bytes, of which the series' data ${dataBlock.length} bytes`,
    );

    if (BROWSER_LOADS > 0) {
      const browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu"],
      });
      const [name, value] = cookie.split("=") as [string, string];
      const signedInContext = async () => {
        const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
        await context.addCookies([{ name, value, url: `${service.forecastEndpoint}/console` }]);
        return context;
      };
      /** Navigates and waits for the drawn chart; the wall time, and the page's own timings of that load. */
      const loadChart = async (page: Page) => {
        const started = performance.now();
        await page.goto(chartUrl());
        await page.locator("#forecast-chart[data-drawn=true]").waitFor();
        const wall = performance.now() - started;
        const inPage = await page.evaluate(() => {
          type Entry = {
            name: string;
            startTime: number;
            responseStart: number;
            responseEnd: number;
            transferSize: number;
          };
          const perf = (
            globalThis as unknown as {
              performance: { getEntriesByType(t: string): Entry[]; getEntriesByName(n: string): Entry[] };
            }
          ).performance;
          const nav = perf.getEntriesByType("navigation")[0] as Entry & {
            domInteractive: number;
            loadEventEnd: number;
          };
          return {
            htmlFirstByte: nav.responseStart,
            htmlDone: nav.responseEnd,
            parsed: nav.domInteractive,
            drawn: perf.getEntriesByName("forecast-chart-drawn")[0]?.startTime ?? Number.NaN,
            loaded: nav.loadEventEnd,
            assetBytes: perf
              .getEntriesByType("resource")
              .filter((e) => e.name.includes("/console/assets/"))
              .reduce((sum, e) => sum + e.transferSize, 0),
          };
        });
        return { wall, ...inPage };
      };
      type Load = Awaited<ReturnType<typeof loadChart>>;
      const report = (what: string, loads: Load[]) => {
        console.log(
          summary(
            `${what}: navigation until the chart is drawn (Playwright's wall time)`,
            loads.map((l) => l.wall),
          ),
        );
        for (const [field, label] of [
          ["htmlFirstByte", "first byte of the HTML (request + server)"],
          ["htmlDone", "HTML received"],
          ["parsed", "HTML parsed (domInteractive)"],
          ["drawn", "chart drawn (performance.mark in forecast-chart.js)"],
          ["loaded", "load event done"],
        ] as const) {
          console.log(
            `  ${summary(
              `in the page, from navigation start: ${label}`,
              loads.map((l) => l[field]),
            )}`,
          );
        }
        const bytes = loads.map((l) => l.assetBytes).sort((a, b) => a - b);
        console.log(`  asset bytes transferred per load: median ${bytes[Math.floor(bytes.length / 2)]}`);
      };
      try {
        // A first visit: a new browser context (empty cache) for every load.
        const cold: Load[] = [];
        for (let i = 0; i < COLD_LOADS; i++) {
          const context = await signedInContext();
          cold.push(await loadChart(await context.newPage()));
          await context.close();
        }
        if (cold.length > 0) report("first visit (empty cache)", cold);
        // A user moving between series: one tab, its cache warm.
        const page = await (await signedInContext()).newPage();
        const warm: Load[] = [];
        for (let i = 0; i < BROWSER_LOADS + 3; i++) {
          const l = await loadChart(page);
          if (i >= 3) warm.push(l);
        }
        report("chart page in Chromium", warm);
      } finally {
        await browser.close();
      }
    }
    const load = await fs.readFile("/proc/loadavg", "utf8");
    console.log(
      `load average at the end: ${load.trim()}; ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    );
  } finally {
    fc.destroy();
    s3.destroy();
    await service.kill();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

await main();
