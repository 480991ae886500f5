import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { importFiles } from "../../src/data/import-files.js";
import { describeDataset, queryDataset, queryDatasetColumns } from "../../src/data/read-dataset.js";
import { scratchDir, TARGET_SCHEMA, writeText } from "./helpers.js";

const dir = await scratchDir();
const output = path.join(dir, "sales.parquet");
await importFiles({
  files: [
    await writeText(dir, "sales.csv", "a,2021-01-01,1\nb,2021-01-01,5\na,2021-01-02,2\nb,2021-01-02,6\n"),
  ],
  format: "CSV",
  schema: TARGET_SCHEMA,
  datasetType: "TARGET_TIME_SERIES",
  dataFrequency: "D",
  output,
});

describe("reading a canonical dataset back", () => {
  test("rows of a query with parameters; timestamps come as Dates", async () => {
    const rows = await queryDataset(
      output,
      "SELECT timestamp, demand FROM dataset WHERE item_id = $1 ORDER BY 1",
      ["b"],
    );
    assert.deepEqual(rows, [
      { timestamp: new Date(Date.UTC(2021, 0, 1)), demand: 5 },
      { timestamp: new Date(Date.UTC(2021, 0, 2)), demand: 6 },
    ]);
  });

  test("columns of a query, as numeric code wants them", async () => {
    const columns = await queryDatasetColumns(
      output,
      "SELECT item_id, sum(demand) AS total FROM dataset GROUP BY item_id ORDER BY item_id",
    );
    assert.deepEqual(columns, { item_id: ["a", "b"], total: [3, 11] });
  });

  test("description: rows, columns and the import's metadata", async () => {
    const description = await describeDataset(output);
    assert.equal(description.rowCount, 4);
    assert.deepEqual(
      description.columns.map((c) => c.type),
      ["VARCHAR", "TIMESTAMP", "DOUBLE"],
    );
    assert.deepEqual(description.metadata, {
      datasetType: "TARGET_TIME_SERIES",
      schema: TARGET_SCHEMA,
      timestampFormat: "yyyy-MM-dd HH:mm:ss",
    });
  });
});
