import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { javaDoubleString, putCount, type Statistics } from "../../src/data/field-statistics.js";
import { importFiles } from "../../src/data/import-files.js";
import { scratchDir, writeText } from "./helpers.js";

const dir = await scratchDir();

describe("FieldStatistics", () => {
  test("known values on a tiny dataset", async () => {
    const text = [
      "a,2021-01-01 00:00:00,1.5,10",
      "a,2021-01-02 00:00:00,,20",
      "b,2021-01-01 00:00:00,NaN,",
      "c,2021-01-03 12:00:00,4.5,30",
    ].join("\n");
    const result = await importFiles({
      files: [await writeText(dir, "tiny.csv", text)],
      format: "CSV",
      schema: [
        { AttributeName: "item_id", AttributeType: "string" },
        { AttributeName: "timestamp", AttributeType: "timestamp" },
        { AttributeName: "demand", AttributeType: "float" },
        { AttributeName: "qty", AttributeType: "integer" },
      ],
      datasetType: "TARGET_TIME_SERIES",
      output: path.join(dir, "tiny.parquet"),
    });
    assert.deepEqual(result.fieldStatistics, {
      item_id: { Count: 4, CountDistinct: 3, CountNull: 0 },
      timestamp: {
        Count: 4,
        CountDistinct: 3,
        CountNull: 0,
        Min: "2021-01-01T00:00:00Z",
        Max: "2021-01-03T12:00:00Z",
      },
      // NaN is a distinct value and counted apart; it stays out of Min, Max, Avg and Stddev.
      demand: {
        Count: 4,
        CountDistinct: 3,
        CountNull: 1,
        CountNan: 1,
        Min: "1.5",
        Max: "4.5",
        Avg: 3,
        Stddev: 1.5,
      },
      qty: {
        Count: 4,
        CountDistinct: 3,
        CountNull: 1,
        CountNan: 0,
        Min: "10",
        Max: "30",
        Avg: 20,
        Stddev: Math.sqrt(200 / 3),
      },
    });
  });

  test("numbers are written as Java's Double.toString writes them", () => {
    assert.equal(javaDoubleString(0), "0.0");
    assert.equal(javaDoubleString(168200), "168200.0");
    assert.equal(javaDoubleString(-2.5), "-2.5");
    assert.equal(javaDoubleString(0.001), "0.001");
    assert.equal(javaDoubleString(1e7), "1.0E7");
    assert.equal(javaDoubleString(123456789.5), "1.234567895E8");
    assert.equal(javaDoubleString(1.5e-5), "1.5E-5");
  });

  test("counts past the API's Integer range go to the Long members", () => {
    const stats: Statistics = {};
    putCount(stats, "Count", 3_000_000_000);
    putCount(stats, "CountNull", 2_147_483_647);
    assert.deepEqual(stats, { Count: -1, CountLong: 3_000_000_000, CountNull: 2_147_483_647 });
  });
});
