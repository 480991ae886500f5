import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { calendarValue } from "../../../src/forecasting/global/calendar.js";
import { featureRows } from "../../../src/forecasting/global/features.js";
import {
  columnOffsets,
  featureNames,
  layoutFor,
  playerGroups,
} from "../../../src/forecasting/global/layout.js";
import { seriesContexts } from "../../../src/forecasting/global/model.js";
import { SeriesContext } from "../../../src/forecasting/global/series-context.js";
import { sampleTrainingRows } from "../../../src/forecasting/global/training-rows.js";
import type { PreparedSeries, SeriesSet } from "../../../src/forecasting/series-set.js";

const DAY = 86_400_000;
const MONDAY = Date.parse("2024-01-01T00:00:00Z");

/** One daily series, y = 1..30 from Monday 2024-01-01, horizon 3; price alternates 8/12 then reads 13. */
function tinySet(): SeriesSet {
  const n = 30;
  const total = n + 3;
  const price = Float64Array.from({ length: total }, (_, t) => (t < n ? (t % 2 === 0 ? 8 : 12) : 13));
  const holiday = new Float64Array(total);
  holiday[32] = 1;
  const s: PreparedSeries = {
    key: ["a"],
    timestamps: Float64Array.from({ length: total }, (_, t) => MONDAY + t * DAY),
    target: Float64Array.from({ length: n }, (_, t) => t + 1),
    related: [price],
    metadata: Float64Array.of(2),
    holidays: [holiday],
  };
  return {
    frequency: "D",
    period: 7,
    horizon: 3,
    keyNames: ["item_id"],
    relatedNames: ["price"],
    metadataNames: ["size"],
    metadataLevels: [[]],
    holidayCountries: ["US"],
    series: [s],
  };
}

function rowOf(set: SeriesSet, origin: number, step: number): Map<string, number> {
  const layout = layoutFor(set);
  const contexts = seriesContexts(set, 0);
  const { X, scale } = featureRows(layout, contexts, {
    series: Int32Array.of(0),
    origin: Int32Array.of(origin),
    step: Int32Array.of(step),
  });
  const names = featureNames(layout);
  const row = new Map(names.map((name, f) => [name, X.data[f]]));
  row.set("scale", scale[0]);
  return row;
}

