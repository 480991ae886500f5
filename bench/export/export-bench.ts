/**
 * Times writeExportParts on an explainability-export-shaped table (item_id, timestamp, 8 attributes x
 * (RawImpactScore, NormalizedImpactScore)) of 5,000,000 rows generated in DuckDB, written as CSV and as Parquet
 * parts to the embedded S3, against DuckDB's own `COPY (...) TO '<local file>'` of the same rows, run after run
 * in turn. Every run is a fresh child process, so that its peak RSS (getrusage maxrss) is its own; CPU time is
 * the process's (DuckDB's threads and, for exports, the embedded S3 endpoint serving the uploads).
 * Also one run of the rows source (JS batches) at 1,000,000 rows, for its rate and memory.
 *
 * A third line, COPY followed by one upload of its file, is the least any export to S3 must do; the ratio to it
 * shows what the parts, the staging and the all-or-nothing bookkeeping cost on top.
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/export/export-bench.js [rows] [runs] [CSV,PARQUET]
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { configureDuckDB, withConnection } from "../../src/data/duckdb.js";
import { sqlString } from "../../src/data/sql.js";
import {
  type ExportColumn,
  type ExportFormat,
  exportTimestamp,
  writeExportParts,
} from "../../src/export/index.js";
import { startEmbeddedS3 } from "../../src/storage/embedded-s3.js";
import { ObjectStore } from "../../src/storage/object-store.js";

const ATTRIBUTES = 8;
const KEY = { accessKeyId: "AKIAOPENFORECASTBENCH", secretAccessKey: "bench-secret-0123456789" };
const KMS_KEY = "arn:aws:kms:us-east-1:111122223333:key/bench";

const COLUMNS: ExportColumn[] = [
  { name: "item_id", type: "VARCHAR" },
  { name: "timestamp", type: "VARCHAR" },
  ...Array.from({ length: ATTRIBUTES }, (_, a): ExportColumn[] => [
    { name: `attr_${a}-RawImpactScore`, type: "DOUBLE" },
    { name: `attr_${a}-NormalizedImpactScore`, type: "DOUBLE" },
  ]).flat(),
];

/** 100 time points per item; scores from a hash, so that every run writes the same bytes. */
function sourceSql(rows: number): string {
  const scores = Array.from(
    { length: ATTRIBUTES },
    (_, a) =>
      `(hash(i, ${2 * a}) % 2000000) / 100000.0 - 10.0, (hash(i, ${2 * a + 1}) % 2000001) / 1000000.0 - 1.0`,
  );
  return (
    `SELECT 'item_' || (i // 100), strftime(TIMESTAMP '2020-01-01' + to_days(CAST(i % 100 AS INTEGER)), ` +
    `'%Y-%m-%dT%H:%M:%S'), ${scores.join(", ")} FROM range(${rows}) AS t(i)`
  );
}

interface Measurement {
  variant: string;
  wall: number;
  cpu: number;
  maxRssMb: number;
  /** Peak RSS before the clock started: node, DuckDB, and for exports the SDK and the S3 endpoint, idle. */
  startRssMb: number;
  rows: number;
  bytes: number;
  parts: number;
}

type Variant = `${"copy" | "upload" | "export" | "rows"}-${ExportFormat}`;

