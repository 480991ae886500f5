import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { type ExportColumn, ExportError, writeExportParts } from "../../src/export/index.js";
import {
  download,
  type ExportTestBed,
  parquetColumns,
  readRows,
  readText,
  scratchLeft,
  startTestBed,
} from "./export-fixture.js";

const BUCKET = "export-sql";
const BASE = "my_export_2024-01-02T03-04-05Z";
const COLUMNS: ExportColumn[] = [
  { name: "item_id", type: "VARCHAR" },
  { name: "timestamp", type: "VARCHAR" },
  { name: "demand", type: "DOUBLE" },
  { name: "count", type: "BIGINT" },
];
// 25 rows; row 3 has an id that needs quoting in CSV, row 4 a missing demand. INTEGER `i` is cast to BIGINT.
const SQL = `
  SELECT CASE WHEN i = 3 THEN 'a,"b"' ELSE 'item_' || lpad(i::VARCHAR, 2, '0') END,
         strftime(DATE '2020-01-01' + CAST(i AS INTEGER), '%Y-%m-%d 00:00:00'),
         CASE WHEN i = 4 THEN NULL ELSE i * 1.5 END,
         CAST(i AS INTEGER)
  FROM range(25) AS t(i) ORDER BY i -- a trailing comment must not break the wrapping
;`;

function expectedRow(i: number): unknown[] {
  const day = new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);
  return [
    i === 3 ? 'a,"b"' : `item_${String(i).padStart(2, "0")}`,
    `${day} 00:00:00`,
    i === 4 ? null : i * 1.5,
    BigInt(i),
  ];
}
const EXPECTED = Array.from({ length: 25 }, (_, i) => expectedRow(i));

