/**
 * Times prepareSeries on 100,000 daily series x 730 days (73M target rows) with one related field that runs 14 days
 * into the horizon, at the daily frequency and aggregated to weeks.
 * Run: npx tsc -p tsconfig.json && node dist/bench/import/prepare-bench.js [items] [days]
 * The Parquet inputs (shaped like canonical dataset files) are generated once into the temp dir and kept.
 */
import { existsSync } from "node:fs";
import { mkdir, rename, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { closeDuckDB, withConnection } from "../../src/data/duckdb.js";
import { type PrepareSeriesInput, prepareSeries } from "../../src/data/series-preparation.js";
import { sqlString } from "../../src/data/sql.js";

const ITEMS = Number(process.argv[2] ?? 100_000);
const DAYS = Number(process.argv[3] ?? 730);
const HORIZON = 14;

const dir = path.join(os.tmpdir(), "openforecast-prepare-bench");
const targetFile = path.join(dir, `target-${ITEMS}x${DAYS}.parquet`);
const relatedFile = path.join(dir, `related-${ITEMS}x${DAYS + HORIZON}.parquet`);

async function generate(file: string, select: string): Promise<void> {
  if (existsSync(file)) return;
  await mkdir(dir, { recursive: true });
  const started = performance.now();
  await withConnection(undefined, (c) =>
    c.run(`COPY (${select}) TO ${sqlString(`${file}.part`)} (FORMAT parquet)`),
  );
  await rename(`${file}.part`, file);
  console.log(`generated ${path.basename(file)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const rows = (days: number, value: string) =>
  `SELECT 'item_' || i AS item_id, TIMESTAMP '2022-01-01' + INTERVAL (d) DAY AS timestamp, ${value}
   FROM range(${ITEMS}) AS items(i), range(${days}) AS days(d)`;

await generate(targetFile, rows(DAYS, "round(random() * 100, 2) AS demand"));
await generate(relatedFile, rows(DAYS + HORIZON, "round(10 + random(), 2) AS price"));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
console.log(`target ${mb((await stat(targetFile)).size)}, related ${mb((await stat(relatedFile)).size)}`);

const input = (forecastFrequency: string): PrepareSeriesInput => ({
  target: {
    file: targetFile,
    schema: [
      { AttributeName: "item_id", AttributeType: "string" },
      { AttributeName: "timestamp", AttributeType: "timestamp" },
      { AttributeName: "demand", AttributeType: "float" },
    ],
    frequency: "D",
  },
  related: {
    file: relatedFile,
    schema: [
      { AttributeName: "item_id", AttributeType: "string" },
      { AttributeName: "timestamp", AttributeType: "timestamp" },
      { AttributeName: "price", AttributeType: "float" },
    ],
    frequency: forecastFrequency,
  },
  itemIdField: "item_id",
  targetField: "demand",
  forecastFrequency,
  horizon: forecastFrequency === "D" ? HORIZON : 2,
  holidayCountries: ["US"],
});

for (const frequency of ["D", "W"]) {
  if (frequency === "W") {
    // Weekly related data, as Amazon requires the related frequency to be the forecast frequency.
    const weekly = path.join(dir, `related-weekly-${ITEMS}x${DAYS}.parquet`);
    await generate(
      weekly,
      `SELECT 'item_' || i AS item_id, TIMESTAMP '2021-12-27' + INTERVAL (7 * w) DAY AS timestamp, round(10 + random(), 2) AS price
       FROM range(${ITEMS}) AS items(i), range(${Math.ceil(DAYS / 7) + 3}) AS weeks(w)`,
    );
    const weeklyInput = input("W");
    if (weeklyInput.related) weeklyInput.related.file = weekly;
    await run("W", weeklyInput);
  } else {
    await run("D", input("D"));
  }
}
await closeDuckDB();

async function run(label: string, request: PrepareSeriesInput): Promise<void> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const set = await prepareSeries(request);
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const values = set.series.reduce((n, s) => n + s.target.length, 0);
  const memory = process.memoryUsage();
  console.log(
    `${label}: ${set.series.length} series, ${values} target values in ${wall.toFixed(1)} s wall, ` +
      `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU; rss ${mb(memory.rss)}, array buffers ${mb(memory.arrayBuffers)}, ` +
      `peak rss ${mb(process.resourceUsage().maxRSS * 1024)}`,
  );
}