describe("global model features", () => {
  test("a daily layout: 7 lags, weekly seasonal lags, month/day/weekday, players in attribute order", () => {
    const layout = layoutFor(tinySet());
    const names = featureNames(layout);
    assert.equal(names.length, columnOffsets(layout).nFeatures);
    assert.deepEqual(names.slice(-4), ["price", "price_relative", "size", "Holiday_US"]);
    const groups = Array.from(playerGroups(layout));
    assert.deepEqual(groups.slice(-4), [0, 0, 1, 2]);
    assert.ok(groups.slice(0, -4).every((g) => g === -1));
    assert.deepEqual(layout.calendar, ["month", "dayOfMonth", "dayOfWeek"]);
    assert.equal(layout.nLags, 7);
  });

  test("origin 30, step 2: history features scaled by the recent mean |y|, the rest at the target time", () => {
    const row = rowOf(tinySet(), 30, 2);
    const scale = 16.5; // mean of y[2..29] = 3..30 (28-point window)
    const close = (name: string, want: number) => {
      const got = row.get(name) as number;
      assert.ok(Math.abs(got - want) < 1e-12, `${name}: ${got} ≠ ${want}`);
    };
    close("scale", scale);
    close("step", 3);
    close("log_scale", Math.log(scale));
    close("lag_1", 30 / scale);
    close("lag_7", 24 / scale);
    close("mean_7", 27 / scale);
    close("mean_28", 1);
    // Target at index 32; its phase was last seen at 25, then 18, 11, 4.
    close("season_7_lag_1", 26 / scale);
    close("season_7_lag_2", 19 / scale);
    close("season_7_mean_4", 15.5 / scale);
    // 2024-01-01 + 32 days = Friday 2024-02-02.
    close("month", 2);
    close("dayOfMonth", 2);
    close("dayOfWeek", 5);
    close("price", 13);
    close("price_relative", 0.3); // (13 − 10) / mean|price| 10
    close("size", 2);
    close("Holiday_US", 1);
  });

  test("early origins: lags before the start are NaN and windows shrink to the history there is", () => {
    const row = rowOf(tinySet(), 3, 0);
    assert.equal(row.get("scale"), 2); // mean of 1, 2, 3
    assert.equal(row.get("lag_3"), 0.5);
    assert.ok(Number.isNaN(row.get("lag_4") as number));
    assert.ok(Number.isNaN(row.get("season_7_lag_1") as number));
    assert.equal(row.get("mean_28"), 1);
  });

  test("the scale falls back to the whole history, then to 1, and never reads past the cutoff", () => {
    const s = tinySet().series[0];
    const zeros = { ...s, target: Float64Array.from({ length: 30 }, (_, t) => (t < 2 ? 6 : 0)) };
    assert.equal(new SeriesContext(zeros, 30).scaleAt(30, 28), 0.4); // 12 / 30
    assert.equal(new SeriesContext({ ...s, target: new Float64Array(30) }, 30).scaleAt(30, 28), 1);
    const cut = new SeriesContext(s, 10);
    assert.equal(cut.scaleAt(30, 28), 5.5); // only y[0..9] = 1..10
    assert.equal(cut.relatedMean[0], 10);
  });

  test("calendar values in UTC", () => {
    const ms = Date.parse("2024-03-10T17:45:00Z"); // a Sunday
    assert.deepEqual(
      (["month", "dayOfMonth", "dayOfWeek", "hour", "minute"] as const).map((f) => calendarValue(f, ms)),
      [3, 10, 0, 17, 45],
    );
    assert.equal(calendarValue("weekOfYear", Date.parse("2024-01-08T00:00:00Z")), 2);
  });

  test("a set that does not match its arrays is refused", () => {
    const set = tinySet();
    set.series[0].related[0] = new Float64Array(31);
    assert.throws(() => seriesContexts(set, 0), /related array has 31 points/);
  });
});

describe("training rows", () => {
  const set = tinySet();
  set.series.push({
    ...set.series[0],
    target: Float64Array.from({ length: 30 }, (_, t) => (t === 20 ? Number.NaN : t)),
  });
  const contexts = seriesContexts(set, 0);
  const all = sampleTrainingRows(contexts, { horizon: 3, minOrigin: 7, maxRows: 1e9, seed: 1 });

  test("without a binding budget, every (origin, step) with a known target, once", () => {
    // Origins 7..29; steps 0..2 with origin + step < 30: 23·3 − 3 = 66 per series; one NaN target
    // (index 20, reachable from 3 origins) in the second.
    assert.equal(all.series.length, 66 + 63);
    const keys = new Set<string>();
    for (let r = 0; r < all.series.length; r++) {
      const i = all.series[r];
      const t = all.origin[r] + all.step[r];
      assert.ok(all.origin[r] >= 7 && t < 30 && !Number.isNaN(set.series[i].target[t]));
      keys.add(`${i}:${all.origin[r]}:${all.step[r]}`);
    }
    assert.equal(keys.size, all.series.length);
  });

  test("a budget bounds the rows, splits them by candidates, and a seed fixes them", () => {
    const a = sampleTrainingRows(contexts, { horizon: 3, minOrigin: 7, maxRows: 40, seed: 5 });
    const b = sampleTrainingRows(contexts, { horizon: 3, minOrigin: 7, maxRows: 40, seed: 5 });
    const c = sampleTrainingRows(contexts, { horizon: 3, minOrigin: 7, maxRows: 40, seed: 6 });
    assert.ok(a.series.length <= 40 && a.series.length >= 36, `${a.series.length} rows`);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const first = a.series.filter((i) => i === 0).length;
    assert.ok(first >= 18 && first <= 21, `${first} rows of series 0`);
  });
});
