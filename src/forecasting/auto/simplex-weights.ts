// Learning the dataset-level weights of k components from the backtest windows with sufficient statistics that
// stay O(k²) per series: the Gram matrix G = Σ e·eᵀ of the components' scaled errors e_m = (f_m − y)/scale, summed
// over every point of every window of every series (each window alike unless the caller weighs them by recency:
// windowWeight; the engine does not). The mean squared scaled error of a weighting w is wᵀGw/n, so
// the weights are the least-squares stacking of the components on the simplex (w ≥ 0, Σw = 1), solved once,
// centrally, from the merged sums. Chunks add their matrices: nothing else crosses between them, and the cost per
// series and window is k² multiply-adds per point, against one accumulator per candidate weighting for a grid
// (C(k+9, k−1) of them at steps of 0.1: 3,003 for k = 6).
//
// The error scale (ErrorScale) is chosen per OptimizationMetric by LEARNED_OBJECTIVE (members.ts): the series'
// in-sample seasonal naive MAE before the window (MASE's), so that every series weighs alike whatever its size;
// each point's |actual| (MAPE's, squared percentage errors); each window's mean |actual|; or none (WAPE's and
// RMSE's, so large series weigh more, as in those metrics; dividing by the dataset's total would not change the
// weights). On the tourism validation split the seasonal naive scale did best on every metric, so it is every
// metric's today. Squared rather than absolute errors because only squares have O(k²) sufficient statistics (and
// absolute errors, minimised exactly, did no better there).

import { seasonalNaiveScale } from "../metrics.js";

/**
 * What divides each error before it is squared: "seasonal-naive" the series' in-sample seasonal naive MAE (a
 * MASE proxy), "actual" the point's |actual| (a MAPE proxy; points with actual 0 are left out), "window-level" the
 * window's mean |actual| (a MAPE proxy less swayed by single small actuals), "none" nothing
 * (a WAPE / RMSE proxy: the dataset's total errors, large series weighing more).
 */
export type ErrorScale = "seasonal-naive" | "actual" | "window-level" | "none";

/** The objective's words, as the predictor reports how its weights were learned, for the metric it stands in for. */
export function objectiveText(scale: ErrorScale, metric: string): string {
  const what = {
    "seasonal-naive": "errors scaled by each series' in-sample seasonal naive MAE",
    actual: "percentage errors (each point's error over its |actual|; zero actuals left out)",
    "window-level": "errors scaled by each series window's mean |actual|",
    none: "unscaled errors (large series weigh more)",
  }[scale];
  return `mean squared ${what} (the objective for OptimizationMetric ${metric}; Gram matrix of the backtest errors, simplex least squares)`;
}

/** A chunk's sums: plain data, cloned between threads. */
export interface ErrorGramState {
  k: number;
  /** What divided the errors (absent in sums from before the choice: seasonal-naive). */
  scale?: ErrorScale;
  /** Row-major k × k: Σ e_i·e_j over the points. */
  gram: number[];
  /** Points added. */
  points: number;
  /** Series windows left out (a component without a finite forecast, or no usable scale). */
  skipped: number;
}

/** Accumulates the Gram matrix of the components' scaled errors, window by window, series by series. */
export class ErrorGram {
  private readonly gram: Float64Array;
  private readonly e: Float64Array;
  private points = 0;
  private skipped = 0;

