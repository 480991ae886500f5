// The buckets of the forecast frequency: which bucket a timestamp falls in (in SQL, for DuckDB's GROUP BY, and
// in JS), and when each bucket starts. Buckets are numbered by an integer index so that a series is a range of
// consecutive indices; the index counts steps from a fixed origin in 1970, so every series shares one grid.
// Timestamps are wall-clock times stored without zone; epoch milliseconds of that wall-clock time as if UTC.
import { SeriesPreparationError } from "./series-error.js";
import type { Frequency } from "./series-frequency.js";

/** Amazon's TimeAlignmentBoundary: where a bucket of the forecast frequency begins. */
export interface TimeAlignmentBoundary {
  Month?: string;
  DayOfMonth?: number;
  DayOfWeek?: string;
  Hour?: number;
}

export interface TimeGrid {
  frequency: Frequency;
  /** SQL for the bucket index (BIGINT) of a TIMESTAMP expression. */
  indexSql(timestamp: string): string;
  /** The bucket index of epoch milliseconds. */
  indexOf(ms: number): number;
  /** Epoch milliseconds at which bucket `index` starts (the timestamp a forecast point carries). */
  startOf(index: number): number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MONTHS = [
  "JANUARY",
  "FEBRUARY",
  "MARCH",
  "APRIL",
  "MAY",
  "JUNE",
  "JULY",
  "AUGUST",
  "SEPTEMBER",
  "OCTOBER",
  "NOVEMBER",
  "DECEMBER",
];
const WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];
/** 1970-01-05, the first Monday of the epoch: weeks count from there. */
const FIRST_MONDAY_MS = Date.UTC(1970, 0, 5);

// Which boundary keys each unit accepts: the key of the unit itself and the finer ones below it. Coarser keys
// (a Month for weekly buckets) mean nothing for that grid and are refused rather than ignored.
const ALLOWED_KEYS: Readonly<Record<Frequency["unit"], readonly (keyof TimeAlignmentBoundary)[]>> = {
  Y: ["Month", "DayOfMonth", "Hour"],
  M: ["DayOfMonth", "Hour"],
  W: ["DayOfWeek", "Hour"],
  D: ["Hour"],
  H: [],
  min: [],
};

const refuse = (message: string): never => {
  throw new SeriesPreparationError("BAD_BOUNDARY", message);
};

function integerIn(value: unknown, low: number, high: number, key: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < low || value > high) {
    refuse(
      `TimeAlignmentBoundary ${key} must be a whole number from ${low} to ${high}, not ${String(value)}`,
    );
  }
  return value as number;
}

function oneOf(value: unknown, names: readonly string[], key: string): number {
  const index = typeof value === "string" ? names.indexOf(value) : -1;
  if (index < 0)
    refuse(`TimeAlignmentBoundary ${key} must be one of ${names.join(", ")}, not ${String(value)}`);
  return index;
}

/** Checks the boundary against the frequency; the defaults are Amazon's (January, the 1st, Monday, hour 0). */
function checkedBoundary(frequency: Frequency, boundary: TimeAlignmentBoundary = {}) {
  const allowed = ALLOWED_KEYS[frequency.unit];
  for (const key of Object.keys(boundary) as (keyof TimeAlignmentBoundary)[]) {
    if (boundary[key] === undefined) continue;
    if (!allowed.includes(key)) {
      refuse(
        allowed.length === 0
          ? `TimeAlignmentBoundary cannot be used with the forecast frequency ${frequency.name}: hourly and minutely buckets always start on the hour and the minute`
          : `TimeAlignmentBoundary ${key} does not apply to the forecast frequency ${frequency.name}; it accepts ${allowed.join(", ")}`,
      );
    }
  }
  return {
    month: boundary.Month === undefined ? 0 : oneOf(boundary.Month, MONTHS, "Month"),
    day: boundary.DayOfMonth === undefined ? 1 : integerIn(boundary.DayOfMonth, 1, 28, "DayOfMonth"),
    weekday: boundary.DayOfWeek === undefined ? 0 : oneOf(boundary.DayOfWeek, WEEKDAYS, "DayOfWeek"),
    hour: boundary.Hour === undefined ? 0 : integerIn(boundary.Hour, 0, 23, "Hour"),
  };
}

/** Buckets of one fixed length counted from an origin: weeks, days, hours, minutes (and their multiples). */
function fixedGrid(frequency: Frequency, originMs: number, widthMs: number): TimeGrid {
  return {
    frequency,
    indexSql: (ts) => `CAST(floor((epoch_ms(${ts}) - ${originMs}) / ${widthMs}) AS BIGINT)`,
    indexOf: (ms) => Math.floor((ms - originMs) / widthMs),
    startOf: (index) => originMs + index * widthMs,
  };
}

/**
 * Month buckets (and multiples, from January 1970: "3M" gives calendar quarters) starting on `day` at `hour`.
 * A timestamp before that day and hour of its month belongs to the previous month's bucket.
 */
function monthGrid(frequency: Frequency, day: number, hour: number): TimeGrid {
  const k = frequency.multiple;
  const anchor = day * 100 + hour;
  return {
    frequency,
    indexSql: (ts) => {
      const months = `((year(${ts}) - 1970) * 12 + month(${ts}) - 1 - CASE WHEN day(${ts}) * 100 + hour(${ts}) < ${anchor} THEN 1 ELSE 0 END)`;
      return k === 1 ? `CAST(${months} AS BIGINT)` : `CAST(floor(${months} / ${k}) AS BIGINT)`;
    },
    indexOf: (ms) => {
      const d = new Date(ms);
      const before = d.getUTCDate() * 100 + d.getUTCHours() < anchor ? 1 : 0;
      return Math.floor(((d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth() - before) / k);
    },
    startOf: (index) => Date.UTC(1970, index * k, day, hour),
  };
}

/** Year buckets starting on `month` (0-based), `day`, `hour`. */
function yearGrid(frequency: Frequency, month: number, day: number, hour: number): TimeGrid {
  const anchor = ((month + 1) * 100 + day) * 100 + hour;
  return {
    frequency,
    indexSql: (ts) =>
      `CAST(year(${ts}) - 1970 - CASE WHEN (month(${ts}) * 100 + day(${ts})) * 100 + hour(${ts}) < ${anchor} THEN 1 ELSE 0 END AS BIGINT)`,
    indexOf: (ms) => {
      const d = new Date(ms);
      const at = ((d.getUTCMonth() + 1) * 100 + d.getUTCDate()) * 100 + d.getUTCHours();
      return d.getUTCFullYear() - 1970 - (at < anchor ? 1 : 0);
    },
    startOf: (index) => Date.UTC(1970 + index, month, day, hour),
  };
}

/** The grid of a forecast frequency with its time boundary (Amazon's defaults where none is given). */
export function timeGrid(frequency: Frequency, boundary?: TimeAlignmentBoundary): TimeGrid {
  const b = checkedBoundary(frequency, boundary);
  const k = frequency.multiple;
  switch (frequency.unit) {
    case "Y":
      return yearGrid(frequency, b.month, b.day, b.hour);
    case "M":
      return monthGrid(frequency, b.day, b.hour);
    case "W":
      return fixedGrid(frequency, FIRST_MONDAY_MS + b.weekday * DAY_MS + b.hour * HOUR_MS, k * 7 * DAY_MS);
    case "D":
      return fixedGrid(frequency, b.hour * HOUR_MS, k * DAY_MS);
    case "H":
      return fixedGrid(frequency, 0, k * HOUR_MS);
    case "min":
      return fixedGrid(frequency, 0, k * 60_000);
  }
}
