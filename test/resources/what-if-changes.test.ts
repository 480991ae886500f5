import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { PreparedSeries, SeriesSet } from "../../src/forecasting/series-set.js";
import {
  applyReplacements,
  applyTransformations,
  checkTransformations,
  parseWhatIfTimestamp,
} from "../../src/resources/what-if-changes.js";

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

/** Two history points and a horizon of 3; related: price, promo; metadata: category (levels a, b). */
function makeSet(): SeriesSet {
  const series = (item: string, category: number, price: number): PreparedSeries => ({
    key: [item],
    timestamps: Float64Array.from({ length: 5 }, (_, i) => T0 + i * DAY),
    target: Float64Array.from([1, 2]),
    related: [new Float64Array(5).fill(price), new Float64Array(5)],
    metadata: Float64Array.from([category]),
    holidays: [],
  });
  return {
    frequency: "D",
    period: 7,
    horizon: 3,
    keyNames: ["item_id"],
    relatedNames: ["price", "promo"],
    metadataNames: ["category"],
    metadataLevels: [["a", "b"]],
    holidayCountries: [],
    series: [series("item_1", 0, 10), series("item_2", 1, 20), series("item_10", 1, 30)],
  };
}

/** A series' related array, or a failure when it is missing. */
function related(set: SeriesSet, series: number, feature: number): Float64Array {
  const values = set.series[series]?.related[feature];
  assert.ok(values);
  return values;
}

describe("what-if changes to related data", () => {
  test("transformations apply in order, only on the horizon, where every condition holds", () => {
    const set = makeSet();
    const changed = applyTransformations(
      set,
      set.series,
      [
        {
          Action: { AttributeName: "PRICE", Operation: "MULTIPLY", Value: 1.1 },
          TimeSeriesConditions: [{ AttributeName: "category", AttributeValue: "b", Condition: "EQUALS" }],
        },
        {
          Action: { AttributeName: "price", Operation: "ADD", Value: 1 },
          TimeSeriesConditions: [
            { AttributeName: "item_id", AttributeValue: "item_2", Condition: "EQUALS" },
            { AttributeName: "timestamp", AttributeValue: "2024-01-04", Condition: "GREATER_THAN" },
          ],
        },
      ],
      "timestamp",
    );
    assert.deepEqual([...changed].sort(), [1, 2]);
    assert.deepEqual(Array.from(related(set, 0, 0)), [10, 10, 10, 10, 10]);
    const p2 = Array.from(related(set, 1, 0)).map((v) => Math.round(v * 1000) / 1000);
    // History untouched; the horizon ×1.1, then +1 after 2024-01-04 (only the last point, 2024-01-05).
    assert.deepEqual(p2, [20, 20, 22, 22, 23]);
    const p10 = Array.from(related(set, 2, 0)).map((v) => Math.round(v * 1000) / 1000);
    assert.deepEqual(p10, [30, 30, 33, 33, 33]);
  });

  test("LESS_THAN on item ids compares text; on numbers, numerically", () => {
    const set = makeSet();
    const changed = applyTransformations(
      set,
      set.series,
      [
        {
          Action: { AttributeName: "promo", Operation: "ADD", Value: 1 },
          TimeSeriesConditions: [
            { AttributeName: "item_id", AttributeValue: "item_2", Condition: "LESS_THAN" },
          ],
        },
      ],
      "timestamp",
    );
    // "item_1" and "item_10" sort before "item_2".
    assert.deepEqual([...changed].sort(), [0, 2]);
  });

  test("a transformation that changes nothing reports no series", () => {
    const set = makeSet();
    const changed = applyTransformations(
      set,
      set.series,
      [{ Action: { AttributeName: "price", Operation: "MULTIPLY", Value: 1 } }],
      "timestamp",
    );
    assert.equal(changed.size, 0);
  });

  test("replacements merge over the horizon and count rows they cannot place", () => {
    const set = makeSet();
    const result = applyReplacements(
      set,
      set.series,
      [0],
      [
        { key: ["item_1"], ms: T0 + 3 * DAY, values: [undefined, 1] },
        { key: ["item_1"], ms: T0, values: [undefined, 1] },
        { key: ["item_99"], ms: T0 + 3 * DAY, values: [5, 1] },
      ],
    );
    assert.deepEqual([...result.changed], [0]);
    assert.equal(result.applied, 1);
    assert.equal(result.ignored, 2);
    assert.deepEqual(Array.from(related(set, 0, 1)), [0, 0, 0, 1, 0]);
    assert.deepEqual(Array.from(related(set, 0, 0)), [10, 10, 10, 10, 10]);
  });

  test("checks name the rule broken", () => {
    const schema = {
      relatedNames: ["price"],
      keyNames: ["item_id"],
      metadataNames: [],
      timestampName: "timestamp",
    };
    assert.throws(() => checkTransformations([{}], schema), /no Action/);
    assert.throws(
      () => checkTransformations([{ Action: { AttributeName: "cost", Operation: "ADD", Value: 1 } }], schema),
      /not a related time series attribute/,
    );
    assert.throws(
      () =>
        checkTransformations([{ Action: { AttributeName: "price", Operation: "DIVIDE", Value: 0 } }], schema),
      /DIVIDE by 0/,
    );
    assert.throws(
      () =>
        checkTransformations(
          [
            {
              Action: { AttributeName: "price", Operation: "ADD", Value: 1 },
              TimeSeriesConditions: [
                { AttributeName: "timestamp", AttributeValue: "2024-02-30", Condition: "EQUALS" },
              ],
            },
          ],
          schema,
        ),
      /not a timestamp/,
    );
    assert.equal(parseWhatIfTimestamp("2024-02-29 12:30:00"), Date.UTC(2024, 1, 29, 12, 30));
  });
});
