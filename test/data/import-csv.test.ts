import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { withConnection } from "../../src/data/duckdb.js";
import { ImportError } from "../../src/data/import-error.js";
import { importFiles } from "../../src/data/import-files.js";
import { queryDataset } from "../../src/data/read-dataset.js";
import { sqlString } from "../../src/data/sql.js";
import { listDir, scratchDir, TARGET_SCHEMA, writeText } from "./helpers.js";

const dir = await scratchDir();
let counter = 0;

/** Imports CSV text as a target time series into a fresh output directory. */
async function importCsv(texts: string[], extra: { labels?: string[] } = {}) {
  const outDir = path.join(dir, `out-${++counter}`);
  await mkdir(outDir);
  const files = await Promise.all(texts.map((t, i) => writeText(dir, `in-${counter}-${i}.csv`, t)));
  const output = path.join(outDir, "dataset.parquet");
  const result = await importFiles({
    files,
    format: "CSV",
    schema: TARGET_SCHEMA,
    datasetType: "TARGET_TIME_SERIES",
    output,
    ...(extra.labels ? { fileLabels: extra.labels } : {}),
  });
  return { result, output, outDir, files };
}

const rowsOf = (output: string) =>
  queryDataset(
    output,
    "SELECT item_id, CAST(timestamp AS VARCHAR) AS ts, demand FROM dataset ORDER BY item_id, ts",
  );

const EXPECTED = [
  { item_id: "a", ts: "2021-01-01 00:00:00", demand: 1.5 },
  { item_id: "a", ts: "2021-01-02 00:00:00", demand: 2 },
  { item_id: "b", ts: "2021-01-01 00:00:00", demand: 3 },
];
const DATA = "a,2021-01-01 00:00:00,1.5\na,2021-01-02 00:00:00,2\nb,2021-01-01 00:00:00,3\n";

async function importFailure(texts: string[], labels?: string[]): Promise<ImportError> {
  try {
    await importCsv(texts, labels ? { labels } : {});
  } catch (error) {
    assert.ok(error instanceof ImportError, `expected ImportError, got ${error}`);
    return error;
  }
  assert.fail("the import should have failed");
}

