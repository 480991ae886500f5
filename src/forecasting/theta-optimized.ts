// The optimised Theta model (OTM) and the dynamic optimised Theta model (DOTM) of Fiorucci, Pellegrini, Louzada,
// Petropoulos & Koehler (2016, IJF 32:1151–1161, "Models for optimising the theta method and their relationship
// to state space models"), with the seasonal step of the M3 Theta (theta-deseason.ts), as in their forecTheta
// package. Written from the paper's state-space equations (section 3):
//
//   μ_t = ℓ_{t−1} + (1 − 1/θ)·[A_{t−1}·(1 − α)^{t−1} + B_{t−1}·(1 − (1 − α)^t)/α]
//   ℓ_t = α·y_t + (1 − α)·ℓ_{t−1}
//
// where A and B are the intercept and slope of the least-squares line: fixed, fitted once on the whole series, in
// OTM; updated after every observation in DOTM (Ȳ_t = ((t − 1)·Ȳ_{t−1} + y_t)/t,
// B_t = ((t − 2)·B_{t−1} + 6·(y_t − Ȳ_{t−1})/t)/(t + 1), A_t = Ȳ_t − (t + 1)·B_t/2, starting from A_1 = y_1,
// B_1 = 0, μ_1 = y_1). θ = 2 gives the standard Theta method (STM / DSTM). ℓ_0, α ∈ [0.1, 0.99] and θ ≥ 1
// minimise the sum of squared one-step errors (DOTM from t = 3, its first two being fixed by the start), by
// Nelder–Mead from (y_1/2, 0.5, 2), the paper's choices. Forecasts run the recursion on with y replaced by μ;
// intervals simulate it with normal errors of the residuals' standard deviation, as the authors' package does
// (on series too short for that standard deviation, the random walk's).

import type { FitContext, FittedSeries, SeriesForecast, SeriesModel } from "./model.js";
import { lagResidualScale } from "./naive.js";
import { nelderMead } from "./nelder-mead.js";
import { seededStandardNormals } from "./rng.js";
import { forecastFromSamples } from "./sample-quantiles.js";
import { deseasonalize, reseasonalize } from "./theta-deseason.js";
import { leastSquaresLine } from "./theta-m3.js";

export interface TwoLinesParams {
  readonly level0: number;
  readonly alpha: number;
  readonly theta: number;
}

/** The recursion's state after some observations (1-based time t of the last one). */
export interface TwoLinesState {
  t: number;
  level: number;
  meanY: number;
  a: number;
  b: number;
  /** (1 − α)^t, carried along instead of a power per step. */
  decay: number;
}

const ALPHA_MIN = 0.1;
const ALPHA_MAX = 0.99;
const THETA_MIN = 1;

/** One-step forecast μ_{t+1} from the state at time t. */
function nextMean(p: TwoLinesParams, s: TwoLinesState): number {
  const decay = s.decay;
  return s.level + (1 - 1 / p.theta) * (s.a * decay + (s.b * (1 - decay * (1 - p.alpha))) / p.alpha);
}

/** Moves the state from time t to t + 1 on observing y. */
function update(p: TwoLinesParams, s: TwoLinesState, y: number, dynamic: boolean): void {
  const t = s.t;
  s.level = p.alpha * y + (1 - p.alpha) * s.level;
  const previousMean = s.meanY;
  s.meanY = (t * previousMean + y) / (t + 1);
  if (dynamic) {
    s.b = ((t - 1) * s.b + (6 * (y - previousMean)) / (t + 1)) / (t + 2);
    s.a = s.meanY - (s.b * (t + 2)) / 2;
  }
  s.t = t + 1;
  s.decay *= 1 - p.alpha;
}

/**
 * Runs the model over x; fills `fitted` (μ_t) when given and returns the state after the last point.
 * `line` is the whole-sample least-squares line, used by the static model.
 */
export function runTwoLines(
  x: Float64Array,
  p: TwoLinesParams,
  dynamic: boolean,
  line: { intercept: number; slope: number },
  fitted?: Float64Array,
): TwoLinesState {
  const s: TwoLinesState = {
    t: 1,
    level: p.alpha * x[0] + (1 - p.alpha) * p.level0,
    meanY: x[0],
    a: dynamic ? x[0] : line.intercept,
    b: dynamic ? 0 : line.slope,
    decay: 1 - p.alpha,
  };
  if (fitted) fitted[0] = dynamic ? x[0] : p.level0 + (1 - 1 / p.theta) * (line.intercept + line.slope);
  for (let i = 1; i < x.length; i++) {
    if (fitted) fitted[i] = nextMean(p, s);
    update(p, s, x[i], dynamic);
  }
  return s;
}