describe("writeExportParts from a SQL source", () => {
  let bed: ExportTestBed;
  before(async () => {
    bed = await startTestBed(BUCKET);
  });
  after(() => bed.close());

  test("CSV in three parts: names, headers, rows, order", async () => {
    const result = await writeExportParts({
      store: bed.store,
      bucket: BUCKET,
      prefix: "exports/run1",
      baseName: BASE,
      format: "CSV",
      columns: COLUMNS,
      source: { kind: "sql", sql: SQL },
      maxRowsPerPart: 10,
      scratchDir: bed.scratch,
    });
    const keys = [0, 1, 2].map((n) => `exports/run1/${BASE}_part${n}.csv`);
    assert.deepEqual(result.keys, keys);
    assert.equal(result.rows, 25);
    const listed = await bed.store.listObjects(BUCKET, "exports/run1/");
    assert.deepEqual(
      listed.map((o) => o.key),
      keys,
    );
    assert.equal(
      result.bytes,
      listed.reduce((sum, o) => sum + o.size, 0),
    );

    const files = await Promise.all(keys.map((key) => download(bed, BUCKET, key)));
    const texts = await Promise.all(files.map(readText));
    for (const text of texts) assert.equal(text.split("\n")[0], "item_id,timestamp,demand,count");
    // Quoting as CSV needs it, a missing value as an empty field, a whole double with its ".0".
    assert.match(texts[0] as string, /\n"a,""b""",2020-01-04 00:00:00,4\.5,3\n/);
    assert.match(texts[0] as string, /\nitem_04,2020-01-05 00:00:00,,4\n/);
    assert.match(texts[0] as string, /\nitem_02,2020-01-03 00:00:00,3\.0,2\n/);

    const parts = [];
    for (const file of files) parts.push(await readRows(file, "CSV", COLUMNS));
    assert.deepEqual(
      parts.map((rows) => rows.length),
      [10, 10, 5],
    );
    assert.deepEqual(parts.flat(), EXPECTED);
    assert.deepEqual(await scratchLeft(bed), []);
  });

  test("Parquet parts carry the declared column types", async () => {
    const result = await writeExportParts({
      store: bed.store,
      bucket: BUCKET,
      prefix: "typed/",
      baseName: BASE,
      format: "PARQUET",
      columns: COLUMNS,
      source: { kind: "sql", sql: SQL },
      maxRowsPerPart: 10,
      scratchDir: bed.scratch,
    });
    assert.deepEqual(
      result.keys,
      [0, 1, 2].map((n) => `typed/${BASE}_part${n}.parquet`),
    );
    const rows: unknown[][] = [];
    for (const key of result.keys) {
      const file = await download(bed, BUCKET, key);
      assert.deepEqual(await parquetColumns(file), [
        ["item_id", "VARCHAR"],
        ["timestamp", "VARCHAR"],
        ["demand", "DOUBLE"],
        ["count", "BIGINT"],
      ]);
      rows.push(...(await readRows(file, "PARQUET")));
    }
    assert.deepEqual(rows, EXPECTED);
    const head = await bed.store.headObject(BUCKET, result.keys[0] as string);
    assert.equal(head.contentType, "application/vnd.apache.parquet");
  });

  test("keeps the query's order within and across parts", async () => {
    // Large enough for several threads and row groups; descending, so that file order is not the natural one.
    const rowsTotal = 300_000;
    const result = await writeExportParts({
      store: bed.store,
      bucket: BUCKET,
      prefix: "ordered",
      baseName: BASE,
      format: "PARQUET",
      columns: [
        { name: "n", type: "BIGINT" },
        { name: "label", type: "VARCHAR" },
      ],
      source: { kind: "sql", sql: `SELECT i, 'x' || i FROM range(${rowsTotal}) t(i) ORDER BY i DESC` },
      maxRowsPerPart: 120_000,
      scratchDir: bed.scratch,
    });
    assert.equal(result.rows, rowsTotal);
    assert.equal(result.keys.length, 3);
    let next = BigInt(rowsTotal - 1);
    for (const key of result.keys) {
      const rows = await readRows(await download(bed, BUCKET, key), "PARQUET");
      for (const [n, label] of rows) {
        assert.equal(n, next);
        assert.equal(label, `x${next}`);
        next -= 1n;
      }
    }
    assert.equal(next, -1n);
  });

  test("an empty result is one part with the header only (CSV) or the schema only (Parquet)", async () => {
    const csv = await writeExportParts({
      store: bed.store,
      bucket: BUCKET,
      prefix: "",
      baseName: "empty",
      format: "CSV",
      columns: COLUMNS,
      source: { kind: "sql", sql: "SELECT 'a', 'b', 1.0, 1 WHERE false" },
      scratchDir: bed.scratch,
    });
    assert.deepEqual(csv, { keys: ["empty_part0.csv"], rows: 0, bytes: 31 });
    assert.equal(
      await readText(await download(bed, BUCKET, "empty_part0.csv")),
      "item_id,timestamp,demand,count\n",
    );

    const parquet = await writeExportParts({
      store: bed.store,
      bucket: BUCKET,
      prefix: "",
      baseName: "empty",
      format: "PARQUET",
      columns: COLUMNS,
      source: { kind: "sql", sql: "SELECT 'a', 'b', 1.0, 1 WHERE false" },
      scratchDir: bed.scratch,
    });
    assert.deepEqual(parquet.keys, ["empty_part0.parquet"]);
    const file = await download(bed, BUCKET, "empty_part0.parquet");
    assert.equal((await readRows(file, "PARQUET")).length, 0);
    assert.equal((await parquetColumns(file)).length, 4);
    assert.equal((await stat(file)).size, parquet.bytes);
  });

  test("a query with the wrong number of columns fails before writing anything", async () => {
    await assert.rejects(
      writeExportParts({
        store: bed.store,
        bucket: BUCKET,
        prefix: "wrong",
        baseName: BASE,
        format: "CSV",
        columns: COLUMNS,
        source: { kind: "sql", sql: "SELECT 1 AS a, 2 AS b" },
        scratchDir: bed.scratch,
      }),
      (error: unknown) => {
        assert.ok(error instanceof ExportError);
        assert.equal(
          error.message,
          `The export "${BASE}" to s3://${BUCKET}/wrong/ failed: The export query yields 2 columns (a, b), but the export has 4`,
        );
        return true;
      },
    );
    assert.deepEqual(await bed.store.listObjects(BUCKET, "wrong/"), []);
    assert.deepEqual(await scratchLeft(bed), []);
  });

  test("a query DuckDB refuses becomes an ExportError with DuckDB's first line", async () => {
    await assert.rejects(
      writeExportParts({
        store: bed.store,
        bucket: BUCKET,
        prefix: "broken",
        baseName: BASE,
        format: "PARQUET",
        columns: [{ name: "x", type: "DOUBLE" }],
        source: { kind: "sql", sql: "SELECT 'not a number'" },
        scratchDir: bed.scratch,
      }),
      (error: unknown) => {
        assert.ok(error instanceof ExportError);
        assert.match(error.message, /failed: Conversion Error: .*not a number/);
        return true;
      },
    );
    assert.deepEqual(await bed.store.listObjects(BUCKET, "broken/"), []);
  });
});
