// The pooled (global) linear autoregression of Montero-Manso & Hyndman ("Principles and algorithms for forecasting
// groups of time series: locality and globality", IJF 2021): one linear model over every series of a dataset, on
// windows of each series' last `lags` values divided by the window's own scale, so that series of 5 and 5,000
// units share the coefficients. Multi-step forecasts are direct: one coefficient vector per step ahead, fitted by
// ridge least squares on the same windows (no forecast is fed back as an input). Where the period is > 1 a
// one-hot of the seasonal position of the forecast origin (the calendar feature) replaces the intercept.
// Quantiles come from the pooled scaled in-sample residuals of each step, so the model has a p10/p50/p90 of its
// own. Covariate-free: the model needs the targets alone. Fitting is one pass over the windows to sum the normal
// equations (a Gram matrix per number of steps a window can reach) and one pass over a sample of them for the
// residuals: a few ms to a few hundred ms per dataset of a few hundred series.

import { checkQuantileLevels, type SeriesForecast } from "../model.js";
import { cholesky, choleskySolve } from "./linear-solve.js";

export interface GlobalArOptions {
  /** Steps ahead to forecast (one coefficient vector each). */
  horizon: number;
  /** Seasonal period of the data (1: none); above 1 the seasonal position is a one-hot feature. */
  period: number;
  /** Values in a window: the last `lags` values before the forecast origin. */
  lags: number;
  /** The window's scale is the mean |value| of its last `scalePoints` values (1: the last value). */
  scalePoints: number;
  /** Model the log of the scaled values (where the data is positive enough: logApplies). */
  log: boolean;
  /** The seasonal-position one-hot (only where period > 1). */
  calendar: boolean;
  /** Ridge penalty on the lag coefficients, relative to the mean diagonal of their normal equations. */
  ridge: number;
  /** Only the latest `recent` origins of each series are training windows (0: all). */
  recent: number;
  /** An origin needs this many real values before it; the rest of its window repeats the series' first value. */
  minHistory: number;
  /** Quantile levels to forecast. */
  levels: readonly number[];
  /** At most this many windows give residuals for the quantiles (a regular sample of them beyond). */
  maxResidualRows?: number;
  /** Beyond this many candidate windows, every series' origins are thinned by a common stride (latest kept). */
  maxRows?: number;
  /** Sum every window's products one by one, without the log model's lagged-product shortcut (tests compare). */
  windowByWindow?: boolean;
  /**
   * The point forecast: "mean" (default) the fitted value plus the residuals' mean (log model: times the mean of
   * their exponentials, the smearing estimate of the mean), "median" the fitted value plus the residuals' median
   * (log model: the median in the series' units, the better point for relative errors such as MAPE).
   */
  point?: "mean" | "median";
}

/** One series as the model sees it: finite values, and the seasonal position of its first value. */
export interface GlobalArSeries {
  y: Float64Array;
  /** Seasonal position (0 ≤ phase < period) of y[0]; the position of y[t] is (phase + t) mod period. */
  phase: number;
}

/** A fitted model: plain data, so it can cross threads and be stored as JSON. */
export interface GlobalArModel {
  options: GlobalArOptions;
  /** Whether the log of the scaled values was modelled (options.log and logApplies). */
  log: boolean;
  /** Per step ahead: the coefficients of the feature vector (lags, then one-hot or intercept). */
  coefficients: number[][];
  /** Per step ahead, per level: the quantile of the scaled (or log-scaled) residuals. */
  residualQuantiles: number[][];
  /**
   * Per step ahead: the mean residual (linear) or the mean of exp(residual) (log: the smearing factor); with
   * options.point "median", the median residual (linear) or its exponential (log).
   */
  meanShift: number[];
  /** Windows the step-1 coefficients were fitted on. */
  rows: number;
}

const DEFAULT_MAX_RESIDUAL_ROWS = 5_000;
/** Below this share of its scale a value is floored before the log (the log model only sees positive data). */
const LOG_FLOOR = 0.01;

const featureCount = (o: GlobalArOptions): number => o.lags + (o.calendar && o.period > 1 ? o.period : 1);

