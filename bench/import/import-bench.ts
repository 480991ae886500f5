/**
 * Times importFiles on a 10,000,000-row target time series CSV (10,000 items x 1,000 days) against DuckDB
 * reading the same file into a table by itself, in the same process and with the same DuckDB settings.
 * Run: npx tsc -p tsconfig.json && node dist/bench/import/import-bench.js
 * The CSV (about 400 MB) is generated once into the temp dir and kept for later runs.
 */
import { existsSync } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { closeDuckDB, withConnection } from "../../src/data/duckdb.js";
import { importFiles } from "../../src/data/import-files.js";
import { sqlString } from "../../src/data/sql.js";

const ITEMS = 10_000;
const DAYS = 1_000;
const ROWS = ITEMS * DAYS;
const RUNS = 3;

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
  await rm(csv, { force: true });
  const { rename } = await import("node:fs/promises");
  await rename(`${csv}.part`, csv);
  console.log(`generated ${csv} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

async function timeImport(run: number): Promise<number> {
  const output = path.join(dir, `imported-${run}.parquet`);
  const started = performance.now();
  const result = await importFiles({
    files: [csv],
    format: "CSV",
    schema: [
      { AttributeName: "item_id", AttributeType: "string" },
      { AttributeName: "timestamp", AttributeType: "timestamp" },
      { AttributeName: "demand", AttributeType: "float" },
    ],
    datasetType: "TARGET_TIME_SERIES",
    dataFrequency: "D",
    output,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.rowCount !== ROWS) throw new Error(`imported ${result.rowCount} rows, expected ${ROWS}`);
  await rm(output, { force: true });
  return seconds;
}

async function timeDuckDB(): Promise<number> {
  return withConnection(undefined, async (connection) => {
    const started = performance.now();
    await connection.run(`CREATE OR REPLACE TABLE bench_baseline AS SELECT * FROM read_csv(${sqlString(csv)})`);
    const reader = await connection.runAndReadAll("SELECT count(*) FROM bench_baseline");
    const seconds = (performance.now() - started) / 1000;
    if (Number(reader.getRows()[0]?.[0]) !== ROWS) throw new Error("DuckDB read a different row count");
    await connection.run("DROP TABLE bench_baseline");
    return seconds;
  });
}

await generate();
const size = (await stat(csv)).size;
console.log(`input: ${ROWS.toLocaleString("en-US")} rows, ${(size / 1e6).toFixed(0)} MB, ${os.cpus().length} cores`);

const imports: number[] = [];
for (let run = 0; run < RUNS; run++) imports.push(await timeImport(run));
const rssAfterImports = process.resourceUsage().maxRSS;

const baseline: number[] = [];
for (let run = 0; run < RUNS; run++) baseline.push(await timeDuckDB());
const rssAtEnd = process.resourceUsage().maxRSS;

const importMedian = median(imports);
const duckMedian = median(baseline);
console.log(`importFiles:           ${imports.map((s) => s.toFixed(2)).join(", ")} s; median ${importMedian.toFixed(2)} s`);
console.log(`DuckDB read_csv table: ${baseline.map((s) => s.toFixed(2)).join(", ")} s; median ${duckMedian.toFixed(2)} s`);
console.log(`ratio importFiles / DuckDB: ${(importMedian / duckMedian).toFixed(2)}`);
console.log(
  `rows/s: importFiles ${Math.round(ROWS / importMedian).toLocaleString("en-US")}, DuckDB ${Math.round(ROWS / duckMedian).toLocaleString("en-US")}`,
);
console.log(`peak RSS: after the imports ${mb(rssAfterImports)}, after the DuckDB runs ${mb(rssAtEnd)}`);
await closeDuckDB();
