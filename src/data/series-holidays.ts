// The holidays featurization: per country, a 0/1 flag for each bucket of the grid, from the date-holidays
// calendars. Only public holidays count (days off by law, including the substitute days observed when a holiday
// falls on a weekend); bank, school, optional and observance days do not.
import Holidays from "date-holidays";
import { SeriesPreparationError } from "./series-error.js";
import type { TimeGrid } from "./series-grid.js";

const DAY_MS = 86_400_000;

// Amazon writes the United Kingdom as UK; date-holidays (like ISO 3166) as GB.
const ALIASES: Readonly<Record<string, string>> = { UK: "GB" };

let knownCountries: Set<string> | undefined;

const calendarCode = (code: string): string => ALIASES[code] ?? code;

/**
 * Checks the country codes of AdditionalDatasets `holiday` and returns them in upper case, in the given order.
 * Any country date-holidays has a calendar for is accepted (a superset of Amazon's list), and UK.
 */
export function checkHolidayCountries(codes: readonly string[]): string[] {
  knownCountries ??= new Set(Object.keys(new Holidays().getCountries()));
  const known = knownCountries;
  const result: string[] = [];
  for (const given of codes) {
    const code = given.trim().toUpperCase();
    if (!known.has(calendarCode(code))) {
      throw new SeriesPreparationError(
        "BAD_HOLIDAY_COUNTRY",
        `There is no holiday calendar for the country code ${JSON.stringify(given)}; use a two-letter country code such as US, DE or UK`,
      );
    }
    if (result.includes(code)) {
      throw new SeriesPreparationError(
        "BAD_HOLIDAY_COUNTRY",
        `The holiday country ${code} is given more than once`,
      );
    }
    result.push(code);
  }
  return result;
}

/** The public holidays of a country between two years (inclusive), as day numbers since 1970-01-01. */
function holidayDays(code: string, firstYear: number, lastYear: number): Set<number> {
  const days = new Set<number>();
  for (let year = firstYear; year <= lastYear; year++)
    for (const day of daysOfYear(code, year)) days.add(day);
  return days;
}

// date-holidays takes milliseconds per calendar and year, and a predictor's training, forecasts and explanations ask
// for the same years again: both are kept for the life of the process (a few numbers per year).
const calendars = new Map<string, Holidays>();
const yearDays = new Map<string, readonly number[]>();

function daysOfYear(code: string, year: number): readonly number[] {
  const cacheKey = `${code} ${year}`;
  const cached = yearDays.get(cacheKey);
  if (cached) return cached;
  let calendar = calendars.get(code);
  if (!calendar) {
    calendar = new Holidays(calendarCode(code));
    calendars.set(code, calendar);
  }
  const days: number[] = [];
  for (const holiday of calendar.getHolidays(year)) {
    if (holiday.type !== "public") continue;
    // `date` is the local calendar date ("2024-07-04 00:00:00"); data timestamps are local wall-clock time too,
    // so compare dates, not instants (start/end are instants in the country's zone).
    const [y, m, d] = holiday.date.slice(0, 10).split("-").map(Number) as [number, number, number];
    const first = Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
    const length = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
    for (let k = 0; k < length; k++) days.push(first + k);
  }
  yearDays.set(cacheKey, days);
  return days;
}

/** The years whose holidays the buckets `firstIndex` .. `firstIndex + count − 1` need. */
function yearsOf(grid: TimeGrid, firstIndex: number, count: number): [number, number] {
  const startMs = grid.startOf(firstIndex);
  const endMs = grid.startOf(firstIndex + count);
  return [new Date(startMs).getUTCFullYear() - 1, new Date(endMs).getUTCFullYear()];
}

/**
 * Computes ahead what holidayFlags will need, one year per turn of the event loop, so that a long history does not
 * hold up API calls for the whole of it.
 */
export async function loadHolidays(
  code: string,
  grid: TimeGrid,
  firstIndex: number,
  count: number,
): Promise<void> {
  if (count === 0) return;
  const [firstYear, lastYear] = yearsOf(grid, firstIndex, count);
  for (let year = firstYear; year <= lastYear; year++) {
    daysOfYear(code, year);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * One flag per bucket `firstIndex, firstIndex + 1, ...` (count of them): 1 when any day the bucket overlaps is a
 * public holiday of the country (a week with the 4th of July is a holiday week), else 0. Written into `flags`
 * when given (zeros, `count` long).
 */
export function holidayFlags(
  code: string,
  grid: TimeGrid,
  firstIndex: number,
  count: number,
  flags: Float64Array = new Float64Array(count),
): Float64Array {
  if (count === 0) return flags;
  const days = holidayDays(code, ...yearsOf(grid, firstIndex, count));
  let bucketEnd = grid.startOf(firstIndex);
  for (let i = 0; i < count; i++) {
    const bucketStart = bucketEnd;
    bucketEnd = grid.startOf(firstIndex + i + 1);
    const lastDay = Math.ceil(bucketEnd / DAY_MS) - 1;
    for (let day = Math.floor(bucketStart / DAY_MS); day <= lastDay; day++) {
      if (days.has(day)) {
        flags[i] = 1;
        break;
      }
    }
  }
  return flags;
}