function checkOptions(o: GlobalArOptions): void {
  const whole = (x: number, min: number) => Number.isInteger(x) && x >= min;
  if (!whole(o.horizon, 1)) throw new RangeError(`horizon must be a positive integer, got ${o.horizon}`);
  if (!whole(o.period, 1)) throw new RangeError(`period must be a positive integer, got ${o.period}`);
  if (!whole(o.lags, 1)) throw new RangeError(`lags must be a positive integer, got ${o.lags}`);
  if (!whole(o.scalePoints, 1) || o.scalePoints > o.lags)
    throw new RangeError(`scalePoints must be in 1..lags, got ${o.scalePoints}`);
  if (!(o.ridge >= 0)) throw new RangeError(`ridge must be ≥ 0, got ${o.ridge}`);
  if (!whole(o.recent, 0)) throw new RangeError(`recent must be a non-negative integer, got ${o.recent}`);
  if (!whole(o.minHistory, 1))
    throw new RangeError(`minHistory must be a positive integer, got ${o.minHistory}`);
  if (o.point !== undefined && o.point !== "mean" && o.point !== "median")
    throw new RangeError(`point must be "mean" or "median", got ${o.point}`);
  checkQuantileLevels(o.levels);
}

/** A series as the fit reads it: its values (or their logs), and where its last non-positive value is. */
interface PreparedSeries {
  y: Float64Array;
  /** log(y) where y > 0, −∞ elsewhere (log model only). */
  ly: Float64Array | undefined;
  /** ly after `pad` copies of ly[0], so that a window before t (padded as windowAt pads it) is padded[t … t + lags). */
  padded: Float64Array | undefined;
  /** lastBad[i]: the last index ≤ i holding a value ≤ 0, or −1 (log model only). */
  lastBad: Int32Array | undefined;
  phase: number;
}

/** `padded` (pad + n values) and `lastBad` (n) may be given: views of blocks shared by a fit's series. */
function prepare(
  s: GlobalArSeries,
  log: boolean,
  pad: number,
  padded = new Float64Array(pad + s.y.length),
  lastBad = new Int32Array(s.y.length),
): PreparedSeries {
  if (!log) return { y: s.y, ly: undefined, padded: undefined, lastBad: undefined, phase: s.phase };
  const ly = padded.subarray(pad);
  let bad = -1;
  s.y.forEach((v, i) => {
    ly[i] = v > 0 ? Math.log(v) : Number.NEGATIVE_INFINITY;
    if (!(v > 0)) bad = i;
    lastBad[i] = bad;
  });
  padded.fill(ly[0] ?? 0, 0, pad);
  return { y: s.y, ly, padded, lastBad, phase: s.phase };
}

/**
 * Every series of a fit prepared, the log model's logs and zero indexes in one block each (views of them per
 * series): two allocations per fit rather than two per series, freed together when the fit ends.
 */
function prepareAll(series: readonly GlobalArSeries[], log: boolean, pad: number): PreparedSeries[] {
  if (!log) return series.map((s) => prepare(s, false, pad));
  let values = 0;
  for (const s of series) values += s.y.length;
  const logs = new Float64Array(values + pad * series.length);
  const bad = new Int32Array(values);
  let at = 0;
  let atBad = 0;
  return series.map((s) => {
    const n = s.y.length;
    const p = prepare(s, log, pad, logs.subarray(at, at + pad + n), bad.subarray(atBad, atBad + n));
    at += pad + n;
    atBad += n;
    return p;
  });
}

const LOG_FLOOR_LN = Math.log(LOG_FLOOR);

/**
 * Fills `x` with the lag features of the window before origin t (indexes before 0 take y[0]) and returns the
 * window's scale (its log for the log model), or NaN when the window has no scale (all zero).
 */
function windowAt(o: GlobalArOptions, s: PreparedSeries, t: number, x: Float64Array): number {
  const { lags, scalePoints } = o;
  const { y, ly } = s;
  let sum = 0;
  for (let j = lags - scalePoints; j < lags; j++) sum += Math.abs(y[Math.max(0, t - lags + j)] as number);
  const scale = sum / scalePoints;
  if (!(scale > 0 && Number.isFinite(scale))) return Number.NaN;
  if (ly) {
    const ls = Math.log(scale);
    for (let j = 0; j < lags; j++)
      x[j] = Math.max((ly[Math.max(0, t - lags + j)] as number) - ls, LOG_FLOOR_LN);
    return ls;
  }
  for (let j = 0; j < lags; j++) x[j] = (y[Math.max(0, t - lags + j)] as number) / scale;
  return scale;
}

