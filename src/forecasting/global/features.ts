// The feature row of one (series, origin, step): everything known at the origin about the target's past,
// scaled by the series' own unit so that series of any size share the trees, and everything known about the
// target time itself (calendar, related values, metadata, holidays). See layout.ts for the column order.

import { type FeatureMatrix, featureMatrix } from "../gbdt/matrix.js";
import { calendarValue } from "./calendar.js";
import { columnOffsets, type FeatureLayout, RELATED_COLUMNS, SEASONAL_COLUMNS } from "./layout.js";
import type { SeriesContext } from "./series-context.js";

/** Rows as parallel arrays: series index, origin (the first forecast point = history points known), and step
 * (0-based: the target is at index origin + step). */
export interface RowRefs {
  series: Int32Array;
  origin: Int32Array;
  step: Int32Array;
}

export interface FeatureRows {
  X: FeatureMatrix;
  /** Per row, the series' scale at the origin: predictions are in units of it. */
  scale: Float64Array;
}

/** Builds the column-major feature matrix of `rows`. */
export function featureRows(
  layout: FeatureLayout,
  contexts: readonly SeriesContext[],
  rows: RowRefs,
): FeatureRows {
  const n = rows.series.length;
  const o = columnOffsets(layout);
  const data = new Float64Array(n * o.nFeatures);
  const scale = new Float64Array(n);
  const at = (f: number, r: number, v: number) => {
    data[f * n + r] = v;
  };
  for (let r = 0; r < n; r++) {
    const ctx = contexts[rows.series[r]];
    const s = ctx.series;
    const y = s.target;
    const origin = rows.origin[r];
    const step = rows.step[r];
    const t = origin + step;
    const known = (i: number) => (i >= 0 && i < origin ? y[i] : Number.NaN);
    const unit = ctx.scaleAt(origin, layout.scaleWindow);
    scale[r] = unit;

    at(o.step, r, step + 1);
    at(o.logScale, r, Math.log(unit));
    for (let k = 1; k <= layout.nLags; k++) at(o.lags + k - 1, r, known(origin - k) / unit);
    at(o.shortMean, r, ctx.meanBefore(origin, layout.shortWindow) / unit);
    at(o.longMean, r, ctx.meanBefore(origin, layout.longWindow) / unit);
    layout.seasonalPeriods.forEach((p, j) => {
      // The latest point of the target's phase that is known at the origin, then the cycles before it.
      const last = t - p * Math.ceil((step + 1) / p);
      let sum = 0;
      let count = 0;
      for (let c = 0; c < 4; c++) {
        const v = known(last - c * p);
        if (!Number.isNaN(v)) {
          sum += v;
          count++;
        }
      }
      const base = o.seasonal + SEASONAL_COLUMNS * j;
      at(base, r, known(last) / unit);
      at(base + 1, r, known(last - p) / unit);
      at(base + 2, r, count > 0 ? sum / count / unit : Number.NaN);
    });
    const ms = s.timestamps[t];
    layout.calendar.forEach((field, j) => {
      at(o.calendar + j, r, calendarValue(field, ms));
    });
    for (let k = 0; k < layout.relatedNames.length; k++) {
      const x = s.related[k][t];
      at(o.related + RELATED_COLUMNS * k, r, x);
      at(o.related + RELATED_COLUMNS * k + 1, r, relativeValue(ctx, k, x));
    }
    for (let m = 0; m < layout.metadataNames.length; m++) at(o.metadata + m, r, s.metadata[m]);
    for (let c = 0; c < layout.holidayCountries.length; c++) at(o.holidays + c, r, s.holidays[c][t]);
  }
  return { X: featureMatrix(data, n, o.nFeatures), scale };
}

/**
 * A related value as a fraction of the series' typical level, (x − mean) / mean|x|: a price 10% above the
 * item's usual price reads 0.1 whether the item costs 2 or 200, which is what lets "price up → demand down"
 * be learned once across series.
 */
export function relativeValue(ctx: SeriesContext, field: number, x: number): number {
  return (x - ctx.relatedMean[field]) / ctx.relatedSpread[field];
}
