import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { ImportError } from "../../src/data/import-error.js";
import { importFiles } from "../../src/data/import-files.js";
import { describeDataset, queryDataset } from "../../src/data/read-dataset.js";
import { timestampParsing, translateTimestampFormat } from "../../src/data/timestamp-format.js";
import { scratchDir, TARGET_SCHEMA, writeText } from "./helpers.js";

const dir = await scratchDir();
let counter = 0;

async function importWith(
  text: string,
  options: { timestampFormat?: string; timeZone?: string; dataFrequency?: string },
) {
  const n = ++counter;
  const file = await writeText(dir, `ts-${n}.csv`, text);
  const output = path.join(dir, `ts-${n}.parquet`);
  await importFiles({
    files: [file],
    format: "CSV",
    schema: TARGET_SCHEMA,
    datasetType: "TARGET_TIME_SERIES",
    output,
    ...options,
  });
  return output;
}

const timestamps = async (output: string) =>
  (await queryDataset(output, "SELECT CAST(timestamp AS VARCHAR) AS ts FROM dataset ORDER BY timestamp")).map(
    (r) => r.ts,
  );

describe("Java-style formats become strptime formats", () => {
  test("letters, quoted literals and escaped quotes", () => {
    assert.deepEqual(translateTimestampFormat("yyyy-MM-dd'T'HH:mm:ss"), {
      strptime: "%Y-%m-%dT%H:%M:%S",
      hasTime: true,
      hasOffset: false,
    });
    assert.equal(translateTimestampFormat("dd/MM/yy hh:mm a").strptime, "%d/%m/%y %I:%M %p");
    assert.equal(translateTimestampFormat("yyyy-MM-dd HH:mm:ss.SSS").strptime, "%Y-%m-%d %H:%M:%S.%g");
    assert.equal(translateTimestampFormat("EEE, d MMM yyyy").strptime, "%a, %d %b %Y");
    assert.equal(translateTimestampFormat("yyyy-MM-dd'T'HH:mm:ssXXX").hasOffset, true);
    assert.equal(translateTimestampFormat("yyyy 'o''clock' ''").strptime, "%Y o'clock '");
    assert.equal(translateTimestampFormat("yyyy-MM-dd").hasTime, false);
  });

  test("unsupported letters and unterminated literals are rejected", () => {
    assert.throws(() => translateTimestampFormat("yyyy-MM-dd G"), /pattern G, which is not supported/);
    assert.throws(() => translateTimestampFormat("yyyy 'T"), /unterminated/);
  });

  test("a date-only format is refused for sub-daily data; the default then takes no plain dates", () => {
    assert.throws(() => timestampParsing("yyyy-MM-dd", "H"), ImportError);
    assert.doesNotThrow(() => timestampParsing("yyyy-MM-dd", "W"));
    assert.equal(timestampParsing(undefined, "30min").strptime.length, 1);
    assert.equal(timestampParsing(undefined, "D").strptime.length, 2);
  });
});

describe("import with a TimestampFormat", () => {
  test("a custom format with a literal T", async () => {
    const output = await importWith("a,2021-05-01T13:45:00,1\na,2021-05-01T14:00:30,2\n", {
      timestampFormat: "yyyy-MM-dd'T'HH:mm:ss",
    });
    assert.deepEqual(await timestamps(output), ["2021-05-01 13:45:00", "2021-05-01 14:00:30"]);
  });

  test("a day-first date format", async () => {
    const output = await importWith("a,31/12/2020,1\na,01/01/2021,2\n", { timestampFormat: "dd/MM/yyyy" });
    assert.deepEqual(await timestamps(output), ["2020-12-31 00:00:00", "2021-01-01 00:00:00"]);
  });

  test("text that does not follow the format fails and names it", async () => {
    const error = await importWith("a,2021-05-01 13:45:00,1\n", {
      timestampFormat: "yyyy-MM-dd'T'HH:mm:ss",
    }).catch((e: unknown) => e);
    assert.ok(error instanceof ImportError);
    assert.match(error.message, /is not a valid timestamp for the format yyyy-MM-dd'T'HH:mm:ss$/);
  });
});

describe("TimeZone", () => {
  test("wall-clock timestamps are kept as written and the zone is recorded with the data", async () => {
    const output = await importWith("a,2021-03-14 02:30:00,1\n", { timeZone: "America/New_York" });
    assert.deepEqual(await timestamps(output), ["2021-03-14 02:30:00"]);
    const { metadata } = await describeDataset(output);
    assert.equal(metadata?.timeZone, "America/New_York");
  });

  test("timestamps with a UTC offset become wall-clock time in the TimeZone", async () => {
    const output = await importWith("a,2021-07-01T12:00:00+00:00,1\na,2021-07-01T12:00:00+02:00,2\n", {
      timestampFormat: "yyyy-MM-dd'T'HH:mm:ssXXX",
      timeZone: "America/New_York",
    });
    // 12:00 UTC is 08:00 in New York in July (UTC-4); 12:00+02:00 is 10:00 UTC, 06:00 in New York.
    assert.deepEqual(await timestamps(output), ["2021-07-01 06:00:00", "2021-07-01 08:00:00"]);
  });

  test("an unknown zone fails before reading data", async () => {
    const error = await importWith("a,2021-01-01 00:00:00,1\n", { timeZone: "Mars/Olympus_Mons" }).catch(
      (e: unknown) => e,
    );
    assert.ok(error instanceof ImportError);
    assert.equal(error.failure, "BAD_OPTION");
    assert.equal(error.message, 'TimeZone "Mars/Olympus_Mons" is not a known time zone name');
  });
});
