import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type PrepareSeriesInput, prepareSeries } from "../../src/data/series-preparation.js";
import { onSharedMemory } from "../../src/data/shared-floats.js";
import { scratchDir, TARGET_SCHEMA } from "./helpers.js";
import { dailyRows, parquetOf, utc } from "./series-helpers.js";

const dir = await scratchDir();
const N = Number.NaN;

/** Daily values 1..14 for item a from Monday 2024-07-01 to Sunday 2024-07-14. */
const twoWeeks = await parquetOf(
  dir,
  "two-weeks.parquet",
  "SELECT 'a' AS item_id, TIMESTAMP '2024-07-01' + INTERVAL (i) DAY AS timestamp, CAST(i + 1 AS DOUBLE) AS demand FROM range(14) AS r(i)",
);

/** Item a runs 07-01..07-05; item b has 07-01 = 5, 07-02 empty (a row without value), 07-03 = 7 and ends there. */
const gappy = await parquetOf(
  dir,
  "gappy.parquet",
  dailyRows([
    ["a", "2024-07-01", 1],
    ["a", "2024-07-02", 1],
    ["a", "2024-07-03", 1],
    ["a", "2024-07-04", 1],
    ["a", "2024-07-05", 1],
    ["b", "2024-07-01", 5],
    ["b", "2024-07-02", null],
    ["b", "2024-07-03", 7],
  ]),
);

const base = (file: string, changes: Partial<PrepareSeriesInput> = {}): PrepareSeriesInput => ({
  target: { file, schema: TARGET_SCHEMA, frequency: "D" },
  itemIdField: "item_id",
  targetField: "demand",
  forecastFrequency: "D",
  horizon: 2,
  ...changes,
});

const days = (from: string, count: number) =>
  Array.from({ length: count }, (_, i) => utc(from) + i * 86_400_000);

describe("prepareSeries: aggregation", () => {
  test("daily data summed into weeks that start on Monday", async () => {
    const set = await prepareSeries(base(twoWeeks, { forecastFrequency: "W", horizon: 1 }));
    assert.equal(set.frequency, "W");
    assert.equal(set.period, 52);
    assert.deepEqual(set.keyNames, ["item_id"]);
    const [a] = set.series;
    assert.deepEqual(a?.key, ["a"]);
    assert.deepEqual([...(a?.target ?? [])], [28, 77]);
    assert.deepEqual([...(a?.timestamps ?? [])], [utc("2024-07-01"), utc("2024-07-08"), utc("2024-07-15")]);
  });

  test("avg through AttributeConfigs", async () => {
    const set = await prepareSeries(
      base(twoWeeks, {
        forecastFrequency: "1W",
        attributeConfigs: [{ AttributeName: "demand", Transformations: { aggregation: "avg" } }],
      }),
    );
    assert.deepEqual([...(set.series[0]?.target ?? [])], [4, 11]);
  });

  test("a DayOfWeek boundary moves the weeks (Thursday to Wednesday)", async () => {
    const set = await prepareSeries(
      base(twoWeeks, {
        forecastFrequency: "W",
        horizon: 1,
        timeAlignmentBoundary: { DayOfWeek: "THURSDAY" },
      }),
    );
    const [a] = set.series;
    // 06-27..07-03 holds days 1-3, 07-04..07-10 days 4-10, 07-11..07-17 days 11-14.
    assert.deepEqual([...(a?.target ?? [])], [6, 49, 50]);
    assert.deepEqual([...(a?.timestamps ?? [])].slice(0, 2), [utc("2024-06-27"), utc("2024-07-04")]);
  });

  test("first, min and max", async () => {
    const weekly = async (aggregation: string) => [
      ...((
        await prepareSeries(
          base(twoWeeks, {
            forecastFrequency: "W",
            attributeConfigs: [{ AttributeName: "demand", Transformations: { aggregation } }],
          }),
        )
      ).series[0]?.target ?? []),
    ];
    assert.deepEqual(await weekly("first"), [1, 8]);
    assert.deepEqual(await weekly("min"), [1, 8]);
    assert.deepEqual(await weekly("max"), [7, 14]);
  });
});

