import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { ImportError } from "../../src/data/import-error.js";
import { importFiles } from "../../src/data/import-files.js";
import { describeDataset } from "../../src/data/read-dataset.js";
import type { SchemaAttribute } from "../../src/data/schema.js";
import { scratchDir, writeText } from "./helpers.js";

const dir = await scratchDir();
let counter = 0;

const SCHEMA: SchemaAttribute[] = [
  { AttributeName: "item_id", AttributeType: "string" },
  { AttributeName: "timestamp", AttributeType: "timestamp" },
  { AttributeName: "demand", AttributeType: "float" },
  { AttributeName: "location", AttributeType: "geolocation" },
];

async function importGeo(
  text: string,
  options: { geolocationFormat?: string; useGeolocationForTimeZone?: boolean },
) {
  const n = ++counter;
  const output = path.join(dir, `geo-${n}.parquet`);
  await importFiles({
    files: [await writeText(dir, `geo-${n}.csv`, text)],
    fileLabels: [`geo-${n}.csv`],
    format: "CSV",
    schema: SCHEMA,
    datasetType: "TARGET_TIME_SERIES",
    output,
    ...options,
  });
  return output;
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => assert.fail("should fail"),
    (e: unknown) => e,
  );

describe("geolocation values", () => {
  test("LAT_LONG values within range are accepted", async () => {
    const output = await importGeo(
      "a,2021-01-01 00:00:00,1,47.61_-122.33\nb,2021-01-01 00:00:00,1,-90_180\n",
      {
        geolocationFormat: "LAT_LONG",
      },
    );
    assert.equal((await describeDataset(output)).rowCount, 2);
  });

  test("a latitude out of range fails with the expected format", async () => {
    const error = await failureOf(
      importGeo("a,2021-01-01 00:00:00,1,91.5_10\n", { geolocationFormat: "LAT_LONG" }),
    );
    assert.ok(error instanceof ImportError);
    assert.equal(
      error.message,
      'Value "91.5_10" in geo-2.csv, row 1, column location is not a valid geolocation (LAT_LONG, e.g. 47.61_-122.33)',
    );
  });

  test("CC_POSTALCODE takes US ZIP codes only", async () => {
    await importGeo("a,2021-01-01 00:00:00,1,US_98121\n", { geolocationFormat: "CC_POSTALCODE" });
    const error = await failureOf(
      importGeo("a,2021-01-01 00:00:00,1,DE_10115\n", { geolocationFormat: "CC_POSTALCODE" }),
    );
    assert.ok(error instanceof ImportError);
    assert.equal(error.location.value, "DE_10115");
  });

  test("UseGeolocationForTimeZone is recorded with the data", async () => {
    const output = await importGeo("a,2021-01-01 00:00:00,1,US_98121\n", {
      geolocationFormat: "CC_POSTALCODE",
      useGeolocationForTimeZone: true,
    });
    const { metadata } = await describeDataset(output);
    assert.equal(metadata?.useGeolocationForTimeZone, true);
    assert.equal(metadata?.geolocationFormat, "CC_POSTALCODE");
  });

  test("an unknown GeolocationFormat is refused", async () => {
    const error = await failureOf(
      importGeo("a,2021-01-01 00:00:00,1,US_98121\n", { geolocationFormat: "ZIP" }),
    );
    assert.ok(error instanceof ImportError);
    assert.equal(error.failure, "BAD_OPTION");
  });
});
