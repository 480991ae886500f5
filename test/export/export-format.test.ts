import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  checkColumns,
  copyOptions,
  type ExportColumn,
  type ExportColumnType,
  parquetRowGroupRows,
} from "../../src/export/export-format.js";
import { writeExportParts } from "../../src/export/index.js";
import type { ObjectStore } from "../../src/storage/object-store.js";

const columns = (count: number, type: ExportColumnType): ExportColumn[] =>
  Array.from({ length: count }, (_, index) => ({ name: `${type}_${index}`, type }));

describe("export formats", () => {
  test("Parquet row groups hold about 8 MB, in whole vectors, within DuckDB's bounds", () => {
    // Explainability-shaped: 2 strings + 16 doubles = 192 bytes a row; 8 MiB / 192 = 43,690 -> 21 vectors.
    assert.equal(parquetRowGroupRows([...columns(2, "VARCHAR"), ...columns(16, "DOUBLE")]), 43_008);
    assert.equal(parquetRowGroupRows(columns(2, "DOUBLE")), 122_880);
    assert.equal(parquetRowGroupRows([...columns(3, "VARCHAR"), ...columns(200, "BIGINT")]), 4096);
    assert.equal(parquetRowGroupRows(columns(5000, "VARCHAR")), 2048);
  });

  test("COPY options", () => {
    assert.equal(
      copyOptions("CSV", columns(1, "DOUBLE")),
      "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"')",
    );
    assert.equal(copyOptions("PARQUET", columns(2, "DOUBLE")), "(FORMAT parquet, ROW_GROUP_SIZE 122880)");
  });

  test("column lists no export can have are refused", () => {
    assert.throws(() => checkColumns([]), /at least one column/);
    assert.throws(
      () =>
        checkColumns([
          { name: "item_id", type: "VARCHAR" },
          { name: "ITEM_ID", type: "VARCHAR" },
        ]),
      /"ITEM_ID" appears twice/,
    );
    assert.throws(() => checkColumns([{ name: "", type: "DOUBLE" }]), /must not be empty/);
    assert.throws(
      () => checkColumns([{ name: "x", type: "INTEGER" as ExportColumnType }]),
      /unknown type INTEGER/,
    );
    checkColumns([{ name: "x", type: "BIGINT" }]);
  });
});

describe("writeExportParts options", () => {
  test("wrong options are refused before any request", async () => {
    // A store that fails the test if it is used at all.
    const store = new Proxy({} as ObjectStore, {
      get: () => assert.fail("the store must not be used"),
    });
    const base = {
      store,
      bucket: "b-1",
      prefix: "",
      baseName: "x",
      format: "CSV" as const,
      columns: columns(1, "DOUBLE"),
      source: { kind: "sql" as const, sql: "SELECT 1" },
    };
    await assert.rejects(
      writeExportParts({ ...base, maxRowsPerPart: 0 }),
      /maxRowsPerPart must be a positive integer/,
    );
    await assert.rejects(writeExportParts({ ...base, maxRowsPerPart: 1.5 }), RangeError);
    await assert.rejects(writeExportParts({ ...base, baseName: "" }), /needs a base name/);
    await assert.rejects(writeExportParts({ ...base, columns: [] }), /at least one column/);
  });
});
