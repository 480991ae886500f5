import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { ImportError } from "../../src/data/import-error.js";
import { importFiles } from "../../src/data/import-files.js";
import { queryDataset } from "../../src/data/read-dataset.js";
import { scratchDir, TARGET_SCHEMA, writeText } from "./helpers.js";

const dir = await scratchDir();
const output = path.join(dir, "datasets", "sales.parquet");

const load = async (name: string, text: string, previous?: string) =>
  importFiles({
    files: [await writeText(dir, name, text)],
    format: "CSV",
    schema: TARGET_SCHEMA,
    datasetType: "TARGET_TIME_SERIES",
    output,
    ...(previous === undefined ? {} : { previous }),
  });

const demands = async () =>
  (await queryDataset(output, "SELECT demand FROM dataset ORDER BY timestamp, item_id")).map((r) => r.demand);

describe("FULL and INCREMENTAL imports", () => {
  test("FULL writes the new rows only; INCREMENTAL appends them to the previous rows", async () => {
    const first = await load("jan.csv", "a,2021-01-01 00:00:00,1\nb,2021-01-01 00:00:00,2\n");
    assert.equal(first.totalRowCount, 2);
    assert.deepEqual(await demands(), [1, 2]);

    const appended = await load("feb.csv", "a,2021-02-01 00:00:00,3\n", output);
    assert.equal(appended.rowCount, 1);
    assert.equal(appended.totalRowCount, 3);
    // Statistics describe the imported rows, not the ones kept from before.
    assert.equal(appended.fieldStatistics.demand?.Count, 1);
    assert.deepEqual(await demands(), [1, 2, 3]);

    const replaced = await load("mar.csv", "c,2021-03-01 00:00:00,9\n");
    assert.equal(replaced.totalRowCount, 1);
    assert.deepEqual(await demands(), [9]);
  });

  test("a failed INCREMENTAL import leaves the previous data as it was", async () => {
    await load("base.csv", "a,2021-01-01 00:00:00,1\n");
    const before = await stat(output);
    await assert.rejects(load("broken.csv", "a,2021-01-02 00:00:00,zero\n", output), ImportError);
    assert.deepEqual(await demands(), [1]);
    assert.equal((await stat(output)).mtimeMs, before.mtimeMs);
  });

  test("previous data of another schema is refused", async () => {
    const other = path.join(dir, "other.parquet");
    await importFiles({
      files: [await writeText(dir, "other.csv", "a,1\n")],
      format: "CSV",
      schema: [
        { AttributeName: "item_id", AttributeType: "string" },
        { AttributeName: "demand", AttributeType: "float" },
      ],
      datasetType: "ITEM_METADATA",
      output: other,
    });
    const error = await load("more.csv", "a,2021-01-02 00:00:00,2\n", other).catch((e: unknown) => e);
    assert.ok(error instanceof ImportError);
    assert.equal(error.failure, "PREVIOUS_MISMATCH");
  });
});
