import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { withConnection } from "../../src/data/duckdb.js";
import { ImportError } from "../../src/data/import-error.js";
import { importFiles } from "../../src/data/import-files.js";
import { describeDataset, queryDataset } from "../../src/data/read-dataset.js";
import type { SchemaAttribute } from "../../src/data/schema.js";
import { sqlString } from "../../src/data/sql.js";
import { scratchDir } from "./helpers.js";

const dir = await scratchDir();

/** Writes the rows of a SELECT to a Parquet file, as a user's tool would. */
async function parquetOf(name: string, select: string): Promise<string> {
  const file = path.join(dir, name);
  await withConnection(undefined, (c) => c.run(`COPY (${select}) TO ${sqlString(file)} (FORMAT parquet)`));
  return file;
}

const SCHEMA: SchemaAttribute[] = [
  { AttributeName: "item_id", AttributeType: "string" },
  { AttributeName: "timestamp", AttributeType: "timestamp" },
  { AttributeName: "price", AttributeType: "float" },
  { AttributeName: "units", AttributeType: "integer" },
];

const importParquet = (files: string[], output: string, schema = SCHEMA) =>
  importFiles({ files, format: "PARQUET", schema, datasetType: "RELATED_TIME_SERIES", output });

describe("Parquet import", () => {
  test("columns are matched by name in any order and case, and converted to the schema's types", async () => {
    // Units as DOUBLE holding whole numbers, timestamps as DATE, ids as integers: all convertible.
    const file = await parquetOf(
      "typed.parquet",
      "SELECT * FROM (VALUES (2.0, DATE '2021-03-01', 7, 1.25), (3.0, DATE '2021-03-02', 8, NULL)) AS t(UNITS, timestamp, Item_Id, price)",
    );
    const output = path.join(dir, "typed-out.parquet");
    const result = await importParquet([file], output);
    assert.equal(result.rowCount, 2);
    const description = await describeDataset(output);
    assert.deepEqual(description.columns, [
      { name: "item_id", type: "VARCHAR" },
      { name: "timestamp", type: "TIMESTAMP" },
      { name: "price", type: "DOUBLE" },
      { name: "units", type: "BIGINT" },
    ]);
    const rows = await queryDataset(
      output,
      "SELECT item_id, CAST(timestamp AS VARCHAR) AS ts, price, CAST(units AS INTEGER) AS units FROM dataset ORDER BY ts",
    );
    assert.deepEqual(rows, [
      { item_id: "7", ts: "2021-03-01 00:00:00", price: 1.25, units: 2 },
      { item_id: "8", ts: "2021-03-02 00:00:00", price: null, units: 3 },
    ]);
  });

  test("text timestamps are parsed with the import's format", async () => {
    const file = await parquetOf(
      "text.parquet",
      "SELECT 'a' AS item_id, '2021-03-01 10:00:00' AS timestamp, '1.5' AS price, '4' AS units",
    );
    const output = path.join(dir, "text-out.parquet");
    await importParquet([file], output);
    const rows = await queryDataset(output, "SELECT CAST(timestamp AS VARCHAR) AS ts, price FROM dataset");
    assert.deepEqual(rows, [{ ts: "2021-03-01 10:00:00", price: 1.5 }]);
  });

  test("a value that does not fit is reported with file, row and column", async () => {
    const good = await parquetOf(
      "good.parquet",
      "SELECT 'a' AS item_id, TIMESTAMP '2021-01-01' + INTERVAL (i) DAY AS timestamp, 1.0 AS price, 1.0 AS units FROM range(10) t(i)",
    );
    const bad = await parquetOf(
      "bad.parquet",
      "SELECT 'a' AS item_id, TIMESTAMP '2022-01-01' + INTERVAL (i) DAY AS timestamp, 1.0 AS price, CASE WHEN i = 41 THEN 2.5 ELSE 1.0 END AS units FROM range(100) t(i)",
    );
    const output = path.join(dir, "bad-out.parquet");
    const error = await importFiles({
      files: [good, bad],
      fileLabels: ["s3://b/good.parquet", "s3://b/bad.parquet"],
      format: "PARQUET",
      schema: SCHEMA,
      datasetType: "RELATED_TIME_SERIES",
      output,
    }).catch((e: unknown) => e);
    assert.ok(error instanceof ImportError);
    assert.equal(
      error.message,
      'Value "2.5" in s3://b/bad.parquet, row 42, column units is not a valid integer',
    );
  });

  test("a missing or extra column fails, naming the file", async () => {
    const file = await parquetOf(
      "cols.parquet",
      "SELECT 'a' AS item_id, TIMESTAMP '2021-01-01' AS timestamp, 1 AS other",
    );
    const error = await importParquet([file], path.join(dir, "cols-out.parquet")).catch((e: unknown) => e);
    assert.ok(error instanceof ImportError);
    assert.equal(error.failure, "COLUMNS_MISMATCH");
    assert.match(error.message, /lacks price, units and has columns not in the dataset schema: other/);
  });

  test("a file that is not Parquet fails as unreadable", async () => {
    const file = path.join(dir, "not.parquet");
    await writeFile(file, "item_id,timestamp\n");
    const error = await importParquet([file], path.join(dir, "not-out.parquet")).catch((e: unknown) => e);
    assert.ok(error instanceof ImportError);
    assert.equal(error.failure, "FILE_UNREADABLE");
  });
});