  constructor(
    readonly k: number,
    readonly scale: ErrorScale = "seasonal-naive",
  ) {
    if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`need at least one component, got ${k}`);
    this.gram = new Float64Array(k * k);
    this.e = new Float64Array(k);
  }

  /**
   * Adds one series' window: `means[m]` is component m's point forecast of `actual` (undefined when it has none),
   * `history` the series before the window, whose seasonal naive MAE scales the errors (with that scale). A window
   * where a component has no finite forecast is left out (the combination would rescale the others there, so it
   * says nothing of the weights), as is a history with no scale (constant, or a single point): its mean absolute
   * value stands in, and a history of zeros is left out. With the "actual" scale a point whose actual is 0 is left
   * out; with "none" every finite point counts. `weight` multiplies the window's terms (windowWeight: the older
   * backtest windows may count less); a window of weight 0 is not added (nor counted as skipped).
   */
  add(
    actual: ArrayLike<number>,
    means: readonly (ArrayLike<number> | undefined)[],
    history: ArrayLike<number>,
    period: number,
    weight = 1,
  ): boolean {
    const { k, e, gram } = this;
    if (means.length !== k) throw new RangeError(`expected ${k} components, got ${means.length}`);
    if (!(weight >= 0 && Number.isFinite(weight))) throw new RangeError(`window weight ${weight}`);
    if (weight === 0) return false;
    const scale =
      this.scale === "seasonal-naive"
        ? seriesScale(history, period)
        : this.scale === "window-level"
          ? meanAbs(actual)
          : 1;
    const usable = means.every((f) => f !== undefined && allFinite(f, actual.length));
    if (!(scale > 0) || !usable) {
      this.skipped++;
      return false;
    }
    const perPoint = this.scale === "actual";
    for (let t = 0; t < actual.length; t++) {
      const y = actual[t] as number;
      if (!Number.isFinite(y) || (perPoint && y === 0)) continue;
      const s = perPoint ? Math.abs(y) : scale;
      for (let m = 0; m < k; m++) e[m] = ((means[m] as ArrayLike<number>)[t] - y) / s;
      // weight·e_i is e_i exactly when the weight is 1, so equal windows give the unweighted sums bit for bit.
      for (let i = 0; i < k; i++) {
        const ei = weight * (e[i] as number);
        for (let j = i; j < k; j++) gram[i * k + j] += ei * (e[j] as number);
      }
      this.points++;
    }
    return true;
  }

  state(): ErrorGramState {
    const { k } = this;
    const full = Array.from(this.gram);
    // Only the upper triangle was accumulated: mirror it.
    for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) full[i * k + j] = full[j * k + i] as number;
    return { k, scale: this.scale, gram: full, points: this.points, skipped: this.skipped };
  }

  /** The sums of several chunks (the order does not matter, up to rounding). */
  static merge(states: readonly ErrorGramState[]): ErrorGramState {
    const first = states[0];
    if (!first) throw new RangeError("no chunk to merge");
    const gram = new Array<number>(first.k * first.k).fill(0);
    const scale = first.scale ?? "seasonal-naive";
    let points = 0;
    let skipped = 0;
    for (const s of states) {
      if (s.k !== first.k) throw new RangeError(`chunks disagree on the components: ${s.k} vs ${first.k}`);
      if ((s.scale ?? "seasonal-naive") !== scale)
        throw new RangeError(`chunks disagree on the error scale: ${s.scale} vs ${scale}`);
      s.gram.forEach((v, i) => {
        gram[i] = (gram[i] as number) + v;
      });
      points += s.points;
      skipped += s.skipped;
    }
    return { k: first.k, scale, gram, points, skipped };
  }
}

/**
 * The weight of backtest window `window` (0 the latest) in the Gram sums when the windows are weighted by recency:
 * recency^window, so 1 weighs every window alike and 0 keeps the latest window alone (0^0 = 1).
 */
export function windowWeight(recency: number, window: number): number {
  if (!(recency >= 0 && recency <= 1))
    throw new RangeError(`window recency must be in [0, 1], got ${recency}`);
  return recency ** window;
}

/** The seasonal naive MAE of the history, or its mean absolute value where that is 0 (constant, or one point). */
function seriesScale(history: ArrayLike<number>, period: number): number {
  const scale = seasonalNaiveScale(history, period);
  if (scale > 0) return scale;
  let s = 0;
  for (let i = 0; i < history.length; i++) s += Math.abs(history[i] as number);
  return history.length > 0 ? s / history.length : 0;
}

/** The mean |value| over the finite values (0 when there are none). */
function meanAbs(v: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (Number.isFinite(x)) {
      s += Math.abs(x);
      n++;
    }
  }
  return n > 0 ? s / n : 0;
}

function allFinite(f: ArrayLike<number>, n: number): boolean {
  if (f.length < n) return false;
  for (let t = 0; t < n; t++) if (!Number.isFinite(f[t] as number)) return false;
  return true;
}