describe("prepareSeries: several records in one bucket at the data's own frequency", () => {
  test("are combined with the configured aggregation; related records are averaged", async () => {
    const target = await parquetOf(
      dir,
      "duplicates.parquet",
      dailyRows([
        ["a", "2024-07-01", 2],
        ["a", "2024-07-01", 6],
        ["a", "2024-07-01", 1],
        ["a", "2024-07-01", null],
        ["a", "2024-07-02", 5],
      ]),
    );
    const day1 = async (aggregation: string) =>
      (
        await prepareSeries(
          base(target, { attributeConfigs: [{ AttributeName: "demand", Transformations: { aggregation } }] }),
        )
      ).series[0]?.target[0];
    assert.equal(await day1("sum"), 9);
    assert.equal(await day1("avg"), 3);
    assert.equal(await day1("min"), 1);
    assert.equal(await day1("max"), 6);
    assert.equal(await day1("first"), 2);
    const related = await parquetOf(
      dir,
      "duplicates-related.parquet",
      dailyRows(
        [
          ["a", "2024-07-01", 1],
          ["a", "2024-07-01", 2],
          ["a", "2024-07-01", 6],
          ["a", "2024-07-02", 4],
        ],
        "item_id, timestamp, price",
      ),
    );
    const set = await prepareSeries(
      base(target, {
        horizon: 1,
        related: {
          file: related,
          schema: [
            { AttributeName: "item_id", AttributeType: "string" },
            { AttributeName: "timestamp", AttributeType: "timestamp" },
            { AttributeName: "price", AttributeType: "float" },
          ],
          frequency: "D",
        },
      }),
    );
    assert.deepEqual([...(set.series[0]?.related[0] ?? [])], [3, 4, N]);
  });
});

describe("prepareSeries: filling and the common end", () => {
  test("by default, missing middle values and the back up to the common end are zero", async () => {
    const set = await prepareSeries(base(gappy));
    const b = set.series[1];
    assert.deepEqual(b?.key, ["b"]);
    assert.deepEqual([...(b?.target ?? [])], [5, 0, 7, 0, 0]);
    // The history, then the horizon: every series ends on 07-05 and is forecast from 07-06.
    assert.deepEqual([...(b?.timestamps ?? [])], days("2024-07-01", 7));
    assert.equal(set.series[0]?.target.length, 5);
  });

  test("middlefill value with middlefill_value, backfill nan", async () => {
    const set = await prepareSeries(
      base(gappy, {
        attributeConfigs: [
          {
            AttributeName: "demand",
            Transformations: { middlefill: "value", middlefill_value: "3", backfill: "nan" },
          },
        ],
      }),
    );
    assert.deepEqual([...(set.series[1]?.target ?? [])], [5, 3, 7, N, N]);
  });

  test("each series starts at its own first record", async () => {
    const late = await parquetOf(
      dir,
      "late.parquet",
      dailyRows([
        ["a", "2024-07-01", 1],
        ["a", "2024-07-04", 4],
        ["z", "2024-07-03", 9],
      ]),
    );
    const set = await prepareSeries(base(late, { horizon: 1 }));
    const [a, z] = set.series;
    assert.deepEqual([...(a?.target ?? [])], [1, 0, 0, 4]);
    assert.deepEqual([...(z?.target ?? [])], [9, 0]);
    assert.deepEqual([...(z?.timestamps ?? [])], days("2024-07-03", 3));
  });
});

