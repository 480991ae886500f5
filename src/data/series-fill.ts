// Filling missing values (NaN) of one series array, region by region, as Amazon's filling methods describe:
// middle (between the item's first and last record), back (after the item's last record up to the end of the
// history shared by all series) and future (the forecast horizon, related fields only).
import type { FillMethod } from "./series-transformations.js";

/**
 * Where each kind of gap lies in an array, as positions: [0, frontEnd) is before the item's first record and is
 * never filled; [frontEnd, middleEnd) is middle; [middleEnd, backEnd) is back; [backEnd, length) is future.
 */
export interface FillRegions {
  frontEnd: number;
  middleEnd: number;
  backEnd: number;
}

export interface FillMethods {
  middle?: FillMethod | undefined;
  back?: FillMethod | undefined;
  future?: FillMethod | undefined;
}

/** Amazon computes mean, median, min and max over the 64 most recent entries before the missing values. */
export const STATISTIC_WINDOW = 64;

/** The most recent observed values, oldest overwritten first. */
class RecentValues {
  private readonly values = new Float64Array(STATISTIC_WINDOW);
  private next = 0;
  count = 0;

  push(value: number): void {
    this.values[this.next] = value;
    this.next = (this.next + 1) % STATISTIC_WINDOW;
    if (this.count < STATISTIC_WINDOW) this.count++;
  }

  /** The held values (in no particular order). */
  view(): Float64Array {
    return this.values.subarray(0, this.count);
  }
}

function statistic(method: "mean" | "median" | "min" | "max", recent: RecentValues): number {
  const values = recent.view();
  if (values.length === 0) return Number.NaN;
  switch (method) {
    case "mean": {
      let sum = 0;
      for (const v of values) sum += v;
      return sum / values.length;
    }
    case "min":
      return Math.min(...values);
    case "max":
      return Math.max(...values);
    case "median": {
      const sorted = Float64Array.from(values).sort();
      const mid = sorted.length >> 1;
      return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
  }
}

function fillValue(fill: FillMethod, recent: RecentValues): number {
  switch (fill.method) {
    case "zero":
      return 0;
    case "nan":
      return Number.NaN;
    case "value":
      return fill.value;
    default:
      return statistic(fill.method, recent);
  }
}

/**
 * Fills the NaNs of `values` in place. Statistics use only values that were observed (never earlier fills), the
 * up to 64 closest before each gap; with none observed yet the gap stays NaN. Regions without a method stay NaN.
 */
export function fillMissing(values: Float64Array, regions: FillRegions, methods: FillMethods): void {
  const n = values.length;
  const recent = new RecentValues();
  let i = 0;
  while (i < n) {
    const v = values[i];
    if (!Number.isNaN(v)) {
      recent.push(v);
      i++;
      continue;
    }
    let regionEnd: number;
    let fill: FillMethod | undefined;
    if (i < regions.frontEnd) regionEnd = regions.frontEnd;
    else if (i < regions.middleEnd) [regionEnd, fill] = [regions.middleEnd, methods.middle];
    else if (i < regions.backEnd) [regionEnd, fill] = [regions.backEnd, methods.back];
    else [regionEnd, fill] = [n, methods.future];
    let end = i + 1;
    while (end < regionEnd && Number.isNaN(values[end])) end++;
    if (fill) values.fill(fillValue(fill, recent), i, end);
    i = end;
  }
}
