// Calendar features of a target time, chosen by the data frequency: only what varies on that grid and can
// carry a season (a monthly grid has no day of week worth learning; an hourly one has an hour of day).

export type CalendarField = "month" | "weekOfYear" | "dayOfMonth" | "dayOfWeek" | "hour" | "minute";

/** The frequency's unit: "3M" → "M", "15min" → "min"; unknown strings are refused. */
export function frequencyUnit(frequency: string): "Y" | "M" | "W" | "D" | "H" | "min" {
  const match = /^(\d*)(Y|M|W|D|H|min)$/.exec(frequency);
  if (!match) throw new RangeError(`unknown data frequency: ${frequency}`);
  return match[2] as "Y" | "M" | "W" | "D" | "H" | "min";
}

const FIELDS_BY_UNIT: Readonly<Record<string, readonly CalendarField[]>> = {
  Y: [],
  M: ["month"],
  W: ["month", "weekOfYear"],
  D: ["month", "dayOfMonth", "dayOfWeek"],
  H: ["month", "dayOfWeek", "hour"],
  min: ["dayOfWeek", "hour", "minute"],
};

export function calendarFields(frequency: string): CalendarField[] {
  return [...FIELDS_BY_UNIT[frequencyUnit(frequency)]];
}

const DAY_MS = 86_400_000;

/** The field's value at epoch milliseconds `ms`, in UTC (the grid's timestamps are UTC). */
export function calendarValue(field: CalendarField, ms: number): number {
  if (!Number.isFinite(ms)) return Number.NaN;
  const d = new Date(ms);
  switch (field) {
    case "month":
      return d.getUTCMonth() + 1;
    case "weekOfYear":
      return Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / (7 * DAY_MS)) + 1;
    case "dayOfMonth":
      return d.getUTCDate();
    case "dayOfWeek":
      return d.getUTCDay();
    case "hour":
      return d.getUTCHours();
    case "minute":
      return d.getUTCMinutes();
  }
}
