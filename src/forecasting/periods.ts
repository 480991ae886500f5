// The seasonal period implied by Amazon Forecast's DataFrequency, and whether a series can carry that season.

/** Seasonal period per Amazon frequency unit (one unit of the frequency). */
export const SEASONAL_PERIODS: Readonly<Record<string, number>> = {
  Y: 1,
  M: 12,
  W: 52,
  D: 7,
  H: 24,
  "30min": 48,
  "15min": 96,
  "10min": 144,
  "5min": 288,
  "1min": 1440,
};

// The cycle each unit repeats over, measured in that unit: a year of months, a week of days, a day of hours
// or minutes. Multiples like "3M" (quarters) or "6H" divide it when they divide evenly.
const CYCLE_IN_UNITS: Readonly<Record<string, number>> = { Y: 1, M: 12, W: 52, D: 7, H: 24, min: 1440 };

/**
 * Seasonal period for an Amazon DataFrequency string ("M", "15min", and multiples such as "3M" → 4 or "2H" → 12).
 * A multiple that does not divide the natural cycle has no usable season and gets 1.
 */
export function seasonalPeriod(frequency: string): number {
  const fixed = SEASONAL_PERIODS[frequency];
  if (fixed !== undefined) return fixed;
  const match = /^(\d+)(Y|M|W|D|H|min)$/.exec(frequency);
  if (!match) throw new RangeError(`unknown data frequency: ${frequency}`);
  const multiple = Number(match[1]);
  const cycle = CYCLE_IN_UNITS[match[2]];
  if (multiple < 1) throw new RangeError(`unknown data frequency: ${frequency}`);
  // Weekly multiples use the rounded 52-week year (2W → 26, 4W → 13), as there is no exact fit anyway.
  const period = match[2] === "W" ? Math.round(cycle / multiple) : cycle / multiple;
  return Number.isInteger(period) && period >= 2 ? period : 1;
}

/** A season can only be estimated from at least two full cycles. */
export function canUseSeason(n: number, period: number): boolean {
  return period > 1 && n >= 2 * period;
}