/** One measured run, in this (child) process. */
async function child(variant: Variant, rows: number, work: string): Promise<Measurement> {
  configureDuckDB({ tempDirectory: path.join(work, "duckdb-spill") });
  const [kind, format] = variant.split("-") as ["copy" | "upload" | "export" | "rows", ExportFormat];
  let s3: Awaited<ReturnType<typeof startEmbeddedS3>> | undefined;
  let store: ObjectStore | undefined;
  if (kind !== "copy") {
    s3 = await startEmbeddedS3({ host: "127.0.0.1", port: 0, directory: path.join(work, "s3"), keys: [KEY] });
    store = new ObjectStore({
      endpoint: s3.endpoint,
      region: "us-east-1",
      credentials: KEY,
      forcePathStyle: true,
    });
    await store.createBucket("bench");
  }
  // DuckDB started before the clock, as it is in a running service.
  await withConnection(undefined, async (connection) => void (await connection.run("SELECT 1")));

  const startRssMb = process.resourceUsage().maxRSS / 1024;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let bytes = 0;
  let parts = 1;
  let written = rows;
  if (kind === "copy" || kind === "upload") {
    const file = path.join(work, `copy.${format === "CSV" ? "csv" : "parquet"}`);
    const names = COLUMNS.map((column, index) => `#${index + 1} AS "${column.name}"`).join(", ");
    await withConnection(undefined, (connection) =>
      connection.run(
        `COPY (SELECT ${names} FROM (${sourceSql(rows)})) TO ${sqlString(file)} ` +
          (format === "CSV" ? "(FORMAT csv, HEADER true)" : "(FORMAT parquet)"),
      ),
    );
    bytes = (await stat(file)).size;
    // The least any export to S3 must do: DuckDB's COPY, then one upload of its file (SSE-KMS as the export).
    if (kind === "upload")
      await (store as ObjectStore).uploadFile("bench", "upload/all", file, { kmsKeyArn: KMS_KEY });
  } else {
    const result = await writeExportParts({
      store: store as ObjectStore,
      bucket: "bench",
      prefix: "explainability/",
      baseName: `bench_${exportTimestamp(new Date())}`,
      format,
      columns: COLUMNS,
      source:
        kind === "export"
          ? { kind: "sql", sql: sourceSql(rows) }
          : { kind: "rows", batches: jsBatches(rows) },
      kmsKeyArn: KMS_KEY,
      scratchDir: work,
    });
    bytes = result.bytes;
    parts = result.keys.length;
    written = result.rows;
  }
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  store?.close();
  await s3?.close();
  return {
    variant,
    wall,
    cpu: (cpu.user + cpu.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    startRssMb,
    rows: written,
    bytes,
    parts,
  };
}

/** The same table as sourceSql, made in JS, in batches of 10,000 rows. */
async function* jsBatches(rows: number): AsyncGenerator<unknown[][]> {
  const batch = 10_000;
  for (let start = 0; start < rows; start += batch) {
    const out: unknown[][] = [];
    for (let i = start; i < Math.min(rows, start + batch); i += 1) {
      const row: unknown[] = [
        `item_${Math.floor(i / 100)}`,
        `2020-01-${String((i % 28) + 1).padStart(2, "0")}T00:00:00`,
      ];
      for (let a = 0; a < 2 * ATTRIBUTES; a += 1) row.push(Math.sin(i * 31 + a) * (a % 2 === 0 ? 10 : 1));
      out.push(row);
    }
    yield out;
  }
}

const execFileAsync = promisify(execFile);

async function runChild(variant: Variant, rows: number): Promise<Measurement> {
  const work = await mkdtemp(path.join(os.tmpdir(), "openforecast-export-bench-"));
  try {
    const { stdout } = await execFileAsync(
      process.execPath,
      [fileURLToPath(import.meta.url), "--child", variant, String(rows), work],
      { maxBuffer: 1 << 20 },
    );
    const last = stdout.trim().split("\n").at(-1) ?? "";
    return JSON.parse(last) as Measurement;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 5_000_000);
  const runs = Number(process.argv[3] ?? 3);
  const formats = (process.argv[4] ?? "CSV,PARQUET").split(",") as ExportFormat[];
  console.log(
    `export bench: ${rows.toLocaleString("en")} rows x ${COLUMNS.length} columns, ${runs} runs each, ` +
      `${os.availableParallelism()} cores, DuckDB 2 threads / 1 GB`,
  );
  for (const format of formats) {
    const copy: Measurement[] = [];
    const upload: Measurement[] = [];
    const exported: Measurement[] = [];
    for (let run = 0; run < runs; run += 1) {
      // In turn, so that changing load on a shared machine hits all alike.
      copy.push(await runChild(`copy-${format}`, rows));
      upload.push(await runChild(`upload-${format}`, rows));
      exported.push(await runChild(`export-${format}`, rows));
    }
    const line = (name: string, ms: Measurement[]): string => {
      const wall = median(ms.map((m) => m.wall));
      const cpu = median(ms.map((m) => m.cpu));
      return (
        `  ${name.padEnd(34)} wall ${wall.toFixed(1).padStart(6)} s  cpu ${cpu.toFixed(1).padStart(6)} s  ` +
        `${Math.round(rows / wall)
          .toLocaleString("en")
          .padStart(9)} rows/s  ` +
        `peak RSS ${Math.round(Math.max(...ms.map((m) => m.maxRssMb)))} MB ` +
        `(idle ${Math.round(Math.max(...ms.map((m) => m.startRssMb)))})  ` +
        `${((ms[0] as Measurement).bytes / 2 ** 20).toFixed(0)} MB in ${(ms[0] as Measurement).parts} file(s)`
      );
    };
    console.log(`${format}:`);
    console.log(line("DuckDB COPY to a local file", copy));
    console.log(line("COPY, then upload that file", upload));
    console.log(line("writeExportParts to embedded S3", exported));
    const ratio = (of: Measurement[], to: Measurement[], key: "wall" | "cpu"): string =>
      (median(of.map((m) => m[key])) / median(to.map((m) => m[key]))).toFixed(2);
    console.log(
      `  export / COPY: wall ${ratio(exported, copy, "wall")}x, cpu ${ratio(exported, copy, "cpu")}x; ` +
        `export / (COPY + upload): wall ${ratio(exported, upload, "wall")}x, cpu ${ratio(exported, upload, "cpu")}x`,
    );
    const runsOf = (ms: Measurement[]): string =>
      ms.map((m) => `${m.wall.toFixed(1)}/${m.cpu.toFixed(1)}`).join(" ");
    console.log(
      `  runs (wall/cpu s): COPY ${runsOf(copy)}; COPY+upload ${runsOf(upload)}; export ${runsOf(exported)}`,
    );
  }
  const jsRows = Math.min(rows, 1_000_000);
  for (const format of formats) {
    const m = await runChild(`rows-${format}`, jsRows);
    console.log(
      `rows source (JS batches, made in the loop), ${format}, ${jsRows.toLocaleString("en")} rows: wall ${m.wall.toFixed(1)} s, ` +
        `cpu ${m.cpu.toFixed(1)} s, ${Math.round(jsRows / m.wall).toLocaleString("en")} rows/s, ` +
        `peak RSS ${Math.round(m.maxRssMb)} MB (idle ${Math.round(m.startRssMb)}), ${m.parts} part(s)`,
    );
  }
}

if (process.argv[2] === "--child") {
  const [variant, rows, work] = process.argv.slice(3) as [Variant, string, string];
  await mkdir(work, { recursive: true });
  const measurement = await child(variant, Number(rows), work);
  console.log(JSON.stringify(measurement));
  process.exit(0);
} else {
  await main();
}
