import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SeriesPreparationError } from "../../src/data/series-error.js";
import { parseFrequency } from "../../src/data/series-frequency.js";
import { timeGrid } from "../../src/data/series-grid.js";
import { checkHolidayCountries, holidayFlags } from "../../src/data/series-holidays.js";

const grid = (frequency: string) => timeGrid(parseFrequency(frequency, "f"));
/** Flags of the buckets from `from` (inclusive), as the ISO dates that are flagged. */
function flaggedStarts(code: string, frequency: string, from: string, count: number): string[] {
  const g = grid(frequency);
  const first = g.indexOf(Date.parse(`${from}Z`));
  const flags = holidayFlags(code, g, first, count);
  return [...flags].flatMap((f, i) =>
    f === 1 ? [new Date(g.startOf(first + i)).toISOString().slice(0, 10)] : [],
  );
}

describe("holidays", () => {
  test("US public holidays by day: Independence Day, not the days around it", () => {
    assert.deepEqual(flaggedStarts("US", "D", "2024-07-01T00:00:00", 7), ["2024-07-04"]);
    // 2021-07-04 was a Sunday; the observed substitute on Monday the 5th is a day off too.
    assert.deepEqual(flaggedStarts("US", "D", "2021-07-03T00:00:00", 4), ["2021-07-04", "2021-07-05"]);
  });

  test("a coarser bucket is a holiday when any of its days is", () => {
    // Weeks from Monday 2024-06-24: the week of 2024-07-01 holds the 4th; the week of 06-24 nothing (06-19 was before).
    assert.deepEqual(flaggedStarts("US", "W", "2024-06-24T00:00:00", 3), ["2024-07-01"]);
    // Hours of the 4th are all holiday hours.
    const hours = holidayFlags("US", grid("H"), grid("H").indexOf(Date.parse("2024-07-03T22:00:00Z")), 4);
    assert.deepEqual([...hours], [0, 0, 1, 1]);
  });

  test("Amazon's UK is the United Kingdom (Boxing Day)", () => {
    assert.deepEqual(flaggedStarts("UK", "D", "2024-12-24T00:00:00", 4), ["2024-12-25", "2024-12-26"]);
  });

  test("country codes are checked, upper-cased, and given once", () => {
    assert.deepEqual(checkHolidayCountries(["us", "DE"]), ["US", "DE"]);
    assert.throws(
      () => checkHolidayCountries(["XX"]),
      (e: unknown) => {
        assert.ok(e instanceof SeriesPreparationError);
        assert.equal(e.problem, "BAD_HOLIDAY_COUNTRY");
        assert.match(e.message, /no holiday calendar for the country code "XX"/);
        return true;
      },
    );
    assert.throws(() => checkHolidayCountries(["US", "us"]), /given more than once/);
  });
});