/**
 * The optimiser's objective: Σ ((x_t − μ_t)/scale)² over t ≥ `first`, μ_t as runTwoLines computes it, without
 * filling an array or allocating a state per call (a fit evaluates it several hundred times). The recursion is
 * runTwoLines's, expression for expression and in the same order (constants hoisted; the static model skips the
 * running mean it never reads), so the sum is bit for bit the one over runTwoLines's fitted values
 * (test/forecasting/theta-optimized.test.ts).
 */
export function twoLinesSse(
  x: Float64Array,
  p: TwoLinesParams,
  dynamic: boolean,
  line: { intercept: number; slope: number },
  first: number,
  scale: number,
): number {
  const n = x.length;
  const alpha = p.alpha;
  const keep = 1 - alpha;
  const weight = 1 - 1 / p.theta;
  const x0 = x[0] as number;
  let level = alpha * x0 + keep * p.level0;
  let meanY = x0;
  let a = dynamic ? x0 : line.intercept;
  let b = dynamic ? 0 : line.slope;
  let decay = keep;
  let s = 0;
  if (first === 0) {
    const fitted0 = dynamic ? x0 : p.level0 + weight * (line.intercept + line.slope);
    s += ((x0 - fitted0) / scale) ** 2;
  }
  for (let i = 1; i < n; i++) {
    const fitted = level + weight * (a * decay + (b * (1 - decay * keep)) / alpha);
    const y = x[i] as number;
    if (i >= first) s += ((y - fitted) / scale) ** 2;
    level = alpha * y + keep * level;
    if (dynamic) {
      const t = i;
      const previousMean = meanY;
      meanY = (t * previousMean + y) / (t + 1);
      b = ((t - 1) * b + (6 * (y - previousMean)) / (t + 1)) / (t + 2);
      a = meanY - (b * (t + 2)) / 2;
    }
    decay *= keep;
  }
  return s;
}

export interface TwoLinesFit {
  readonly params: TwoLinesParams;
  readonly state: TwoLinesState;
  /** Standard deviation of the one-step residuals (from t = 3), the simulation's noise. */
  readonly sigma: number;
}

export interface ThetaModelOptions {
  /** DOTM (true) or OTM (false). */
  readonly dynamic: boolean;
  /** Estimate θ (OTM, DOTM) or keep θ = 2 (STM, DSTM). */
  readonly optimizeTheta?: boolean;
  readonly name?: string;
  readonly simulationPaths?: number;
  readonly seed?: number;
}

export function fitTwoLines(x: Float64Array, dynamic: boolean, optimizeTheta = true): TwoLinesFit {
  const n = x.length;
  const line = leastSquaresLine(x);
  let scale = 0;
  for (let t = 0; t < n; t++) scale += Math.abs(x[t]);
  scale = scale / n || 1;
  const fitted = new Float64Array(n);
  const first = dynamic ? 2 : 0;
  const unpack = (v: Float64Array): TwoLinesParams => ({
    level0: v[0],
    alpha: v[1],
    theta: optimizeTheta ? v[2] : 2,
  });
  const sse = (v: Float64Array): number => {
    const p = unpack(v);
    if (!(p.alpha >= ALPHA_MIN && p.alpha <= ALPHA_MAX && p.theta >= THETA_MIN))
      return Number.POSITIVE_INFINITY;
    return twoLinesSse(x, p, dynamic, line, first, scale);
  };
  const start = optimizeTheta ? Float64Array.of(x[0] / 2, 0.5, 2) : Float64Array.of(x[0] / 2, 0.5);
  const steps = optimizeTheta
    ? Float64Array.of(0.1 * Math.max(Math.abs(x[0] / 2), scale), 0.1, 0.2)
    : Float64Array.of(0.1 * Math.max(Math.abs(x[0] / 2), scale), 0.1);
  const result = nelderMead(sse, start, steps, 1000, 1e-8);
  const params = unpack(result.x);
  const state = runTwoLines(x, params, dynamic, line, fitted);
  // Standard deviation of the residuals from t = 3 (R's sd: around their mean, n − 1 in the denominator).
  let count = 0;
  let sum = 0;
  for (let t = 2; t < n; t++) {
    sum += x[t] - fitted[t];
    count++;
  }
  const mean = count > 0 ? sum / count : 0;
  let ss = 0;
  for (let t = 2; t < n; t++) ss += (x[t] - fitted[t] - mean) ** 2;
  const residualSigma = count > 1 ? Math.sqrt(ss / (count - 1)) : 0;
  // With no more residuals than the model has parameters (ℓ0, α and θ: a series of 5 points or fewer), their
  // spread says nothing: two or three points are fitted almost exactly, and one or none leaves σ = 0, a zero-width
  // interval. The random walk's one-step scale (the naive member's) stands in where it is larger.
  const parameters = optimizeTheta ? 3 : 2;
  const sigma = count > parameters ? residualSigma : Math.max(residualSigma, lagResidualScale(x, 1));
  return { params, state, sigma };
}

