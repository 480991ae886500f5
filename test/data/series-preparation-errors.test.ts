import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SeriesProblem } from "../../src/data/series-error.js";
import {
  type PrepareSeriesInput,
  prepareSeries,
  SeriesPreparationError,
} from "../../src/data/series-preparation.js";
import { scratchDir, TARGET_SCHEMA } from "./helpers.js";
import { dailyRows, parquetOf } from "./series-helpers.js";

const dir = await scratchDir();
const target = await parquetOf(
  dir,
  "target.parquet",
  dailyRows([
    ["a", "2024-07-01", 1],
    ["b", "2024-07-01", 2],
  ]),
);

const base = (changes: Partial<PrepareSeriesInput> = {}): PrepareSeriesInput => ({
  target: { file: target, schema: TARGET_SCHEMA, frequency: "D" },
  itemIdField: "item_id",
  targetField: "demand",
  forecastFrequency: "D",
  horizon: 2,
  ...changes,
});

async function refused(
  changes: Partial<PrepareSeriesInput>,
  problem: SeriesProblem,
  message: RegExp,
): Promise<void> {
  await assert.rejects(prepareSeries(base(changes)), (e: unknown) => {
    assert.ok(e instanceof SeriesPreparationError, String(e));
    assert.equal(e.problem, problem);
    assert.match(e.message, message);
    return true;
  });
}

const RELATED_SCHEMA = [
  { AttributeName: "item_id", AttributeType: "string" },
  { AttributeName: "timestamp", AttributeType: "timestamp" },
  { AttributeName: "price", AttributeType: "float" },
];

describe("prepareSeries refuses, saying what to change", () => {
  test("a forecast frequency finer than the data", () =>
    refused(
      { forecastFrequency: "H" },
      "BAD_FREQUENCY",
      /^The forecast frequency H is finer than the target time series data frequency D; .* use D or coarser$/,
    ));

  test("an unknown frequency", () =>
    refused(
      { forecastFrequency: "fortnightly" },
      "BAD_FREQUENCY",
      /forecast frequency "fortnightly" is not a valid/,
    ));

  test("related data at another frequency than the forecast", () =>
    refused(
      { forecastFrequency: "W", related: { file: target, schema: RELATED_SCHEMA, frequency: "D" } },
      "BAD_FREQUENCY",
      /related time series data frequency D must equal the forecast frequency W/,
    ));

  test("a dimension that is not a string attribute of the target", () =>
    refused(
      { forecastDimensions: ["demand"] },
      "BAD_FIELD",
      /^The forecast dimension demand is not a string attribute of the target time series dataset \(it has no other string attributes\)$/,
    ));

  test("a related string attribute that is not a forecast dimension", () =>
    refused(
      {
        related: {
          file: target,
          schema: [...RELATED_SCHEMA, { AttributeName: "colour", AttributeType: "string" }],
          frequency: "D",
        },
      },
      "BAD_FIELD",
      /related time series attribute colour is a string, .* not one of the forecast dimensions/,
    ));

  test("an unknown transformation key or value", async () => {
    await refused(
      { attributeConfigs: [{ AttributeName: "demand", Transformations: { aggregation: "median" } }] },
      "BAD_TRANSFORMATION",
      /demand: aggregation must be one of sum, avg, first, min, max, not "median"/,
    );
    await refused(
      { attributeConfigs: [{ AttributeName: "demand", Transformations: { smoothing: "yes" } }] },
      "BAD_TRANSFORMATION",
      /the transformation "smoothing" is not supported/,
    );
  });

  test("an unknown holiday country code", () =>
    refused(
      { holidayCountries: ["US", "ZZ"] },
      "BAD_HOLIDAY_COUNTRY",
      /no holiday calendar for the country code "ZZ"/,
    ));

  test("a horizon that is not a positive whole number", () =>
    refused({ horizon: 0 }, "BAD_HORIZON", /at least 1, not 0/));

  test("more series than allowed", () =>
    refused(
      { maxSeries: 1 },
      "TOO_MANY_SERIES",
      /^The data has 2 time series .*, more than the limit of 1$/,
    ));

  test("an empty target dataset", async () => {
    const empty = await parquetOf(dir, "empty.parquet", `${dailyRows([["a", "2024-07-01", 1]])} WHERE false`);
    await refused(
      { target: { file: empty, schema: TARGET_SCHEMA, frequency: "D" } },
      "NO_DATA",
      /target time series dataset has no data/,
    );
  });

  test("a stopped job stops with the stop's reason", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stopped by StopResource"));
    await assert.rejects(prepareSeries(base({ signal: controller.signal })), /stopped by StopResource/);
  });

  test("two metadata rows for one item", async () => {
    const metadata = await parquetOf(
      dir,
      "twice.parquet",
      "SELECT * FROM (VALUES ('a', 'red'), ('a', 'blue'), ('b', 'red')) AS t(item_id, colour)",
    );
    await refused(
      {
        metadata: {
          file: metadata,
          schema: [
            { AttributeName: "item_id", AttributeType: "string" },
            { AttributeName: "colour", AttributeType: "string" },
          ],
        },
      },
      "DUPLICATE_METADATA",
      /^The item metadata dataset has 2 rows for the item a; it must have one row per item$/,
    );
  });
});
