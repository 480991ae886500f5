import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { ImportError } from "../../src/data/import-error.js";
import { importFiles } from "../../src/data/import-files.js";
import { scratchDir, TARGET_SCHEMA, writeText } from "./helpers.js";

const dir = await scratchDir();

/** `rows` data lines for 100 items, with `bad` replacing the demand of data row `badRow` (1-based). */
function generate(rows: number, badRow: number, bad: string): string {
  const lines = ["item_id,timestamp,demand"];
  const start = Date.UTC(2020, 0, 1);
  for (let r = 1; r <= rows; r++) {
    const day = new Date(start + Math.floor((r - 1) / 100) * 86_400_000).toISOString().slice(0, 10);
    lines.push(`item_${r % 100},${day} 00:00:00,${r === badRow ? bad : (r % 37) + 0.25}`);
  }
  return `${lines.join("\n")}\n`;
}

async function failure(files: string[], labels: string[]): Promise<ImportError> {
  try {
    await importFiles({
      files,
      format: "CSV",
      schema: TARGET_SCHEMA,
      datasetType: "TARGET_TIME_SERIES",
      output: path.join(dir, "out.parquet"),
      fileLabels: labels,
    });
  } catch (error) {
    assert.ok(error instanceof ImportError, String(error));
    return error;
  }
  assert.fail("the import should have failed");
}

describe("the first bad value of a large file", () => {
  test("is named by file, row (header counted), column and value", async () => {
    // Data row 50,000 is line 50,001 of the file, below the header.
    const file = await writeText(dir, "x.csv", generate(100_000, 50_000, "abc"));
    const started = performance.now();
    const error = await failure([file], ["s3://b/x.csv"]);
    assert.equal(error.message, 'Value "abc" in s3://b/x.csv, row 50001, column demand is not a valid float');
    assert.deepEqual(error.location, { file: "s3://b/x.csv", row: 50001, column: "demand", value: "abc" });
    assert.ok(performance.now() - started < 10_000, "diagnosis took too long");
  });

  test("only the first of several bad rows is reported, in the second file", async () => {
    const good = await writeText(dir, "good.csv", generate(1_000, 0, ""));
    const text = generate(100_000, 99_000, "-").replace(
      "item_5,2020-01-01 00:00:00,5.25",
      "item_5,2020-01-01 00:00:00,x",
    );
    const bad = await writeText(dir, "bad.csv", text);
    const error = await failure([good, bad], ["s3://b/good.csv", "s3://b/bad.csv"]);
    assert.equal(error.message, 'Value "x" in s3://b/bad.csv, row 6, column demand is not a valid float');
  });

  test("rows are lines as the user counts them, across blank lines and quoted line breaks", async () => {
    const text =
      'item_id,timestamp,demand\n"multi\nline",2020-01-01 00:00:00,1\n\na,2020-01-01 00:00:00,2\na,2020-01-02,oops\n';
    const file = await writeText(dir, "lines.csv", text);
    const error = await failure([file], ["lines.csv"]);
    assert.equal(error.location.row, 6);
    assert.equal(error.location.value, "oops");
  });

  test("an unparseable timestamp is reported with the expected format", async () => {
    const text = generate(2_000, 0, "").replace("item_7,2020-01-01 00:00:00", "item_7,01/01/2020");
    const file = await writeText(dir, "ts.csv", text);
    const error = await failure([file], ["s3://b/ts.csv"]);
    assert.equal(
      error.message,
      'Value "01/01/2020" in s3://b/ts.csv, row 8, column timestamp is not a valid timestamp for the format yyyy-MM-dd HH:mm:ss',
    );
  });
});
