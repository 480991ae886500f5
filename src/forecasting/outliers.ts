// Outlier cleaning before the members' fits, in the manner of R's forecast::tsclean / tsoutliers: the series is
// decomposed robustly (a seasonal one into trend and season, in logs where it is positive; a non-seasonal one into
// a smooth trend), residuals outside the quartile fences [Q1 − k·IQR, Q3 + k·IQR] are outliers, and each outlier is
// replaced by the decomposition's fitted value (trend + season) at its own time. The trend is a running median, so a
// one-off spike does not move it and a level shift in the middle of the series is followed at once (a step is a
// fixed point of a running median), not taken for a run of outliers.

/** The cleaner's settings. */
export interface OutlierCleaning {
  /** Width of the fences in interquartile ranges of the residuals (tsoutliers uses 3). */
  k: number;
  /** At most this share of the points is replaced (the most extreme first); at least one point may be. */
  maxShare: number;
  /** The latest this many points are never replaced (default 0): a break at the end is new information. */
  keepLatest?: number;
}

export const DEFAULT_OUTLIER_CLEANING: OutlierCleaning = { k: 3, maxShare: 0.1 };

/** Running-median window of a non-seasonal series: robust to runs of up to 2 outliers. */
const TREND_WINDOW = 5;
/** The shortest non-seasonal series cleaned (seasonal ones need 2 full seasons). */
const MIN_NON_SEASONAL = 6;
/**
 * The fences are at least this wide relative to the series' typical magnitude: a series whose decomposition is
 * exact (residuals zero up to rounding) has an IQR of rounding noise, and nothing in it is an outlier.
 */
const MIN_RELATIVE_IQR = 1e-6;

/** The median of `xs`, which it sorts in place (insertion sort: the windows are a few points long). */
function medianInPlace(xs: Float64Array): number {
  for (let i = 1; i < xs.length; i++) {
    const v = xs[i] as number;
    let j = i - 1;
    while (j >= 0 && (xs[j] as number) > v) {
      xs[j + 1] = xs[j] as number;
      j--;
    }
    xs[j + 1] = v;
  }
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? (xs[mid] as number) : 0.5 * ((xs[mid - 1] as number) + (xs[mid] as number));
}

/** The p-quantile of sorted values, linear between order statistics (R's type 7). */
function quantileSorted(s: Float64Array, p: number): number {
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return (s[lo] as number) + (h - lo) * ((s[hi] as number) - (s[lo] as number));
}

/**
 * Running median of odd width w (shrunk to the largest odd width that fits the series); the points within w/2 of
 * either end, where no centred window fits, continue the nearest centred value along the slope of the centred values
 * near it (so a trending series' ends are not pulled towards the middle).
 */
export function runningMedian(z: Float64Array, w: number): Float64Array {
  const n = z.length;
  let width = Math.min(w, n % 2 === 1 ? n : n - 1);
  if (width % 2 === 0) width--;
  const half = (width - 1) / 2;
  const out = new Float64Array(n);
  const first = half;
  const last = n - 1 - half;
  const window = new Float64Array(width);
  for (let t = first; t <= last; t++) {
    window.set(z.subarray(t - half, t + half + 1));
    out[t] = medianInPlace(window);
  }
  // The slope: the median step of the centred values over up to one window, so that a level shift near the end
  // is not extrapolated as growth.
  const span = Math.min(width, last - first);
  const steps = (from: number) =>
    Float64Array.from({ length: span }, (_, i) => (out[from + i + 1] as number) - (out[from + i] as number));
  const slopeEnd = span > 0 ? medianInPlace(steps(last - span)) : 0;
  const slopeStart = span > 0 ? medianInPlace(steps(first)) : 0;
  for (let t = 0; t < first; t++) out[t] = (out[first] as number) - (first - t) * slopeStart;
  for (let t = last + 1; t < n; t++) out[t] = (out[last] as number) + (t - last) * slopeEnd;
  return out;
}

/** Per phase (t mod period), the median of r over the phase's points. */
function phaseMedians(r: Float64Array, period: number): Float64Array {
  const out = new Float64Array(period);
  for (let p = 0; p < period; p++) {
    const xs = new Float64Array(Math.ceil((r.length - p) / period));
    for (let t = p, i = 0; t < r.length; t += period, i++) xs[i] = r[t] as number;
    out[p] = medianInPlace(xs.sort());
  }
  return out;
}

/** Width of the moving average that smooths the running median into the fitted trend. */
const SMOOTH_WINDOW = 5;

/**
 * Centred moving average of width w (odd), the window shrunk symmetrically near the ends (so a straight line is
 * kept as it is).
 */
function centredMean(x: Float64Array, w: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const half = Math.min((w - 1) / 2, t, n - 1 - t);
    let sum = 0;
    for (let u = t - half; u <= t + half; u++) sum += x[u] as number;
    out[t] = sum / (2 * half + 1);
  }
  return out;
}