describe("CSV import", () => {
  test("reads a file without a header row", async () => {
    const { result, output } = await importCsv([DATA]);
    assert.equal(result.rowCount, 3);
    assert.deepEqual(await rowsOf(output), EXPECTED);
  });

  test("skips a header row naming the attributes, in any letter case", async () => {
    const { result, output } = await importCsv([`Item_ID,TIMESTAMP,demand\n${DATA}`]);
    assert.equal(result.rowCount, 3);
    assert.deepEqual(await rowsOf(output), EXPECTED);
  });

  test("skips a header row with other names when its typed fields are not values", async () => {
    const { result, output } = await importCsv([`item,date,sales\n${DATA}`]);
    assert.equal(result.rowCount, 3);
    assert.deepEqual(await rowsOf(output), EXPECTED);
  });

  test("files with and without header are read together, with CRLF line ends and a UTF-8 BOM", async () => {
    const withHeader = `\uFEFFitem_id,timestamp,demand\r\na,2021-01-01 00:00:00,1.5\r\na,2021-01-02 00:00:00,2\r\n`;
    const { result, output } = await importCsv([withHeader, "b,2021-01-01 00:00:00,3"]);
    assert.equal(result.rowCount, 3);
    assert.deepEqual(await rowsOf(output), EXPECTED);
  });

  test("dates without a time of day are accepted by the default format", async () => {
    const { output } = await importCsv(["a,2021-01-01,1.5\na,2021-01-02 00:00:00,2\nb,2021-01-01,3\n"]);
    assert.deepEqual(await rowsOf(output), EXPECTED);
  });

  test("empty target values are kept as missing; NaN is kept as NaN", async () => {
    const { output } = await importCsv(["a,2021-01-01 00:00:00,\na,2021-01-02 00:00:00,NaN\n"]);
    const rows = await queryDataset(output, "SELECT demand FROM dataset ORDER BY timestamp");
    assert.equal(rows[0]?.demand, null);
    assert.ok(Number.isNaN(rows[1]?.demand));
  });

  test("a header naming the attributes in another order fails", async () => {
    const error = await importFailure([`timestamp,item_id,demand\n${DATA}`], ["s3://bucket/h.csv"]);
    assert.equal(error.failure, "HEADER_ORDER");
    assert.match(error.message, /s3:\/\/bucket\/h\.csv/);
    assert.match(error.message, /item_id, timestamp, demand/);
  });

  test("a row with too many columns fails, naming file and row as the user counts lines", async () => {
    const text = `item_id,timestamp,demand\n${DATA}\nb,2021-01-02 00:00:00,4,extra\n`;
    const error = await importFailure([text], ["s3://bucket/wide.csv"]);
    assert.equal(error.failure, "COLUMN_COUNT");
    assert.equal(
      error.message,
      "s3://bucket/wide.csv, row 6 has 4 columns, but the dataset schema has 3: item_id, timestamp, demand",
    );
  });

  test("a row with too few columns fails", async () => {
    const error = await importFailure([`${DATA}b,2021-01-02 00:00:00\n`], ["f.csv"]);
    assert.equal(error.failure, "COLUMN_COUNT");
    assert.deepEqual(error.location, { file: "f.csv", row: 4 });
  });

  test("a missing item_id fails with the row and column", async () => {
    const error = await importFailure([`${DATA},2021-01-03 00:00:00,5\n`], ["s3://b/m.csv"]);
    assert.equal(error.failure, "VALUE_MISSING");
    assert.equal(error.message, "Missing value in s3://b/m.csv, row 4, column item_id");
  });

  test("an infinite value fails like any other bad float", async () => {
    const error = await importFailure([`${DATA}b,2021-01-02 00:00:00,inf\n`], ["s3://b/i.csv"]);
    assert.equal(error.message, 'Value "inf" in s3://b/i.csv, row 4, column demand is not a valid float');
  });

  test("a timestamp in another shape fails, naming the expected format", async () => {
    const error = await importFailure([`${DATA}b,2021-01-02T00:00:00,4\n`], ["s3://b/t.csv"]);
    assert.equal(
      error.message,
      'Value "2021-01-02T00:00:00" in s3://b/t.csv, row 4, column timestamp is not a valid timestamp for the format yyyy-MM-dd HH:mm:ss',
    );
  });

  test("an empty file fails", async () => {
    const error = await importFailure([""], ["s3://b/empty.csv"]);
    assert.equal(error.failure, "EMPTY");
    assert.equal(error.message, "s3://b/empty.csv is empty");
  });

  test("a file with only a header row fails for lack of rows", async () => {
    const error = await importFailure(["item_id,timestamp,demand\n"], ["s3://b/h.csv"]);
    assert.equal(error.failure, "EMPTY");
    assert.equal(error.message, "No data rows were found in s3://b/h.csv");
  });

  test("an unterminated quote fails as invalid CSV with its row", async () => {
    const error = await importFailure([`${DATA}"b,2021-01-02 00:00:00,4\n`], ["q.csv"]);
    assert.equal(error.failure, "CSV_SYNTAX");
    assert.equal(error.location.row, 4);
  });

  test("a failed import leaves neither the output nor temporary files", async () => {
    const outDir = path.join(dir, "failing");
    await mkdir(outDir);
    const file = await writeText(dir, "bad.csv", `${DATA}b,2021-01-02 00:00:00,x\n`);
    await assert.rejects(
      importFiles({
        files: [file],
        format: "CSV",
        schema: TARGET_SCHEMA,
        datasetType: "TARGET_TIME_SERIES",
        output: path.join(outDir, "dataset.parquet"),
      }),
      ImportError,
    );
    assert.deepEqual(await listDir(outDir), []);
  });

  test("an aborted import rejects with the abort reason and leaves nothing", async () => {
    const outDir = path.join(dir, "aborted");
    await mkdir(outDir);
    const file = await writeText(dir, "ok.csv", DATA);
    const controller = new AbortController();
    controller.abort(new Error("stopped by the user"));
    await assert.rejects(
      importFiles({
        files: [file],
        format: "CSV",
        schema: TARGET_SCHEMA,
        datasetType: "TARGET_TIME_SERIES",
        output: path.join(outDir, "dataset.parquet"),
        signal: controller.signal,
      }),
      /stopped by the user/,
    );
    assert.deepEqual(await listDir(outDir), []);
  });

  test("an import aborted while DuckDB works rejects with the abort reason and leaves nothing", async () => {
    const outDir = path.join(dir, "interrupted");
    await mkdir(outDir);
    const big = path.join(dir, "big.csv");
    await withConnection(undefined, (c) =>
      c.run(
        `COPY (SELECT 'item_' || (i % 1000) AS item_id, TIMESTAMP '2020-01-01' + INTERVAL (i // 1000) DAY AS timestamp, i * 0.5 AS demand FROM range(2000000) t(i)) TO ${sqlString(big)} (HEADER false)`,
      ),
    );
    const controller = new AbortController();
    const running = importFiles({
      files: [big],
      format: "CSV",
      schema: TARGET_SCHEMA,
      datasetType: "TARGET_TIME_SERIES",
      output: path.join(outDir, "dataset.parquet"),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("stopped midway")), 50);
    await assert.rejects(running, /stopped midway/);
    assert.deepEqual(await listDir(outDir), []);
  });

  test("dataSizeBytes is the sum of the input sizes", async () => {
    const { result } = await importCsv([DATA, DATA]);
    assert.equal(result.dataSizeBytes, 2 * Buffer.byteLength(DATA));
    assert.equal(result.rowCount, 6);
  });
});