/**
 * Sample paths of the next h observations from `state`: path p, step j is written to out[p·h + j], drawing the error
 * sigma·normals[p·h + j]. nextMean and update per step, expression for expression and in the same order (the
 * state in locals, constants hoisted, the static model's unread running mean skipped), so the paths are bit for bit
 * those of calling them (test/forecasting/theta-optimized.test.ts); a thousand paths per forecast.
 */
export function simulateTwoLines(
  p: TwoLinesParams,
  state: TwoLinesState,
  dynamic: boolean,
  sigma: number,
  normals: ArrayLike<number>,
  paths: number,
  h: number,
  out: Float64Array,
): void {
  const alpha = p.alpha;
  const keep = 1 - alpha;
  const weight = 1 - 1 / p.theta;
  for (let path = 0; path < paths; path++) {
    let t = state.t;
    let level = state.level;
    let meanY = state.meanY;
    let a = state.a;
    let b = state.b;
    let decay = state.decay;
    const row = path * h;
    for (let j = 0; j < h; j++) {
      const y =
        level +
        weight * (a * decay + (b * (1 - decay * keep)) / alpha) +
        sigma * (normals[row + j] as number);
      out[row + j] = y;
      level = alpha * y + keep * level;
      if (dynamic) {
        const previousMean = meanY;
        meanY = (t * previousMean + y) / (t + 1);
        b = ((t - 1) * b + (6 * (y - previousMean)) / (t + 1)) / (t + 2);
        a = meanY - (b * (t + 2)) / 2;
      }
      t++;
      decay *= keep;
    }
  }
}

class FittedTwoLines implements FittedSeries {
  constructor(
    private readonly fit: TwoLinesFit,
    private readonly dynamic: boolean,
    private readonly n: number,
    private readonly indices: Float64Array | null,
    private readonly paths: number,
    private readonly seed: number,
  ) {}

  forecast(h: number, quantiles: readonly number[]): SeriesForecast {
    const { params, state, sigma } = this.fit;
    const mean = new Float64Array(h);
    const s = { ...state };
    for (let j = 0; j < h; j++) {
      mean[j] = nextMean(params, s);
      update(params, s, mean[j], this.dynamic);
    }
    const normals = seededStandardNormals(this.seed, this.paths * h);
    const samples = new Float64Array(this.paths * h);
    simulateTwoLines(params, state, this.dynamic, sigma, normals, this.paths, h, samples);
    const result = forecastFromSamples(samples, this.paths, h, quantiles);
    const forecast = { mean, quantiles: result.quantiles };
    reseasonalize([forecast.mean, ...forecast.quantiles], this.indices, this.n);
    return forecast;
  }
}

export class OptimizedThetaModel implements SeriesModel {
  readonly name: string;

  constructor(private readonly options: ThetaModelOptions) {
    this.name = options.name ?? (options.dynamic ? "dotm" : "otm");
  }

  fit(y: Float64Array, ctx: FitContext): FittedSeries {
    if (y.length === 0) throw new RangeError("cannot fit an empty series");
    const { adjusted, indices } = deseasonalize(y, ctx.period);
    const fit = fitTwoLines(adjusted, this.options.dynamic, this.options.optimizeTheta ?? true);
    return new FittedTwoLines(
      fit,
      this.options.dynamic,
      y.length,
      indices,
      this.options.simulationPaths ?? 1000,
      this.options.seed ?? 42,
    );
  }
}
