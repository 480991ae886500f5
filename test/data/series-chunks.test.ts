import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DuckDBDataChunk } from "@duckdb/node-api";
import { withConnection } from "../../src/data/duckdb.js";
import { CellWriter } from "../../src/data/series-cells.js";
import { doubles, forEachChunk, integers } from "../../src/data/series-chunks.js";

describe("reading chunks", () => {
  test("columns come out whole, across chunks, as typed arrays", async () => {
    const ids: number[] = [];
    const values: number[] = [];
    await withConnection(undefined, (connection) =>
      forEachChunk(
        connection,
        "SELECT CAST(i AS INTEGER) AS id, CASE WHEN i % 3 = 0 THEN CAST('NaN' AS DOUBLE) ELSE i / 2 END AS v FROM range(5000) AS r(i)",
        undefined,
        (chunk) => {
          const id = integers(chunk, 0);
          const v = doubles(chunk, 1);
          assert.ok(id instanceof Int32Array && v instanceof Float64Array);
          ids.push(...id);
          values.push(...v);
        },
      ),
    );
    assert.equal(ids.length, 5000);
    assert.deepEqual(ids.slice(0, 3), [0, 1, 2]);
    assert.equal(ids[4999], 4999);
    assert.deepEqual(values.slice(0, 4), [Number.NaN, 0.5, 1, Number.NaN]);
    assert.equal(values[4999], 2499.5);
  });

  test("a vector without an accessible buffer is copied value by value", () => {
    const stub = {
      rowCount: 3,
      getColumnVector: () => ({ getItem: (i: number) => [7, null, 9][i] }),
    } as unknown as DuckDBDataChunk;
    assert.deepEqual([...doubles(stub, 0)], [7, Number.NaN, 9]);
    assert.deepEqual([...integers(stub, 0)], [7, 0, 9]);
  });

  test("a stopped job stops reading", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stopped"));
    await assert.rejects(
      withConnection(undefined, (connection) =>
        forEachChunk(connection, "SELECT 1", controller.signal, () => assert.fail("read after the stop")),
      ),
      /stopped/,
    );
  });
});

describe("CellWriter", () => {
  test("combines the values that meet in one cell", () => {
    const cells = (combine: "sum" | "min" | "max" | "mean") => {
      const array = new Float64Array(2).fill(Number.NaN);
      const writer = new CellWriter(combine);
      for (const v of [4, 1, 7]) writer.write(array, 0, 0, v);
      writer.write(array, 0, 1, 5);
      return [...array];
    };
    assert.deepEqual(cells("sum"), [12, 5]);
    assert.deepEqual(cells("min"), [1, 5]);
    assert.deepEqual(cells("max"), [7, 5]);
    assert.deepEqual(cells("mean"), [4, 5]);
  });
});
