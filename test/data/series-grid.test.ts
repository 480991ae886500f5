import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { withConnection } from "../../src/data/duckdb.js";
import { SeriesPreparationError } from "../../src/data/series-error.js";
import { parseFrequency } from "../../src/data/series-frequency.js";
import { type TimeAlignmentBoundary, timeGrid } from "../../src/data/series-grid.js";

const grid = (frequency: string, boundary?: TimeAlignmentBoundary) =>
  timeGrid(parseFrequency(frequency, "forecast frequency"), boundary);
const ms = (iso: string) => Date.parse(`${iso}Z`);
const iso = (t: number) => new Date(t).toISOString().slice(0, 19);
/** The start of the bucket holding `at`, as text. */
const bucketOf = (frequency: string, at: string, boundary?: TimeAlignmentBoundary) => {
  const g = grid(frequency, boundary);
  return iso(g.startOf(g.indexOf(ms(at))));
};

describe("frequencies", () => {
  test("canonical names, multiples and limits", () => {
    assert.equal(parseFrequency("1D", "f").name, "D");
    assert.equal(parseFrequency("W", "f").name, "W");
    assert.equal(parseFrequency("2W", "f").name, "2W");
    assert.equal(parseFrequency("15min", "f").name, "15min");
    assert.equal(parseFrequency("3M", "f").multiple, 3);
    for (const bad of ["min", "7D", "60min", "2Y", "5W", "0D", "D1", "1d", ""]) {
      assert.throws(() => parseFrequency(bad, "forecast frequency"), SeriesPreparationError, bad);
    }
  });
});

describe("time grid", () => {
  test("Amazon's default boundaries: Monday weeks, midnight days, first of month, January years", () => {
    assert.equal(bucketOf("W", "2024-07-03T15:00:00"), "2024-07-01T00:00:00"); // a Wednesday → Monday
    assert.equal(bucketOf("W", "2024-07-01T00:00:00"), "2024-07-01T00:00:00");
    assert.equal(bucketOf("W", "2024-06-30T23:59:59"), "2024-06-24T00:00:00"); // Sunday closes the week
    assert.equal(bucketOf("D", "2024-07-03T23:59:59"), "2024-07-03T00:00:00");
    assert.equal(bucketOf("M", "2024-02-29T12:00:00"), "2024-02-01T00:00:00");
    assert.equal(bucketOf("Y", "2024-12-31T23:00:00"), "2024-01-01T00:00:00");
    assert.equal(bucketOf("H", "2024-07-03T15:59:00"), "2024-07-03T15:00:00");
    assert.equal(bucketOf("15min", "2024-07-03T15:44:59"), "2024-07-03T15:30:00");
    assert.equal(bucketOf("3M", "2024-05-20T00:00:00"), "2024-04-01T00:00:00"); // calendar quarters
    assert.equal(bucketOf("2D", "1969-12-31T12:00:00"), "1969-12-30T00:00:00"); // before the epoch too
  });

  test("custom boundaries move the start of each bucket", () => {
    assert.equal(bucketOf("W", "2024-07-03T00:00:00", { DayOfWeek: "SUNDAY" }), "2024-06-30T00:00:00");
    assert.equal(bucketOf("W", "2024-07-03T00:00:00", { DayOfWeek: "THURSDAY" }), "2024-06-27T00:00:00");
    assert.equal(bucketOf("D", "2024-07-03T05:00:00", { Hour: 6 }), "2024-07-02T06:00:00");
    assert.equal(bucketOf("D", "2024-07-03T06:00:00", { Hour: 6 }), "2024-07-03T06:00:00");
    assert.equal(bucketOf("M", "2024-07-14T23:00:00", { DayOfMonth: 15 }), "2024-06-15T00:00:00");
    assert.equal(bucketOf("M", "2024-07-15T00:00:00", { DayOfMonth: 15 }), "2024-07-15T00:00:00");
    assert.equal(bucketOf("Y", "2024-03-31T00:00:00", { Month: "APRIL" }), "2023-04-01T00:00:00");
    assert.equal(bucketOf("Y", "2024-04-01T00:00:00", { Month: "APRIL" }), "2024-04-01T00:00:00");
  });

  test("consecutive indices are consecutive calendar steps", () => {
    const monthly = grid("M", { DayOfMonth: 28 });
    const i = monthly.indexOf(ms("2024-01-28T00:00:00"));
    assert.deepEqual(
      [0, 1, 2].map((k) => iso(monthly.startOf(i + k))),
      ["2024-01-28T00:00:00", "2024-02-28T00:00:00", "2024-03-28T00:00:00"],
    );
  });

  test("DuckDB places every timestamp in the same bucket as JS", async () => {
    const cases: [string, TimeAlignmentBoundary?][] = [
      ["W"],
      ["2W", { DayOfWeek: "WEDNESDAY", Hour: 3 }],
      ["D", { Hour: 18 }],
      ["M", { DayOfMonth: 10, Hour: 12 }],
      ["3M"],
      ["Y", { Month: "JULY", DayOfMonth: 4 }],
      ["5H"],
      ["10min"],
    ];
    await withConnection(undefined, async (connection) => {
      for (const [frequency, boundary] of cases) {
        const g = grid(frequency, boundary);
        // Irregular steps of 7 h 37 min over about three years, crossing month ends, leap day and year ends.
        const rows = (
          await connection.runAndReadAll(
            `SELECT CAST(epoch_ms(ts) AS DOUBLE) AS ms, CAST(${g.indexSql("ts")} AS DOUBLE) AS b
             FROM (SELECT TIMESTAMP '2022-11-30 22:00:00' + i * INTERVAL 457 MINUTE AS ts FROM range(3500) AS r(i))`,
          )
        ).getRowsJS() as [number, number][];
        for (const [t, b] of rows) {
          assert.equal(b, g.indexOf(t), `${frequency} ${iso(t)}`);
          assert.ok(g.startOf(b) <= t && t < g.startOf(b + 1), `${frequency} ${iso(t)} within its bucket`);
        }
      }
    });
  });

  test("boundaries that do not fit the frequency are refused", () => {
    const refused = (frequency: string, boundary: TimeAlignmentBoundary, pattern: RegExp) =>
      assert.throws(
        () => grid(frequency, boundary),
        (e: unknown) => {
          assert.ok(e instanceof SeriesPreparationError);
          assert.equal(e.problem, "BAD_BOUNDARY");
          assert.match(e.message, pattern);
          return true;
        },
      );
    refused(
      "W",
      { Month: "JANUARY" },
      /Month does not apply to the forecast frequency W; it accepts DayOfWeek, Hour/,
    );
    refused("M", { DayOfWeek: "MONDAY" }, /DayOfWeek does not apply/);
    refused("H", { Hour: 3 }, /cannot be used with the forecast frequency H/);
    refused("W", { DayOfWeek: "monday" }, /DayOfWeek must be one of MONDAY/);
    refused("D", { Hour: 24 }, /Hour must be a whole number from 0 to 23/);
    refused("M", { DayOfMonth: 31 }, /DayOfMonth must be a whole number from 1 to 28/);
  });
});
