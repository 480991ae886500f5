import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { withConnection } from "../../src/data/duckdb.js";
import { sqlString } from "../../src/data/sql.js";
import type { ExportColumn } from "../../src/export/index.js";
import { ObjectStore, type UploadOptions } from "../../src/storage/object-store.js";
import { type EmbeddedFixture, startFixture, TEST_KEY } from "../storage/embedded-fixture.js";

/** An ObjectStore that lets a test act around uploads: count them, fail one, abort after one. */
export class ObservedStore extends ObjectStore {
  uploadsDone = 0;
  uploadsStarted = 0;
  /** Runs before upload number `n` (from 1) is sent; may throw to make it fail. */
  beforeUpload: (n: number, key: string) => void = () => {};
  /** Runs after upload number `n` succeeded. */
  afterUpload: (n: number, key: string) => void = () => {};

  override async uploadStream(
    bucket: string,
    key: string,
    body: Readable,
    options?: UploadOptions,
  ): Promise<void> {
    this.uploadsStarted += 1;
    this.beforeUpload(this.uploadsStarted, key);
    await super.uploadStream(bucket, key, body, options);
    this.uploadsDone += 1;
    this.afterUpload(this.uploadsDone, key);
  }

  resetObservers(): void {
    this.uploadsDone = 0;
    this.uploadsStarted = 0;
    this.beforeUpload = () => {};
    this.afterUpload = () => {};
  }
}

export interface ExportTestBed {
  s3: EmbeddedFixture;
  store: ObservedStore;
  /** Scratch directory given to writeExportParts, to check that nothing stays in it. */
  scratch: string;
  /** Where downloaded parts go. */
  downloads: string;
  close(): Promise<void>;
}

export async function startTestBed(bucket: string): Promise<ExportTestBed> {
  const s3 = await startFixture();
  const store = new ObservedStore({
    endpoint: s3.endpoint,
    region: "us-east-1",
    credentials: TEST_KEY,
    forcePathStyle: true,
    maxAttempts: 1,
  });
  await store.createBucket(bucket);
  const work = await mkdtemp(join(tmpdir(), "openforecast-export-test-"));
  const scratch = join(work, "scratch");
  const downloads = join(work, "downloads");
  await mkdir(scratch);
  await mkdir(downloads);
  return {
    s3,
    store,
    scratch,
    downloads,
    async close() {
      store.close();
      await s3.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** Downloads an object and returns the local file. */
export async function download(bed: ExportTestBed, bucket: string, key: string): Promise<string> {
  const file = join(bed.downloads, key.replaceAll("/", "__"));
  await bed.store.downloadToFile(bucket, key, file);
  return file;
}

export const readText = (file: string): Promise<string> => readFile(file, "utf8");

/**
 * Rows of a local file as DuckDB reads it, in file order, values as JS (bigints for BIGINT). A CSV file is read
 * with the given column types (DuckDB would otherwise take timestamp-like text for timestamps).
 */
export async function readRows(
  file: string,
  format: "CSV" | "PARQUET",
  columns: readonly ExportColumn[] = [],
): Promise<unknown[][]> {
  const types = `{${columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(", ")}}`;
  const reader =
    format === "CSV"
      ? `read_csv(${sqlString(file)}, header = true, auto_detect = false, columns = ${types})`
      : `read_parquet(${sqlString(file)})`;
  return withConnection(undefined, async (connection) => {
    const result = await connection.runAndReadAll(`SELECT * FROM ${reader}`);
    return result.getRows() as unknown[][];
  });
}

/** Column names and DuckDB types of a Parquet file. */
export async function parquetColumns(file: string): Promise<[string, string][]> {
  return withConnection(undefined, async (connection) => {
    const result = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
    return result.getRowObjects().map((row) => [String(row.column_name), String(row.column_type)]);
  });
}

/** What is left in the scratch directory (the export's private directory must be gone). */
export const scratchLeft = (bed: ExportTestBed): Promise<string[]> => readdir(bed.scratch);
