// Scoring a stored forecast against the actuals that arrived after it (predictor monitoring): the forecast's rows,
// series by series, are aligned on each series' time grid by date and summed into the same accumulator that scores
// backtests, so the figures compare with the predictor's own. Pure numeric work on typed arrays (it runs in a
// worker thread); nothing here knows where the rows or series came from.

import { type AccumulatorState, WindowAccumulator } from "./auto/accuracy.js";
import type { PreparedSeries } from "./series-set.js";

/** A forecast's rows as columns, sorted by series and then date. */
export interface ForecastRows {
  /** Per row: the forecast's own series number (0, 1, … in sort order). */
  seriesId: Int32Array;
  /** Per row: the date, ms since the epoch (UTC). */
  ms: Float64Array;
  /** The mean (NaN when not forecast) and then each quantile level's values, per row. */
  values: Float64Array[];
  /** Per forecast series number: the index of the series with its actuals, or -1 when the data has none. */
  seriesIndex: Int32Array;
}

/** Index of the first grid point at or after `ms`. */
function firstAtOrAfter(timestamps: Float64Array, ms: number): number {
  let lo = 0;
  let hi = timestamps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((timestamps[mid] as number) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The accuracy sums of a forecast over the window [start, end] against `series`' actuals, and how many series had
 * at least one actual value in it (a forecast date off the series' grid is left unscored).
 */
export function scoreForecastRows(
  series: readonly PreparedSeries[],
  rows: ForecastRows,
  window: { levels: readonly number[]; start: number; end: number; period: number },
): { state: AccumulatorState; items: number } {
  const acc = new WindowAccumulator(window.levels, window.start, window.end);
  let items = 0;
  const total = rows.ms.length;
  for (let from = 0; from < total; ) {
    const id = rows.seriesId[from] as number;
    let to = from + 1;
    while (to < total && rows.seriesId[to] === id) to++;
    const s = series[rows.seriesIndex[id] ?? -1];
    if (s) {
      const n = s.target.length;
      const h = to - from;
      const at = firstAtOrAfter(s.timestamps, rows.ms[from] as number);
      const actual = new Float64Array(h);
      let any = false;
      for (let t = 0; t < h; t++) {
        const index = at + t;
        const onGrid = index < n && s.timestamps[index] === rows.ms[from + t];
        actual[t] = onGrid ? (s.target[index] as number) : Number.NaN;
        if (!Number.isNaN(actual[t] as number)) any = true;
      }
      if (any) {
        const [mean, ...quantiles] = rows.values.map((v) => v.subarray(from, to));
        acc.add(
          actual,
          { mean: mean as Float64Array, quantiles },
          s.target.subarray(0, Math.min(at, n)),
          window.period,
        );
        items++;
      }
    }
    from = to;
  }
  return { state: acc.state(), items };
}