describe("prepareSeries: forecast dimensions", () => {
  test("the dimensions split items into series, in key order", async () => {
    const file = await parquetOf(
      dir,
      "stores.parquet",
      `SELECT * FROM (VALUES ('a', 's2', TIMESTAMP '2024-07-01', 1.0), ('a', 's1', TIMESTAMP '2024-07-01', 2.0),
        ('a', 's1', TIMESTAMP '2024-07-01', 3.0), ('a', NULL, TIMESTAMP '2024-07-01', 4.0)) AS t(item_id, store, timestamp, demand)`,
    );
    const schema = [
      { AttributeName: "item_id", AttributeType: "string" },
      { AttributeName: "store", AttributeType: "string" },
      { AttributeName: "timestamp", AttributeType: "timestamp" },
      { AttributeName: "demand", AttributeType: "float" },
    ];
    const set = await prepareSeries({
      ...base(file),
      target: { file, schema, frequency: "D" },
      forecastDimensions: ["store"],
    });
    assert.deepEqual(set.keyNames, ["item_id", "store"]);
    // A missing store value is its own series under "".
    assert.deepEqual(
      set.series.map((s) => [s.key, [...s.target]]),
      [
        [["a", ""], [4]],
        [["a", "s1"], [5]],
        [["a", "s2"], [1]],
      ],
    );
  });
});

describe("prepareSeries: related time series", () => {
  const RELATED_SCHEMA = [
    { AttributeName: "item_id", AttributeType: "string" },
    { AttributeName: "timestamp", AttributeType: "timestamp" },
    { AttributeName: "price", AttributeType: "float" },
    { AttributeName: "promo", AttributeType: "integer" },
  ];
  const relatedOf = async (name: string, rows: [string, string, number | null][]) => ({
    file: await parquetOf(
      dir,
      name,
      `SELECT item_id, timestamp, price, CAST(price > 12 AS BIGINT) AS promo FROM (${dailyRows(rows, "item_id, timestamp, price")})`,
    ),
    schema: RELATED_SCHEMA,
    frequency: "D",
  });
  // a: 07-01..07-07 with 07-03 empty (into the horizon 07-06, 07-07); b: 07-01..07-04 only.
  const forward = relatedOf("related-forward.parquet", [
    ["a", "2024-07-01", 10],
    ["a", "2024-07-02", 11],
    ["a", "2024-07-03", null],
    ["a", "2024-07-04", 13],
    ["a", "2024-07-05", 14],
    ["a", "2024-07-06", 15],
    ["a", "2024-07-07", 16],
    ["b", "2024-07-01", 20],
    ["b", "2024-07-02", 21],
    ["b", "2024-07-03", 22],
    ["b", "2024-07-04", 23],
  ]);

  test("values are aligned on each series' grid, the horizon included, and filled as configured", async () => {
    const set = await prepareSeries(
      base(gappy, {
        related: await forward,
        attributeConfigs: [
          {
            AttributeName: "price",
            Transformations: {
              middlefill: "mean",
              backfill: "zero",
              futurefill: "value",
              futurefill_value: "1",
            },
          },
          { AttributeName: "promo", Transformations: { futurefill: "zero" } },
        ],
      }),
    );
    assert.deepEqual(set.relatedNames, ["price", "promo"]);
    const [a, b] = set.series;
    assert.deepEqual([...(a?.related[0] ?? [])], [10, 11, 10.5, 13, 14, 15, 16]);
    assert.deepEqual([...(b?.related[0] ?? [])], [20, 21, 22, 23, 0, 1, 1]);
    // promo has no middlefill or backfill: those stay missing.
    assert.deepEqual([...(a?.related[1] ?? [])], [0, 0, N, 1, 1, 1, 1]);
    assert.deepEqual([...(b?.related[1] ?? [])], [1, 1, 1, 1, N, 0, 0]);
  });

  test("every array is on shared memory, in one block, for the worker threads to read without a copy", async () => {
    const set = await prepareSeries(
      base(gappy, {
        related: await forward,
        holidayCountries: ["US"],
        attributeConfigs: [
          { AttributeName: "price", Transformations: { futurefill: "zero" } },
          { AttributeName: "promo", Transformations: { futurefill: "zero" } },
        ],
      }),
    );
    const arrays = set.series.flatMap((s) => [
      s.timestamps,
      s.target,
      s.metadata,
      ...s.related,
      ...s.holidays,
    ]);
    assert.ok(arrays.every(onSharedMemory));
    assert.equal(new Set(arrays.map((a) => a.buffer)).size, 1);
  });

  test("forward-looking data that stops short of the horizon needs futurefill", async () => {
    await assert.rejects(
      prepareSeries(
        base(gappy, {
          related: await forward,
          attributeConfigs: [{ AttributeName: "price", Transformations: { futurefill: "max" } }],
        }),
      ),
      {
        name: "SeriesPreparationError",
        message:
          'The related time series field promo has no value for item_id "b" at 2024-07-06T00:00:00Z, which is in the forecast horizon; provide related data up to the end of the forecast horizon, or set futurefill for promo in AttributeConfigs',
      },
    );
  });

  test("historical related data leaves the horizon missing; items without related data are left out", async () => {
    const related = await relatedOf("related-historical.parquet", [
      ["a", "2024-07-01", 10],
      ["a", "2024-07-05", 14],
    ]);
    const set = await prepareSeries(base(gappy, { related }));
    assert.deepEqual(
      set.series.map((s) => s.key[0]),
      ["a"],
    );
    assert.deepEqual([...(set.series[0]?.related[0] ?? [])], [10, N, N, N, 14, N, N]);
  });

  test("related data without a forecast dimension feeds every series of the item", async () => {
    const file = await parquetOf(
      dir,
      "stores-2.parquet",
      `SELECT * FROM (VALUES ('a', 's1', TIMESTAMP '2024-07-01', 1.0), ('a', 's2', TIMESTAMP '2024-07-01', 2.0))
        AS t(item_id, store, timestamp, demand)`,
    );
    const schema = [
      { AttributeName: "item_id", AttributeType: "string" },
      { AttributeName: "store", AttributeType: "string" },
      { AttributeName: "timestamp", AttributeType: "timestamp" },
      { AttributeName: "demand", AttributeType: "float" },
    ];
    const related = await relatedOf("related-item.parquet", [
      ["a", "2024-07-01", 10],
      ["a", "2024-07-02", 11],
    ]);
    const set = await prepareSeries({
      ...base(file, { horizon: 1, related }),
      target: { file, schema, frequency: "D" },
      forecastDimensions: ["store"],
    });
    assert.deepEqual(
      set.series.map((s) => [s.key, [...(s.related[0] ?? [])]]),
      [
        [
          ["a", "s1"],
          [10, 11],
        ],
        [
          ["a", "s2"],
          [10, 11],
        ],
      ],
    );
  });
});

