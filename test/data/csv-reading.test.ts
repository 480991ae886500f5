import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseRecords, readFirstRecords } from "../../src/data/csv-first-records.js";
import { lineOfRecord } from "../../src/data/csv-line-locator.js";
import { scratchDir, writeText } from "./helpers.js";

const dir = await scratchDir();

describe("reading the top of a CSV file", () => {
  test("quotes, escaped quotes, empty fields and blank lines", () => {
    const text = 'a,"b,c","say ""hi"""\n\n,"",x\r\n"line\nbreak",2,3';
    assert.deepEqual(parseRecords(text, 10), [
      ["a", "b,c", 'say "hi"'],
      [null, "", "x"],
      ["line\nbreak", "2", "3"],
    ]);
  });

  test("stops after the records asked for, and drops a record cut off by the read limit", async () => {
    assert.deepEqual(parseRecords("1,2\n3,4\n5,6\n", 2), [
      ["1", "2"],
      ["3", "4"],
    ]);
    assert.deepEqual(parseRecords("1,2\n3,4", 5, false), [["1", "2"]]);
    const file = await writeText(dir, "bom.csv", "\uFEFFitem_id,timestamp\na,b\n");
    assert.deepEqual(await readFirstRecords(file, 1), [["item_id", "timestamp"]]);
  });
});

describe("the line a record starts on", () => {
  test("counts blank lines, CRLF and line breaks inside quotes", async () => {
    const file = await writeText(dir, "lines.csv", 'h1,h2\r\n\r\n"a\nb",1\n\n\nc,2\nd,3');
    assert.equal(await lineOfRecord(file, 0), 1);
    assert.equal(await lineOfRecord(file, 1), 3);
    assert.equal(await lineOfRecord(file, 2), 7);
    assert.equal(await lineOfRecord(file, 3), 8);
    assert.equal(await lineOfRecord(file, 4), undefined);
  });
});
