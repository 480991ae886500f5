import assert from "node:assert/strict";
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

const BUCKET = "export-rows";
const COLUMNS: ExportColumn[] = [
  { name: "item_id", type: "VARCHAR" },
  { name: "timestamp", type: "VARCHAR" },
  { name: "p50", type: "DOUBLE" },
  { name: "n", type: "BIGINT" },
];

/** Rows 0..count-1 in batches of `size`; `finished` tells whether the generator was closed. */
function batchesOf(rows: unknown[][], size: number, state = { finished: false }): AsyncIterable<unknown[][]> {
  return (async function* () {
    try {
      for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
    } finally {
      state.finished = true;
    }
  })();
}

/** A row as given (BIGINT as number or bigint, missing as null or undefined) and as read back. */
function givenRow(i: number): unknown[] {
  return [
    `item_${i}`,
    `2020-01-01T${String(i % 24).padStart(2, "0")}:00:00`,
    i % 5 === 4 ? undefined : i / 4,
    i % 2 === 0 ? i : BigInt(i),
  ];
}
function readBack(i: number): unknown[] {
  return [
    `item_${i}`,
    `2020-01-01T${String(i % 24).padStart(2, "0")}:00:00`,
    i % 5 === 4 ? null : i / 4,
    BigInt(i),
  ];
}
const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

