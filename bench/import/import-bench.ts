/**
 * Times importFiles on a 10,000,000-row target time series CSV (10,000 items x 1,000 days) against DuckDB
 * reading the same file into a table by itself, in the same process and with the same DuckDB settings.
 * Run: npx tsc -p tsconfig.json && node dist/bench/import/import-bench.js
 * The CSV (about 400 MB) is generated once into the temp dir and kept for later runs.
 */
import { existsSync } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { closeDuckDB, withConnection } from "../../src/data/duckdb.js";
import { importFiles } from "../../src/data/import-files.js";
import type { SchemaAttribute } from "../../src/data/schema.js";
import { sqlString } from "../../src/data/sql.js";

const ITEMS = 10_000;
const DAYS = 1_000;
const ROWS = ITEMS * DAYS;
const RUNS = 3;
const SCHEMA: SchemaAttribute[] = [
  { AttributeName: "item_id", AttributeType: "string" },
  { AttributeName: "timestamp", AttributeType: "timestamp" },
  { AttributeName: "demand", AttributeType: "float" },
];

const dir = path.join(os.tmpdir(), "openforecast-import-bench");
const csv = path.join(dir, `target-${ROWS}.csv`);

async function generate(): Promise<void> {
  if (existsSync(csv)) return;
  await mkdir(dir, { recursive: true });
  const started = performance.now();
  await withConnection(undefined, async (connection) => {
    await connection.run(
      `COPY (SELECT 'item_' || i AS item_id, strftime(DATE '2020-01-01' + CAST(d AS INTEGER), '%Y-%m-%d %H:%M:%S') AS timestamp, round(random() * 100, 2) AS demand FROM range(${ITEMS}) AS items(i), range(${DAYS}) AS days(d)) TO ${sqlString(`${csv}.part`)} (HEADER true)`,
    );
  });
  await rename(`${csv}.part`, csv);
  console.log(`generated ${csv} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

/** Wall and CPU seconds of `work`; CPU (all threads of the process) is the steadier figure on a shared machine. */
async function measure(work: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const cpu = process.cpuUsage(cpuBefore);
  return { wall: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

async function runImport(run: number): Promise<void> {
  const output = path.join(dir, `imported-${run}.parquet`);
  const result = await importFiles({
    files: [csv],
    format: "CSV",
    schema: SCHEMA,
    datasetType: "TARGET_TIME_SERIES",
    dataFrequency: "D",
    output,
  });
  if (result.rowCount !== ROWS) throw new Error(`imported ${result.rowCount} rows, expected ${ROWS}`);
  await rm(output, { force: true });
}

async function runDuckDB(): Promise<void> {
  await withConnection(undefined, async (connection) => {
    await connection.run(
      `CREATE OR REPLACE TABLE bench_baseline AS SELECT * FROM read_csv(${sqlString(csv)})`,
    );
    const reader = await connection.runAndReadAll("SELECT count(*) FROM bench_baseline");
    if (Number(reader.getRows()[0]?.[0]) !== ROWS) throw new Error("DuckDB read a different row count");
    await connection.run("DROP TABLE bench_baseline");
  });
}

await generate();
const size = (await stat(csv)).size;
console.log(
  `input: ${ROWS.toLocaleString("en-US")} rows, ${(size / 1e6).toFixed(0)} MB, ${os.cpus().length} cores`,
);

// Imports first, so the peak RSS after them is the import's own; DuckDB's table of 10M rows comes after.
const imports: { wall: number; cpu: number }[] = [];
for (let run = 0; run < RUNS; run++) imports.push(await measure(() => runImport(run)));
const rssAfterImports = process.resourceUsage().maxRSS;
const baseline: { wall: number; cpu: number }[] = [];
for (let run = 0; run < RUNS; run++) baseline.push(await measure(runDuckDB));
const rssAtEnd = process.resourceUsage().maxRSS;

// A failed import pays for the search of its first bad row: the worst case is a bad row after all of the
// big file, which is then checked in full (structure, then values) before the second file is looked at.
const badTail = path.join(dir, "bad-tail.csv");
await writeFile(badTail, "item_9,2022-09-27 00:00:00,1.5\nitem_9,2022-09-28 00:00:00,n/a\n");
let failureMessage = "";
const failed = await measure(async () => {
  try {
    await importFiles({
      files: [csv, badTail],
      fileLabels: ["s3://bench/target.csv", "s3://bench/bad-tail.csv"],
      format: "CSV",
      schema: SCHEMA,
      datasetType: "TARGET_TIME_SERIES",
      output: path.join(dir, "failed.parquet"),
    });
  } catch (error) {
    failureMessage = error instanceof Error ? error.message : String(error);
  }
});

const report = (name: string, runs: { wall: number; cpu: number }[]): { wall: number; cpu: number } => {
  const wall = median(runs.map((r) => r.wall));
  const cpu = median(runs.map((r) => r.cpu));
  const list = runs.map((r) => r.wall.toFixed(2)).join(", ");
  console.log(`${name}: wall ${list} s, median ${wall.toFixed(2)} s; CPU median ${cpu.toFixed(2)} s`);
  return { wall, cpu };
};
const ours = report("importFiles          ", imports);
const theirs = report("DuckDB read_csv table", baseline);
console.log(
  `ratio importFiles / DuckDB: wall ${(ours.wall / theirs.wall).toFixed(2)}, CPU ${(ours.cpu / theirs.cpu).toFixed(2)}`,
);
console.log(
  `rows/s (wall): importFiles ${Math.round(ROWS / ours.wall).toLocaleString("en-US")}, DuckDB ${Math.round(ROWS / theirs.wall).toLocaleString("en-US")}`,
);
console.log(
  `failing import (bad row after ${ROWS.toLocaleString("en-US")} good ones): ${failed.wall.toFixed(2)} s: ${failureMessage}`,
);
console.log(`peak RSS: after the imports ${mb(rssAfterImports)}, after the DuckDB runs ${mb(rssAtEnd)}`);
await closeDuckDB();