/** Components up to which the simplex problem is solved exactly by enumerating supports (2^k small solves). */
export const MAX_EXACT_COMPONENTS = 14;

/**
 * The weights w ≥ 0, Σw = 1 minimising wᵀGw (the mean squared scaled error of the combination), exactly: for every
 * support S the equality-constrained optimum is w_S ∝ G_S⁻¹·1, and the optimum is the best support whose weights
 * are all non-negative. A tiny ridge (1e-10 of G's mean diagonal) keeps G_S invertible when components coincide or
 * one is exact. Ties (within 1e-12 relative) go to the smaller support, then to the earlier components, so a lone
 * component with zero error gets all the weight. Without data (G = 0) the first component gets it all.
 */
export function simplexLeastSquares(state: Pick<ErrorGramState, "k" | "gram">): number[] {
  const { k, gram } = state;
  if (k > MAX_EXACT_COMPONENTS) throw new RangeError(`at most ${MAX_EXACT_COMPONENTS} components, got ${k}`);
  let trace = 0;
  for (let i = 0; i < k; i++) trace += gram[i * k + i] as number;
  const best = new Array<number>(k).fill(0);
  best[0] = 1;
  if (!(trace > 0)) return best;
  const ridge = (1e-10 * trace) / k;
  let bestValue = Number.POSITIVE_INFINITY;
  const supports = Array.from({ length: (1 << k) - 1 }, (_, i) => i + 1).sort(
    (a, b) => popcount(a) - popcount(b) || lowestFirst(a, b),
  );
  for (const mask of supports) {
    const idx: number[] = [];
    for (let m = 0; m < k; m++) if (mask & (1 << m)) idx.push(m);
    const size = idx.length;
    const a = idx.map((i) => idx.map((j) => (gram[i * k + j] as number) + (i === j ? ridge : 0)));
    const x = solve(a, new Array<number>(size).fill(1));
    if (!x) continue;
    const total = x.reduce((s, v) => s + v, 0);
    if (!(total > 0)) continue;
    const w = x.map((v) => v / total);
    if (w.some((v) => v < 0)) continue;
    let value = 0;
    for (let p = 0; p < size; p++)
      for (let q = 0; q < size; q++)
        value +=
          (w[p] as number) * (w[q] as number) * (gram[(idx[p] as number) * k + (idx[q] as number)] as number);
    // Supports come smallest first, so a tie keeps the smaller (then earlier) one.
    if (!Number.isFinite(bestValue) || value < bestValue - 1e-12 * Math.abs(bestValue)) {
      bestValue = value;
      best.fill(0);
      idx.forEach((m, p) => {
        best[m] = w[p] as number;
      });
    }
  }
  return best;
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v; v &= v - 1) c++;
  return c;
}

/** Orders masks of one size by their components, earliest first: [0,1] before [0,2] before [1,2]. */
function lowestFirst(a: number, b: number): number {
  for (let m = 0; m < 31; m++) {
    const da = (a >> m) & 1;
    const db = (b >> m) & 1;
    if (da !== db) return db - da;
  }
  return 0;
}

/** Gaussian elimination with partial pivoting; undefined when the matrix is singular. */
function solve(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++)
      if (Math.abs((m[r] as number[])[c] as number) > Math.abs((m[pivot] as number[])[c] as number))
        pivot = r;
    const pr = m[pivot] as number[];
    if (!(Math.abs(pr[c] as number) > 0)) return undefined;
    [m[c], m[pivot]] = [pr, m[c] as number[]];
    const row = m[c] as number[];
    for (let r = c + 1; r < n; r++) {
      const other = m[r] as number[];
      const f = (other[c] as number) / (row[c] as number);
      if (f === 0) continue;
      for (let j = c; j <= n; j++) other[j] = (other[j] as number) - f * (row[j] as number);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    const row = m[r] as number[];
    let s = row[n] as number;
    for (let j = r + 1; j < n; j++) s -= (row[j] as number) * (x[j] as number);
    x[r] = s / (row[r] as number);
  }
  return x.every(Number.isFinite) ? x : undefined;
}
