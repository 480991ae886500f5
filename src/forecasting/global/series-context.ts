// What the features need to know about one series, computed once: prefix sums of the target history (so
// window means and the scale at any origin cost O(1)) and the typical value of each related field. Everything
// here is taken from the history the model may use, [0, end), so a backtest cutoff hides the rest.

import type { PreparedSeries } from "../series-set.js";

export class SeriesContext {
  /** Sum of y, of |y| and count of non-NaN values in [0, i), at index i. */
  private readonly sum: Float64Array;
  private readonly sumAbs: Float64Array;
  private readonly count: Float64Array;
  /** Per related field: mean over the history (NaN when it has no value there). */
  readonly relatedMean: Float64Array;
  /** Per related field: mean |x| over the history, the unit of its relative column (1 when 0 or NaN). */
  readonly relatedSpread: Float64Array;

  constructor(
    readonly series: PreparedSeries,
    /** History points the model may use: the target before index `end`. */
    readonly end: number,
  ) {
    const y = series.target;
    this.sum = new Float64Array(end + 1);
    this.sumAbs = new Float64Array(end + 1);
    this.count = new Float64Array(end + 1);
    for (let i = 0; i < end; i++) {
      const v = y[i];
      const ok = !Number.isNaN(v);
      this.sum[i + 1] = this.sum[i] + (ok ? v : 0);
      this.sumAbs[i + 1] = this.sumAbs[i] + (ok ? Math.abs(v) : 0);
      this.count[i + 1] = this.count[i] + (ok ? 1 : 0);
    }
    const nR = series.related.length;
    this.relatedMean = new Float64Array(nR);
    this.relatedSpread = new Float64Array(nR);
    for (let r = 0; r < nR; r++) {
      const x = series.related[r];
      let s = 0;
      let a = 0;
      let n = 0;
      for (let i = 0; i < end; i++) {
        const v = x[i];
        if (Number.isNaN(v)) continue;
        s += v;
        a += Math.abs(v);
        n++;
      }
      this.relatedMean[r] = n > 0 ? s / n : Number.NaN;
      this.relatedSpread[r] = n > 0 && a > 0 ? a / n : 1;
    }
  }

  /** Mean of the non-NaN targets in [origin − window, origin); NaN when there are none. */
  meanBefore(origin: number, window: number): number {
    const to = Math.min(origin, this.end);
    const from = Math.max(0, to - window);
    const n = this.count[to] - this.count[from];
    return n > 0 ? (this.sum[to] - this.sum[from]) / n : Number.NaN;
  }

  /**
   * The unit the series is measured in at an origin: mean |y| over the last `window` points, else over the
   * whole history before the origin (a recent run of zeros), else 1. Always finite and > 0.
   */
  scaleAt(origin: number, window: number): number {
    const to = Math.min(origin, this.end);
    const from = Math.max(0, to - window);
    const n = this.count[to] - this.count[from];
    const recent = n > 0 ? (this.sumAbs[to] - this.sumAbs[from]) / n : 0;
    if (recent > 0 && Number.isFinite(recent)) return recent;
    const all = this.count[to] > 0 ? this.sumAbs[to] / this.count[to] : 0;
    return all > 0 && Number.isFinite(all) ? all : 1;
  }

  /** True when every known target in the history is >= 0. */
  nonNegative(): boolean {
    const y = this.series.target;
    for (let i = 0; i < this.end; i++) if (y[i] < 0) return false;
    return true;
  }
}

/** Throws unless every array of the series has the length the set's horizon and attributes imply. */
export function checkSeriesShape(
  s: PreparedSeries,
  index: number,
  horizon: number,
  nRelated: number,
  nMetadata: number,
  nHolidays: number,
): void {
  const n = s.target.length;
  const full = n + horizon;
  const bad = (what: string) => new RangeError(`series ${index}: ${what}`);
  if (s.timestamps.length !== full) throw bad(`${s.timestamps.length} timestamps for ${full} points`);
  if (s.related.length !== nRelated) throw bad(`${s.related.length} related arrays, expected ${nRelated}`);
  for (const x of s.related)
    if (x.length !== full) throw bad(`a related array has ${x.length} points, not ${full}`);
  if (s.metadata.length !== nMetadata)
    throw bad(`${s.metadata.length} metadata values, expected ${nMetadata}`);
  if (s.holidays.length !== nHolidays)
    throw bad(`${s.holidays.length} holiday arrays, expected ${nHolidays}`);
  for (const x of s.holidays)
    if (x.length !== full) throw bad(`a holiday array has ${x.length} points, not ${full}`);
}