/** The target t + k in the window's units. */
const targetAt = (s: PreparedSeries, i: number, scale: number): number =>
  s.ly ? Math.max((s.ly[i] as number) - scale, LOG_FLOOR_LN) : (s.y[i] as number) / scale;

/** The one-hot column (after the lags) of origin t: its seasonal position, or the intercept's 0. */
const positionAt = (o: GlobalArOptions, s: PreparedSeries, t: number): number =>
  o.calendar && o.period > 1 ? (((s.phase + t) % o.period) + o.period) % o.period : 0;

/**
 * The log model needs positive data: it applies where no value is negative and at most MAX_ZERO_SHARE of them
 * are zero. Windows and targets holding a zero are then left out of the fit; a forecast window's zeros are
 * floored at LOG_FLOOR of its scale.
 */
function logApplies(series: readonly GlobalArSeries[]): boolean {
  let zeros = 0;
  let count = 0;
  for (const s of series) {
    for (const v of s.y) {
      if (v < 0) return false;
      if (v === 0) zeros++;
    }
    count += s.y.length;
  }
  return count > 0 && zeros <= MAX_ZERO_SHARE * count;
}

const MAX_ZERO_SHARE = 0.05;

/** Whether the window before origin t and its targets (up to the horizon) are all positive (log model). */
function usableRow(o: GlobalArOptions, s: PreparedSeries, t: number): boolean {
  if (!s.lastBad) return true;
  const last = Math.min(s.y.length, t + o.horizon) - 1;
  return (s.lastBad[last] as number) < Math.max(0, t - o.lags);
}

/**
 * The training origins of a series of n values: where the window has minHistory real values and a target, every
 * stride-th back from the latest. Returns [first, last] (first > last: none).
 */
function originRange(o: GlobalArOptions, n: number, stride: number): [number, number] {
  const from = Math.max(o.minHistory, o.recent > 0 ? n - o.recent : 0);
  const to = n - 1;
  return to < from ? [from, to] : [from + ((to - from) % stride), to];
}

/**
 * The part of a series the fit reads: from `max(lags, minHistory)` values before its first training origin on (a
 * view, not a copy), its phase moved to match. With `recent` set that bounds the fit's log copy and zero index to
 * the recent origins' windows whatever the history's length. Every origin, window and target falls at the same
 * offset from the part's end as in the whole series, and the part still has at least max(lags, minHistory) values
 * before the first origin, so originRange picks the same origins (shifted) and no window reaches back to the
 * padding: the fit is the same to the bit.
 */
export function fitPart(o: GlobalArOptions, s: GlobalArSeries): GlobalArSeries {
  const [from] = originRange(o, s.y.length, 1);
  const start = Math.max(0, from - Math.max(o.lags, o.minHistory));
  if (start === 0) return s;
  const period = Math.max(1, o.period);
  return { y: s.y.subarray(start), phase: (s.phase + start) % period };
}

/** The stride that keeps the candidate windows within maxRows. */
function originStride(o: GlobalArOptions, series: readonly { y: Float64Array }[]): number {
  if (o.maxRows === undefined) return 1;
  let total = 0;
  for (const s of series) {
    const [from, to] = originRange(o, s.y.length, 1);
    total += Math.max(0, to - from + 1);
  }
  return Math.max(1, Math.ceil(total / o.maxRows));
}

/** x·b over the lags plus the coefficient of the row's one-hot column. */
function predict(x: Float64Array, b: ArrayLike<number>, lags: number, position: number): number {
  let s = b[lags + position] as number;
  for (let i = 0; i < lags; i++) s += (x[i] as number) * (b[i] as number);
  return s;
}

