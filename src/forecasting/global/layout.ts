// Which feature columns the global model has, in which order, and which explainability player owns each.
// Decided once from the SeriesSet's shape at fit time and stored with the model, so forecasting and
// explaining rebuild exactly the columns the trees were trained on.

import type { SeriesSet } from "../series-set.js";
import { type CalendarField, calendarFields, frequencyUnit } from "./calendar.js";

export interface FeatureLayout {
  frequency: string;
  period: number;
  horizon: number;
  /** Target lags at the origin: y[origin − 1], …, y[origin − nLags]. */
  nLags: number;
  /** Rolling means of the target before the origin, over these many points. */
  shortWindow: number;
  longWindow: number;
  /** Points before the origin whose mean |y| scales the series (see series-context.ts). */
  scaleWindow: number;
  /** Seasonal lags are taken at each of these periods (in grid points). */
  seasonalPeriods: number[];
  calendar: CalendarField[];
  relatedNames: string[];
  metadataNames: string[];
  /** Per metadata field: true when its values are category codes, false when numeric. */
  metadataCategorical: boolean[];
  holidayCountries: string[];
}

/** Seasonal features per seasonal period: the last two same-phase values known at the origin, and the mean of
 * the last four. */
export const SEASONAL_COLUMNS = 3;
/** Columns per related field: its value at the target time, and that value relative to the series' mean. */
export const RELATED_COLUMNS = 2;

export function layoutFor(set: SeriesSet): FeatureLayout {
  if (!(Number.isInteger(set.period) && set.period >= 1)) throw new RangeError(`bad period ${set.period}`);
  if (!(Number.isInteger(set.horizon) && set.horizon >= 1))
    throw new RangeError(`bad horizon ${set.horizon}`);
  const unit = frequencyUnit(set.frequency);
  const p = set.period;
  const seasonalPeriods = p > 1 ? [p] : [];
  // Below a day the period is the day; the week is the other cycle demand follows.
  if ((unit === "H" || unit === "min") && p > 1) seasonalPeriods.push(7 * p);
  const shortWindow = Math.max(p, 4);
  return {
    frequency: set.frequency,
    period: p,
    horizon: set.horizon,
    nLags: Math.min(Math.max(p, 4), 24),
    shortWindow,
    longWindow: 4 * shortWindow,
    scaleWindow: Math.max(4 * p, 28),
    seasonalPeriods,
    calendar: calendarFields(set.frequency),
    relatedNames: [...set.relatedNames],
    metadataNames: [...set.metadataNames],
    metadataCategorical: set.metadataNames.map((_, j) => (set.metadataLevels[j] ?? []).length > 0),
    holidayCountries: [...set.holidayCountries],
  };
}

/** Where each block of columns starts. */
export interface ColumnOffsets {
  step: number;
  logScale: number;
  lags: number;
  shortMean: number;
  longMean: number;
  seasonal: number;
  calendar: number;
  related: number;
  metadata: number;
  holidays: number;
  nFeatures: number;
}

export function columnOffsets(l: FeatureLayout): ColumnOffsets {
  const lags = 2;
  const shortMean = lags + l.nLags;
  const longMean = shortMean + 1;
  const seasonal = longMean + 1;
  const calendar = seasonal + SEASONAL_COLUMNS * l.seasonalPeriods.length;
  const related = calendar + l.calendar.length;
  const metadata = related + RELATED_COLUMNS * l.relatedNames.length;
  const holidays = metadata + l.metadataNames.length;
  const nFeatures = holidays + l.holidayCountries.length;
  return {
    step: 0,
    logScale: 1,
    lags,
    shortMean,
    longMean,
    seasonal,
    calendar,
    related,
    metadata,
    holidays,
    nFeatures,
  };
}

export function nPlayers(l: FeatureLayout): number {
  return l.relatedNames.length + l.metadataNames.length + l.holidayCountries.length;
}

/** Column → player (attributeNames order: related, metadata, holidays); −1 for history, calendar, step. */
export function playerGroups(l: FeatureLayout): Int32Array {
  const o = columnOffsets(l);
  const groups = new Int32Array(o.nFeatures).fill(-1);
  const nR = l.relatedNames.length;
  const nM = l.metadataNames.length;
  for (let r = 0; r < nR; r++)
    for (let c = 0; c < RELATED_COLUMNS; c++) groups[o.related + RELATED_COLUMNS * r + c] = r;
  for (let m = 0; m < nM; m++) groups[o.metadata + m] = nR + m;
  for (let c = 0; c < l.holidayCountries.length; c++) groups[o.holidays + c] = nR + nM + c;
  return groups;
}

/** Human-readable column names, in column order (for debugging and feature importance). */
export function featureNames(l: FeatureLayout): string[] {
  const names = ["step", "log_scale"];
  for (let k = 1; k <= l.nLags; k++) names.push(`lag_${k}`);
  names.push(`mean_${l.shortWindow}`, `mean_${l.longWindow}`);
  for (const p of l.seasonalPeriods)
    names.push(`season_${p}_lag_1`, `season_${p}_lag_2`, `season_${p}_mean_4`);
  names.push(...l.calendar);
  for (const r of l.relatedNames) names.push(r, `${r}_relative`);
  names.push(...l.metadataNames);
  names.push(...l.holidayCountries.map((cc) => `Holiday_${cc}`));
  return names;
}

/** Throws unless `set` has the shape the layout was built from (same attributes, frequency and horizon). */
export function checkSetMatches(l: FeatureLayout, set: SeriesSet): void {
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((x, i) => x === b[i]);
  const problems: string[] = [];
  if (set.frequency !== l.frequency) problems.push(`frequency ${set.frequency} ≠ ${l.frequency}`);
  if (set.period !== l.period) problems.push(`period ${set.period} ≠ ${l.period}`);
  if (set.horizon !== l.horizon) problems.push(`horizon ${set.horizon} ≠ ${l.horizon}`);
  if (!same(set.relatedNames, l.relatedNames)) problems.push("related fields differ");
  if (!same(set.metadataNames, l.metadataNames)) problems.push("metadata fields differ");
  if (!same(set.holidayCountries, l.holidayCountries)) problems.push("holiday calendars differ");
  if (problems.length > 0)
    throw new RangeError(`series set does not match the model: ${problems.join("; ")}`);
}