describe("prepareSeries: item metadata and holidays", () => {
  test("numbers stay numbers, strings become sorted category codes, absent items are NaN", async () => {
    const target = await parquetOf(
      dir,
      "three.parquet",
      dailyRows([
        ["a", "2024-07-01", 1],
        ["b", "2024-07-01", 2],
        ["c", "2024-07-01", 3],
      ]),
    );
    const metadata = await parquetOf(
      dir,
      "metadata.parquet",
      "SELECT * FROM (VALUES ('a', 'red', 3), ('b', 'blue', NULL), ('x', 'green', 1)) AS t(item_id, colour, size)",
    );
    const set = await prepareSeries(
      base(target, {
        metadata: {
          file: metadata,
          schema: [
            { AttributeName: "item_id", AttributeType: "string" },
            { AttributeName: "colour", AttributeType: "string" },
            { AttributeName: "size", AttributeType: "integer" },
          ],
        },
      }),
    );
    assert.deepEqual(set.metadataNames, ["colour", "size"]);
    assert.deepEqual(set.metadataLevels, [["blue", "green", "red"], []]);
    assert.deepEqual(
      set.series.map((s) => [...s.metadata]),
      [
        [2, 3],
        [0, N],
        [N, N],
      ],
    );
  });

  test("US holidays flag 2024-07-04, in the history and in the horizon", async () => {
    const set = await prepareSeries(base(gappy, { holidayCountries: ["US"], horizon: 3 }));
    assert.deepEqual(set.holidayCountries, ["US"]);
    const [a] = set.series;
    assert.deepEqual([...(a?.holidays[0] ?? [])], [0, 0, 0, 1, 0, 0, 0, 0]);
    const weekly = await prepareSeries(
      base(twoWeeks, { forecastFrequency: "W", holidayCountries: ["US"], horizon: 1 }),
    );
    assert.deepEqual([...(weekly.series[0]?.holidays[0] ?? [])], [1, 0, 0]);
  });
});
