import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SeriesPreparationError } from "../../src/data/series-error.js";
import { type AttributeConfig, parseTransformations } from "../../src/data/series-transformations.js";

const parse = (configs?: AttributeConfig[]) => parseTransformations(configs, "demand", ["price", "promo"]);
const refused = (configs: AttributeConfig[], pattern: RegExp) =>
  assert.throws(
    () => parse(configs),
    (e: unknown) => {
      assert.ok(e instanceof SeriesPreparationError);
      assert.equal(e.problem, "BAD_TRANSFORMATION");
      assert.match(e.message, pattern);
      return true;
    },
  );

describe("AttributeConfigs", () => {
  test("Amazon's defaults: the target is summed and zero-filled; related fields are not filled", () => {
    const parsed = parse();
    assert.deepEqual(parsed.target, {
      aggregation: "sum",
      middlefill: { method: "zero" },
      backfill: { method: "zero" },
    });
    assert.equal(parsed.related.size, 0);
  });

  test("overrides for the target and related fields, with *_value", () => {
    const parsed = parse([
      {
        AttributeName: "demand",
        Transformations: {
          aggregation: "avg",
          middlefill: "value",
          middlefill_value: "-2.5",
          frontfill: "none",
        },
      },
      {
        AttributeName: "price",
        Transformations: { backfill: "median", futurefill: "value", futurefill_value: "10" },
      },
    ]);
    assert.deepEqual(parsed.target, {
      aggregation: "avg",
      middlefill: { method: "value", value: -2.5 },
      backfill: { method: "zero" },
    });
    assert.deepEqual(parsed.related.get("price"), {
      backfill: { method: "median" },
      futurefill: { method: "value", value: 10 },
    });
  });

  test("unknown keys, values and attributes are refused with what is accepted", () => {
    refused(
      [{ AttributeName: "demand", Transformations: { aggregation: "median" } }],
      /aggregation must be one of sum, avg, first, min, max/,
    );
    refused(
      [{ AttributeName: "demand", Transformations: { fill: "zero" } }],
      /"fill" is not supported; use aggregation, frontfill/,
    );
    refused(
      [{ AttributeName: "demand", Transformations: { frontfill: "zero" } }],
      /frontfill can only be "none"/,
    );
    refused(
      [{ AttributeName: "demand", Transformations: { backfill: "value" } }],
      /backfill_value must be a number/,
    );
    refused(
      [{ AttributeName: "demand", Transformations: { backfill: "value", backfill_value: "abc" } }],
      /backfill_value must be a number, not "abc"/,
    );
    refused(
      [{ AttributeName: "demand", Transformations: { middlefill: "zero", middlefill_value: "3" } }],
      /middlefill_value is set but middlefill is "zero"/,
    );
    refused(
      [{ AttributeName: "price", Transformations: { middlefill: "nan" } }],
      /price: middlefill must be one of zero, value/,
    );
    refused(
      [{ AttributeName: "price", Transformations: { aggregation: "sum" } }],
      /related time series fields are not aggregated/,
    );
    refused(
      [{ AttributeName: "colour", Transformations: {} }],
      /names colour, which is neither the target field nor a related time series feature \(demand, price, promo\)/,
    );
  });
});