/** Type-7 sample quantile of sorted values. */
export function sortedQuantile(sorted: Float64Array, level: number): number {
  const at = level * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + (at - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/** Whether no value of the (padded) window before t nor of its h targets is floored (log model). */
function unfloored(s: PreparedSeries, t: number, lags: number, h: number, logScale: number): boolean {
  const padded = s.padded as Float64Array;
  const min = logScale + LOG_FLOOR_LN;
  // padded[t + j] is the window's value j (j < lags), padded[t + lags + k] the target k.
  for (let i = t; i < t + lags + h; i++) if (!((padded[i] as number) >= min)) return false;
  return true;
}

/**
 * The products of logs of a run of consecutive windows [a, b] (each reaching the whole horizon; windows before
 * `lags` values padded with the first, as windowAt pads them), added to the Gram matrix's lag block and to X'z: Σ_t ly[t − L + i]·ly[t − L + j] and
 * Σ_t ly[t − L + i]·ly[t + k] from prefix sums over the run of ly[x]·ly[x + d], d < lags + horizon.
 */
class LagProducts {
  private prefix = new Float64Array(0);

  constructor(
    private readonly lags: number,
    private readonly horizon: number,
  ) {}

  addRun(s: PreparedSeries, a: number, b: number, gram: Float64Array, xz: Float64Array[], p: number): void {
    const { lags, horizon } = this;
    // In the padded series (lags copies of the first value first), the window before t starts at t itself.
    const ly = s.padded as Float64Array;
    const base = a;
    // x runs over [a − lags, b − 1]: width + 1 prefix values per lag difference.
    const width = b - a + lags;
    const span = width + 1;
    const distances = lags + horizon;
    if (this.prefix.length < distances * span) this.prefix = new Float64Array(distances * span);
    const prefix = this.prefix;
    const last = ly.length - 1;
    for (let d = 0; d < distances; d++) {
      const row = d * span;
      prefix[row] = 0;
      let acc = 0;
      for (let j = 0; j < width; j++) {
        const x = base + j;
        // Products past the series' end are never asked for (every window of the run reaches the horizon).
        if (x + d <= last) acc += (ly[x] as number) * (ly[x + d] as number);
        prefix[row + j + 1] = acc;
      }
    }
    // Σ over t = a..b of ly[t − L + i]·ly[t − L + i + d]: x from a − L + i to b − L + i, i.e. j from i to i + b − a.
    const runSum = (d: number, i: number) =>
      (prefix[d * span + i + b - a + 1] as number) - (prefix[d * span + i] as number);
    for (let i = 0; i < lags; i++) {
      for (let j = i; j < lags; j++) gram[i * p + j] += runSum(j - i, i);
      for (let k = 0; k < horizon; k++) (xz[k] as Float64Array)[i] += runSum(lags - i + k, i);
    }
  }
}

/**
 * The training windows of the pooled frame as matrices, for other pooled models fitted on the same windows and
 * targets (global-mlp): the lag features of each window (x, rows × lags), its seasonal position (its one-hot
 * column, 0 without a calendar) and its targets in the window's units (z, rows × horizon, NaN past the series'
 * end). The same windows as fitGlobalAr sums (minHistory, recent, maxRows' stride, the log model's positivity).
 */
export interface PooledWindows {
  rows: number;
  x: Float64Array;
  position: Int32Array;
  z: Float64Array;
  /** Whether the values are logs of the scaled values. */
  log: boolean;
}

/** The windows fitGlobalAr trains on, as matrices (`o.ridge` is not read). */
export function pooledWindows(series: readonly GlobalArSeries[], o: GlobalArOptions): PooledWindows {
  checkOptions(o);
  const { horizon: h, lags } = o;
  const log = o.log && logApplies(series);
  const prepared = series.map((s) => prepare(s, log, lags));
  const stride = originStride(o, series);
  const xs: number[] = [];
  const positions: number[] = [];
  const zs: number[] = [];
  const x = new Float64Array(lags);
  for (const s of prepared) {
    const n = s.y.length;
    const [from, to] = originRange(o, n, stride);
    for (let t = from; t <= to; t += stride) {
      if (!usableRow(o, s, t)) continue;
      const scale = windowAt(o, s, t, x);
      if (Number.isNaN(scale)) continue;
      for (const v of x) xs.push(v);
      positions.push(positionAt(o, s, t));
      for (let k = 0; k < h; k++) zs.push(t + k < n ? targetAt(s, t + k, scale) : Number.NaN);
    }
  }
  return {
    rows: positions.length,
    x: Float64Array.from(xs),
    position: Int32Array.from(positions),
    z: Float64Array.from(zs),
    log,
  };
}

/** Fits one pooled model over `series` (each at least one value; non-finite values are not allowed). */
export function fitGlobalAr(series: readonly GlobalArSeries[], options: GlobalArOptions): GlobalArModel {
  checkOptions(options);
  const o = options;
  const { horizon: h, lags } = o;
  const p = featureCount(o);
  // The log-or-linear choice reads every value (a count, no copy); the fit itself only each series' recent part.
  const log = o.log && logApplies(series);
  const recent = series.map((s) => fitPart(o, s));
  const prepared = prepareAll(recent, log, lags);
  const stride = originStride(o, recent);

  // Normal equations: the Gram matrix of the windows that reach exactly a steps (a = 1..h), summed below into
  // step k's (every window reaching beyond k), and X'z per step. Only the lags' block and the row's one-hot
  // column are touched per window (the other one-hot columns are 0).
  const gramByReach = Array.from({ length: h + 1 }, () => new Float64Array(p * p));
  const rowsByReach = new Float64Array(h + 1);
  const xz = Array.from({ length: h }, () => new Float64Array(p));
  const x = new Float64Array(lags);
  // The log model's shortcut (lagProducts): in a window that reaches the whole horizon and has no floored value,
  // x_i = u_i − ls and z_k = w_k − ls, u the logs of the window, w those of the targets, ls the log scale. Then
  // Σx_i·x_j = Σu_i·u_j − A_i − A_j + B and Σx_i·z_k = Σu_i·w_k − A_i − C_k + B, with A_i = Σls·u_i, B = Σls²,
  // C_k = Σls·w_k summed window by window (O(lags + horizon) each), and the products of logs Σu_i·u_j, Σu_i·w_k
  // summed over each run of consecutive such windows from prefix sums of ly[a]·ly[a + d] (O(lags + horizon) per
  // value of the series instead of O(lags² + lags·horizon) per window).
  const fast = log && stride === 1 && !o.windowByWindow;
  const sumA = new Float64Array(lags);
  const sumC = new Float64Array(h);
  let sumB = 0;
  const products = fast ? new LagProducts(lags, h) : undefined;
  for (const s of prepared) {
    const n = s.y.length;
    const [from, to] = originRange(o, n, stride);
    let runStart = -1;
    const closeRun = (end: number) => {
      if (runStart >= 0) products?.addRun(s, runStart, end, gramByReach[h] as Float64Array, xz, p);
      runStart = -1;
    };
    for (let t = from; t <= to; t += stride) {
      if (!usableRow(o, s, t)) {
        closeRun(t - 1);
        continue;
      }
      const scale = windowAt(o, s, t, x);
      if (Number.isNaN(scale)) {
        closeRun(t - 1);
        continue;
      }
      const c = lags + positionAt(o, s, t);
      const reach = Math.min(h, n - t);
      const g = gramByReach[reach] as Float64Array;
      rowsByReach[reach] = (rowsByReach[reach] as number) + 1;
      g[c * p + c] += 1;
      if (fast && reach === h && unfloored(s, t, lags, h, scale)) {
        // The one-hot column and the sums A, B, C here; the products of logs once the run ends.
        if (runStart < 0) runStart = t;
        const padded = s.padded as Float64Array;
        for (let i = 0; i < lags; i++) {
          g[i * p + c] += x[i] as number;
          sumA[i] += scale * (padded[t + i] as number);
        }
        for (let k = 0; k < h; k++) {
          const w = padded[t + lags + k] as number;
          (xz[k] as Float64Array)[c] += w - scale;
          sumC[k] += scale * w;
        }
        sumB += scale * scale;
        continue;
      }
      closeRun(t - 1);
      for (let i = 0; i < lags; i++) {
        const xi = x[i] as number;
        const row = i * p;
        for (let j = i; j < lags; j++) g[row + j] += xi * (x[j] as number);
        g[row + c] += xi;
      }
      for (let k = 0; k < reach; k++) {
        const z = targetAt(s, t + k, scale);
        const v = xz[k] as Float64Array;
        for (let i = 0; i < lags; i++) v[i] += (x[i] as number) * z;
        v[c] += z;
      }
    }
    closeRun(to);
  }
  if (fast) {
    const g = gramByReach[h] as Float64Array;
    for (let i = 0; i < lags; i++) {
      for (let j = i; j < lags; j++) g[i * p + j] += sumB - (sumA[i] as number) - (sumA[j] as number);
      for (let k = 0; k < h; k++)
        (xz[k] as Float64Array)[i] += sumB - (sumA[i] as number) - (sumC[k] as number);
    }
  }

  // Solve step by step, from the last (fewest windows) down, accumulating the Gram matrices.
  const coefficients: Float64Array[] = new Array(h);
  const rowsAt = new Float64Array(h);
  const gram = new Float64Array(p * p);
  let rows = 0;
  for (let k = h - 1; k >= 0; k--) {
    const g = gramByReach[k + 1] as Float64Array;
    for (let i = 0; i < p * p; i++) gram[i] += g[i] as number;
    rows += rowsByReach[k + 1] as number;
    rowsAt[k] = rows;
    coefficients[k] = solveRidge(gram, xz[k] as Float64Array, p, lags, o.ridge) ?? new Float64Array(0);
  }
  // Steps without a solution (too few windows reach them) take the nearest shorter step's coefficients; with none
  // at all, the model is the random walk (the last value, scaled).
  for (let k = 0; k < h; k++) {
    if ((coefficients[k] as Float64Array).length === p) continue;
    const previous = k > 0 ? (coefficients[k - 1] as Float64Array) : undefined;
    coefficients[k] = previous ? Float64Array.from(previous) : randomWalk(o, p);
  }

  const { residualQuantiles, meanShift } = residualSummary(
    prepared,
    o,
    log,
    coefficients,
    rowsAt[0] as number,
    stride,
  );
  return {
    options: { ...o, levels: [...o.levels] },
    log,
    coefficients: coefficients.map((c) => Array.from(c)),
    residualQuantiles,
    meanShift,
    rows: rowsAt[0] as number,
  };
}

/** Coefficients forecasting the window's last value, scaled back: the random walk. */
function randomWalk(o: GlobalArOptions, p: number): Float64Array {
  const b = new Float64Array(p);
  b[o.lags - 1] = 1;
  // Linear: 1 × the last scaled value; log: its log, exponentiated back. Either way the last value.
  return b;
}

/** Ridge solve of (G + λ·d·I_lags)·b = xz, d the mean diagonal of the lag block; undefined if singular. */
function solveRidge(
  gram: Float64Array,
  xz: Float64Array,
  p: number,
  lags: number,
  ridge: number,
): Float64Array | undefined {
  let diag = 0;
  for (let i = 0; i < p; i++) diag += gram[i * p + i] as number;
  if (!(diag > 0)) return undefined;
  let lagDiag = 0;
  for (let i = 0; i < lags; i++) lagDiag += gram[i * p + i] as number;
  lagDiag /= lags;
  const a = Float64Array.from(gram);
  // A tiny jitter on every coefficient keeps a seasonal position that no window has from making G singular.
  const jitter = 1e-10 * (diag / p);
  for (let i = 0; i < p; i++) a[i * p + i] += jitter + (i < lags ? ridge * lagDiag : 0);
  const l = cholesky(a, p);
  if (!l) return undefined;
  const b = choleskySolve(l, p, xz);
  return b.every(Number.isFinite) ? b : undefined;
}

/** Per step the residuals' quantiles and mean shift, from a regular sample of at most maxResidualRows windows. */
function residualSummary(
  series: readonly PreparedSeries[],
  o: GlobalArOptions,
  log: boolean,
  coefficients: readonly Float64Array[],
  totalRows: number,
  originStep: number,
): { residualQuantiles: number[][]; meanShift: number[] } {
  const { horizon: h, lags } = o;
  const stride = Math.max(1, Math.ceil(totalRows / (o.maxResidualRows ?? DEFAULT_MAX_RESIDUAL_ROWS)));
  const residuals: number[][] = Array.from({ length: h }, () => []);
  const x = new Float64Array(lags);
  let row = 0;
  for (const s of series) {
    const n = s.y.length;
    const [from, to] = originRange(o, n, originStep);
    for (let t = from; t <= to; t += originStep) {
      // The same windows as the fit, every stride-th of them.
      if (!usableRow(o, s, t)) continue;
      const scale = windowAt(o, s, t, x);
      if (Number.isNaN(scale)) continue;
      if (row++ % stride !== 0) continue;
      const position = positionAt(o, s, t);
      const reach = Math.min(h, n - t);
      for (let k = 0; k < reach; k++) {
        const z = targetAt(s, t + k, scale);
        (residuals[k] as number[]).push(z - predict(x, coefficients[k] as Float64Array, lags, position));
      }
    }
  }
  const residualQuantiles: number[][] = [];
  const meanShift: number[] = [];
  for (let k = 0; k < h; k++) {
    const r = residuals[k] as number[];
    if (r.length === 0) {
      // No window reaches this step: the previous step's spread (none at all: a point forecast).
      residualQuantiles.push(k > 0 ? [...(residualQuantiles[k - 1] as number[])] : o.levels.map(() => 0));
      meanShift.push(k > 0 ? (meanShift[k - 1] as number) : log ? 1 : 0);
      continue;
    }
    const sorted = Float64Array.from(r).sort();
    residualQuantiles.push(o.levels.map((level) => sortedQuantile(sorted, level)));
    if (o.point === "median") {
      const median = sortedQuantile(sorted, 0.5);
      meanShift.push(log ? Math.exp(median) : median);
      continue;
    }
    let m = 0;
    for (const e of r) m += log ? Math.exp(e) : e;
    meanShift.push(m / r.length);
  }
  return { residualQuantiles, meanShift };
}

/**
 * Forecasts the `horizon` values after the series: the mean and the model's quantile levels, in the series' units.
 * A series whose last window is all zero forecasts zeros.
 */
export function forecastGlobalAr(model: GlobalArModel, s: GlobalArSeries): SeriesForecast {
  const o = model.options;
  return forecastPooled(o, model.log, s, model.meanShift, model.residualQuantiles, (x, position) =>
    model.coefficients.map((b) => predict(x, b, o.lags, position)),
  );
}

/**
 * The forecast of a pooled model in this frame (global-ar, global-mlp) from the fitted values `fitted(x, position)`
 * of the window after the series (one per step, in the window's units), the per-step shift of the point forecast
 * (meanShift's meaning) and the residual quantiles; NaNs for an empty series, zeros for an all-zero window.
 */
export function forecastPooled(
  o: GlobalArOptions,
  log: boolean,
  s: GlobalArSeries,
  meanShift: readonly number[],
  residualQuantiles: readonly (readonly number[])[],
  fitted: (x: Float64Array, position: number) => ArrayLike<number>,
): SeriesForecast {
  const h = o.horizon;
  const mean = new Float64Array(h);
  const quantiles = o.levels.map(() => new Float64Array(h));
  if (s.y.length === 0)
    return { mean: mean.fill(Number.NaN), quantiles: quantiles.map((q) => q.fill(Number.NaN)) };
  // The forecast reads the last window alone: its logs, not the whole history's.
  const start = Math.max(0, s.y.length - o.lags);
  const last = { y: s.y.subarray(start), phase: (s.phase + start) % Math.max(1, o.period) };
  const prepared = prepare(last, log, 0);
  const x = new Float64Array(o.lags);
  const scale = windowAt(o, prepared, last.y.length, x);
  if (Number.isNaN(scale)) return { mean, quantiles };
  const preds = fitted(x, positionAt(o, prepared, last.y.length));
  for (let k = 0; k < h; k++) {
    const pred = preds[k] as number;
    const shift = meanShift[k] as number;
    const q = residualQuantiles[k] as readonly number[];
    // The log model's scale is the log of the window's scale.
    mean[k] = log ? Math.exp(scale + pred) * shift : scale * (pred + shift);
    quantiles.forEach((out, l) => {
      out[k] = log ? Math.exp(scale + pred + (q[l] as number)) : scale * (pred + (q[l] as number));
    });
  }
  return { mean, quantiles };
}