/**
 * The robust decomposition of z: for period > 1 a running median of one season (odd width: one more point when the
 * period is even) gives a first trend, each phase's median detrended value the season, and a running median of the
 * seasonally adjusted series the trend; for period 1 a running median of TREND_WINDOW points is the trend.
 * `fitted` is the trend smoothed by a moving average of SMOOTH_WINDOW points, plus the season: a running median
 * alone equals the data wherever the data is monotone, which would leave no residual to measure the noise by. `local` is the unsmoothed running median plus
 * the season: it follows a level shift exactly, so a point is an outlier only if it stands out from both.
 */
export function robustFit(z: Float64Array, period: number): { fitted: Float64Array; local: Float64Array } {
  const n = z.length;
  if (period <= 1) {
    const local = runningMedian(z, TREND_WINDOW);
    return { fitted: centredMean(local, SMOOTH_WINDOW), local };
  }
  const w = period % 2 === 1 ? period : period + 1;
  const first = runningMedian(z, w);
  const detrended = new Float64Array(n);
  for (let t = 0; t < n; t++) detrended[t] = (z[t] as number) - (first[t] as number);
  const season = phaseMedians(detrended, period);
  let level = 0;
  for (let p = 0; p < period; p++) level += season[p] as number;
  level /= period;
  const s = (t: number) => (season[t % period] as number) - level;
  const adjusted = new Float64Array(n);
  for (let t = 0; t < n; t++) adjusted[t] = (z[t] as number) - s(t);
  const trend = runningMedian(adjusted, w);
  const smooth = centredMean(trend, SMOOTH_WINDOW);
  return {
    fitted: smooth.map((v, t) => v + s(t)),
    local: trend.map((v, t) => v + s(t)),
  };
}

/** The indexes of y's outliers, with the value each is replaced by (empty when there is none). */
export function findOutliers(
  y: Float64Array,
  period: number,
  options: OutlierCleaning = DEFAULT_OUTLIER_CLEANING,
): { index: number; replacement: number }[] {
  const n = y.length;
  const seasonal = period > 1;
  if (n < (seasonal ? 2 * period : MIN_NON_SEASONAL)) return [];
  let positive = true;
  let nonNegative = true;
  for (let t = 0; t < n; t++) {
    const v = y[t] as number;
    if (!Number.isFinite(v)) return [];
    if (v <= 0) positive = false;
    if (v < 0) nonNegative = false;
  }
  const z = positive ? y.map(Math.log) : y;
  const { fitted, local } = robustFit(z, period);
  const resid = new Float64Array(n);
  let magnitude = 0;
  for (let t = 0; t < n; t++) {
    resid[t] = (z[t] as number) - (fitted[t] as number);
    magnitude += Math.abs(z[t] as number);
  }
  const sorted = Float64Array.from(resid).sort();
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const iqr = Math.max(q3 - q1, (MIN_RELATIVE_IQR * magnitude) / n);
  const lower = q1 - options.k * iqr;
  const upper = q3 + options.k * iqr;
  const beyond = (r: number) => (r < lower ? -1 : r > upper ? 1 : 0);
  // Outside the fences from the smooth fit, and on the same side from the running median itself.
  const sign = (t: number) => {
    const b = beyond(resid[t] as number);
    return b !== 0 && beyond((z[t] as number) - (local[t] as number)) === b ? b : 0;
  };
  const flagged: number[] = [];
  for (let t = 0; t < n; t++) if (sign(t) !== 0) flagged.push(t);
  // A run of two or more outliers of one sign reaching either end of the series may be a new level the centred
  // trend cannot see yet (or an old one): it is left as it is.
  const endRun = new Set<number>();
  for (const [from, step] of [
    [0, 1],
    [n - 1, -1],
  ] as const) {
    const s = sign(from);
    if (s === 0) continue;
    let t = from;
    while (t >= 0 && t < n && sign(t) === s) t += step;
    if (Math.abs(t - from) >= 2) for (let u = from; u !== t; u += step) endRun.add(u);
  }
  const extremity = (t: number) =>
    (resid[t] as number) > upper ? (resid[t] as number) - upper : lower - (resid[t] as number);
  const cap = Math.max(1, Math.floor(options.maxShare * n));
  return flagged
    .filter((t) => !endRun.has(t) && t < n - (options.keepLatest ?? 0))
    .sort((a, b) => extremity(b) - extremity(a))
    .slice(0, cap)
    .sort((a, b) => a - b)
    .map((index) => {
      const f = fitted[index] as number;
      const value = positive ? Math.exp(f) : f;
      return { index, replacement: nonNegative ? Math.max(0, value) : value };
    });
}

/** y with its outliers replaced (findOutliers); y itself, untouched, when it has none. */
export function cleanOutliers(
  y: Float64Array,
  period: number,
  options: OutlierCleaning = DEFAULT_OUTLIER_CLEANING,
): Float64Array {
  const found = findOutliers(y, period, options);
  if (found.length === 0) return y;
  const out = Float64Array.from(y);
  for (const { index, replacement } of found) out[index] = replacement;
  return out;
}
