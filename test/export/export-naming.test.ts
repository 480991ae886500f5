import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { exportTimestamp, folderPrefix, parseExportDestination, partKey } from "../../src/export/index.js";
import { InvalidS3PathError } from "../../src/storage/s3-path.js";

describe("export file names", () => {
  test("the time stamp is yyyy-MM-ddTHH-mm-ssZ in UTC, seconds truncated", () => {
    assert.equal(exportTimestamp(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 999))), "2024-01-02T03-04-05Z");
    assert.equal(exportTimestamp(new Date("2023-12-31T23:59:59.5-02:00")), "2024-01-01T01-59-59Z");
    assert.throws(() => exportTimestamp(new Date(Number.NaN)), RangeError);
  });

  test("the prefix is a folder", () => {
    assert.equal(folderPrefix(""), "");
    assert.equal(folderPrefix("exports"), "exports/");
    assert.equal(folderPrefix("exports/"), "exports/");
    assert.equal(folderPrefix("a/b"), "a/b/");
  });

  test("part keys", () => {
    assert.equal(
      partKey("out", "my_export_2024-01-02T03-04-05Z", 0, "CSV"),
      "out/my_export_2024-01-02T03-04-05Z_part0.csv",
    );
    assert.equal(partKey("", "x", 12, "PARQUET"), "x_part12.parquet");
    assert.equal(partKey("a/b/", "x", 1, "CSV"), "a/b/x_part1.csv");
  });

  test("a destination path splits into bucket and prefix", () => {
    assert.deepEqual(parseExportDestination("s3://my-bucket/exports/run1"), {
      bucket: "my-bucket",
      prefix: "exports/run1",
    });
    assert.deepEqual(parseExportDestination("s3://my-bucket/"), { bucket: "my-bucket", prefix: "" });
    assert.deepEqual(parseExportDestination("s3://my-bucket"), { bucket: "my-bucket", prefix: "" });
    assert.throws(() => parseExportDestination("https://my-bucket/x"), InvalidS3PathError);
    assert.throws(() => parseExportDestination("s3://My_Bucket/x"), InvalidS3PathError);
  });
});