describe("writeExportParts from JS row batches", () => {
  let bed: ExportTestBed;
  before(async () => {
    bed = await startTestBed(BUCKET);
  });
  after(() => bed.close());

  test("CSV parts of at most maxRowsPerPart rows, batches not aligned with parts", async () => {
    const result = await writeExportParts({
      store: bed.store,
      bucket: BUCKET,
      prefix: "csv",
      baseName: "rows_2024-01-02T03-04-05Z",
      format: "CSV",
      columns: COLUMNS,
      source: { kind: "rows", batches: batchesOf(range(23).map(givenRow), 7) },
      maxRowsPerPart: 10,
      scratchDir: bed.scratch,
    });
    assert.equal(result.rows, 23);
    assert.deepEqual(
      result.keys,
      [0, 1, 2].map((n) => `csv/rows_2024-01-02T03-04-05Z_part${n}.csv`),
    );
    const parts = [];
    for (const key of result.keys) {
      const file = await download(bed, BUCKET, key);
      assert.equal((await readText(file)).split("\n")[0], "item_id,timestamp,p50,n");
      parts.push(await readRows(file, "CSV", COLUMNS));
    }
    assert.deepEqual(
      parts.map((rows) => rows.length),
      [10, 10, 3],
    );
    assert.deepEqual(parts.flat(), range(23).map(readBack));
    assert.deepEqual(await scratchLeft(bed), []);
  });

  test("Parquet parts across DuckDB chunk boundaries (2048 rows), exactly full last part", async () => {
    const count = 9000;
    const result = await writeExportParts({
      store: bed.store,
      bucket: BUCKET,
      prefix: "parquet/",
      baseName: "rows",
      format: "PARQUET",
      columns: COLUMNS,
      source: { kind: "rows", batches: batchesOf(range(count).map(givenRow), 1000) },
      maxRowsPerPart: 3000,
      scratchDir: bed.scratch,
    });
    assert.equal(result.keys.length, 3);
    const rows: unknown[][] = [];
    for (const key of result.keys) {
      const file = await download(bed, BUCKET, key);
      assert.deepEqual(await parquetColumns(file), [
        ["item_id", "VARCHAR"],
        ["timestamp", "VARCHAR"],
        ["p50", "DOUBLE"],
        ["n", "BIGINT"],
      ]);
      const part = await readRows(file, "PARQUET");
      assert.equal(part.length, 3000);
      rows.push(...part);
    }
    assert.deepEqual(rows, range(count).map(readBack));
  });

  test("a part larger than one staged segment (100,000 rows) keeps every row in order", async () => {
    const count = 230_000;
    const columns: ExportColumn[] = [
      { name: "n", type: "BIGINT" },
      { name: "x", type: "DOUBLE" },
    ];
    const rows = range(count).map((i) => [i, i / 8]);
    const result = await writeExportParts({
      store: bed.store,
      bucket: BUCKET,
      prefix: "segments",
      baseName: "rows",
      format: "PARQUET",
      columns,
      source: { kind: "rows", batches: batchesOf(rows, 3_000) },
      maxRowsPerPart: 200_000,
      scratchDir: bed.scratch,
    });
    assert.equal(result.rows, count);
    assert.equal(result.keys.length, 2);
    let next = 0;
    for (const [index, key] of result.keys.entries()) {
      const part = await readRows(await download(bed, BUCKET, key), "PARQUET");
      assert.equal(part.length, index === 0 ? 200_000 : 30_000);
      for (const [n, x] of part) {
        assert.equal(n, BigInt(next));
        assert.equal(x, next / 8);
        next += 1;
      }
    }
    assert.deepEqual(await scratchLeft(bed), []);
  });

  test("no batches at all: one part with the header only", async () => {
    const result = await writeExportParts({
      store: bed.store,
      bucket: BUCKET,
      prefix: "none",
      baseName: "rows",
      format: "CSV",
      columns: COLUMNS,
      source: { kind: "rows", batches: batchesOf([], 10) },
      scratchDir: bed.scratch,
    });
    assert.deepEqual(result.keys, ["none/rows_part0.csv"]);
    assert.equal(result.rows, 0);
    assert.equal(
      await readText(await download(bed, BUCKET, "none/rows_part0.csv")),
      "item_id,timestamp,p50,n\n",
    );
  });

  test("a value of the wrong type fails the export, naming row and column, and removes the parts written", async () => {
    bed.store.resetObservers();
    const state = { finished: false };
    // Part 0 (rows 1-10) is in the bucket before the batch with the bad row 15 comes.
    const batches = (async function* () {
      try {
        yield range(10).map(givenRow);
        while (bed.store.uploadsDone < 1) await new Promise((resolve) => setTimeout(resolve, 5));
        const rows = range(10).map((i) => givenRow(10 + i));
        rows[4] = ["item_14", "2020-01-01T14:00:00", "abc", 14];
        yield rows;
        yield range(10).map((i) => givenRow(20 + i));
      } finally {
        state.finished = true;
      }
    })();
    await assert.rejects(
      writeExportParts({
        store: bed.store,
        bucket: BUCKET,
        prefix: "bad",
        baseName: "rows",
        format: "CSV",
        columns: COLUMNS,
        source: { kind: "rows", batches },
        maxRowsPerPart: 10,
        scratchDir: bed.scratch,
      }),
      (error: unknown) => {
        assert.ok(error instanceof ExportError);
        assert.equal(
          error.message,
          'The export "rows" to s3://export-rows/bad/ failed: Export row 15, column "p50" (DOUBLE): expected a number, got "abc"',
        );
        return true;
      },
    );
    assert.equal(bed.store.uploadsDone, 1);
    assert.deepEqual(await bed.store.listObjects(BUCKET, "bad/"), []);
    assert.equal(state.finished, true);
    assert.deepEqual(await scratchLeft(bed), []);
  });

  test("rows of the wrong width and values out of range are refused", async () => {
    const cases: [unknown[], RegExp][] = [
      [["a", "b", 1], /Export row 1 should have 4 values, one per column, but has 3 values/],
      [["a", "b", 1, 2 ** 53], /column "n" \(BIGINT\): expected an integer/],
      [["a", "b", 1, 2n ** 63n], /column "n" \(BIGINT\): expected an integer .* got 9223372036854775808n/],
      [[1, "b", 1, 2], /column "item_id" \(VARCHAR\): expected a string, got number 1/],
    ];
    for (const [row, message] of cases) {
      await assert.rejects(
        writeExportParts({
          store: bed.store,
          bucket: BUCKET,
          prefix: "refused",
          baseName: "rows",
          format: "PARQUET",
          columns: COLUMNS,
          source: { kind: "rows", batches: batchesOf([row], 1) },
          scratchDir: bed.scratch,
        }),
        message,
      );
    }
    assert.deepEqual(await bed.store.listObjects(BUCKET, "refused/"), []);
  });
});
