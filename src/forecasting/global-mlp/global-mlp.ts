// A small pooled nonlinear model in the frame of the pooled autoregression (../global-ar/global-ar.ts): the same
// windows of each series' last `lags` values divided by the window's scale (in logs where the data is positive),
// the same seasonal-position one-hot, the same direct multi-step output, but the map from window to the horizon's
// values is a one-hidden-layer network of ReLU units beside a linear skip (hidden = 0: the linear model alone),
// trained by Adam on the absolute error in the scaled log space: the log of a ratio, so close to the relative error
// MAPE scores, and robust to the few series whose windows the linear least squares overweights. The idea is
// N-BEATS's (pooled MLP on scaled lookback windows, relative-error losses, an ensemble over seeds and lookbacks)
// at a size that trains in a fraction of a second per dataset. Deterministic: the initial weights and the order
// of the minibatches come from a seeded generator, and every sum runs in a fixed order, so the same data and
// options give the same model bit for bit. Covariate-free: the model reads the targets alone.

import {
  forecastPooled,
  type GlobalArOptions,
  type GlobalArSeries,
  type PooledWindows,
  pooledWindows,
  sortedQuantile,
} from "../global-ar/global-ar.js";
import type { SeriesForecast } from "../model.js";
import { createRng, standardNormal } from "../rng.js";

export interface GlobalMlpOptions extends Omit<GlobalArOptions, "ridge" | "windowByWindow"> {
  /** ReLU units of the hidden layer (0: the linear skip alone, a linear model fitted on the absolute error). */
  hidden: number;
  /** Adam steps, each on `batch` windows drawn with replacement. */
  steps: number;
  batch: number;
  /** Adam's step size; held for the first half of the steps, then decayed linearly to 0. */
  learningRate: number;
  /** Seed of the initial weights and of the minibatches. */
  seed: number;
}

/** A fitted network: plain data, so it can cross threads and be stored as JSON. */
export interface GlobalMlpModel {
  options: GlobalMlpOptions;
  /** Whether the log of the scaled values was modelled. */
  log: boolean;
  /** Every weight, laid out as in `layout`. */
  weights: number[];
  /** Per step ahead, per level: the quantile of the in-sample residuals (log or scaled units). */
  residualQuantiles: number[][];
  /** Training windows. */
  rows: number;
}

const MAX_RESIDUAL_ROWS = 5_000;
const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

/** The network's inputs: the lags, then the one-hot of the seasonal position (or a constant 1). */
const inputCount = (o: GlobalMlpOptions): number => o.lags + (o.calendar && o.period > 1 ? o.period : 1);

/** Offsets of the weight blocks in one flat vector. */
interface Layout {
  inputs: number;
  hidden: number;
  horizon: number;
  /** W1: hidden × inputs. */
  w1: number;
  b1: number;
  /** W2: horizon × hidden. */
  w2: number;
  b2: number;
  /** The linear skip S: horizon × inputs. */
  skip: number;
  size: number;
}

function layout(o: GlobalMlpOptions): Layout {
  const inputs = inputCount(o);
  const { hidden, horizon } = o;
  const w1 = 0;
  const b1 = w1 + hidden * inputs;
  const w2 = b1 + hidden;
  const b2 = w2 + horizon * hidden;
  const skip = b2 + horizon;
  return { inputs, hidden, horizon, w1, b1, w2, b2, skip, size: skip + horizon * inputs };
}

function checkOptions(o: GlobalMlpOptions): void {
  const whole = (x: number, min: number) => Number.isInteger(x) && x >= min;
  if (!whole(o.hidden, 0)) throw new RangeError(`hidden must be a non-negative integer, got ${o.hidden}`);
  if (!whole(o.steps, 0)) throw new RangeError(`steps must be a non-negative integer, got ${o.steps}`);
  if (!whole(o.batch, 1)) throw new RangeError(`batch must be a positive integer, got ${o.batch}`);
  if (!(o.learningRate > 0)) throw new RangeError(`learningRate must be > 0, got ${o.learningRate}`);
  if (!Number.isInteger(o.seed)) throw new RangeError(`seed must be an integer, got ${o.seed}`);
}

/** He initialisation of W1 (normal by Box–Muller, variance 2 / fan-in); W2, the biases and the skip start at 0. */
function initialWeights(l: Layout, uniform: () => number): Float64Array {
  const w = new Float64Array(l.size);
  const sd = Math.sqrt(2 / l.inputs);
  for (let i = 0; i < l.hidden * l.inputs; i++) w[l.w1 + i] = sd * standardNormal(uniform);
  return w;
}

/**
 * The network's output for one window (lags `x` at xOffset, one-hot column `position`) into `out`; the hidden
 * layer's pre-activations into `pre` (for the backward pass).
 */
function forward(
  l: Layout,
  w: Float64Array,
  x: Float64Array,
  xOffset: number,
  lags: number,
  position: number,
  pre: Float64Array,
  out: Float64Array,
): void {
  const { inputs, hidden, horizon } = l;
  for (let j = 0; j < hidden; j++) {
    const row = l.w1 + j * inputs;
    let a = (w[l.b1 + j] as number) + (w[row + lags + position] as number);
    for (let i = 0; i < lags; i++) a += (w[row + i] as number) * (x[xOffset + i] as number);
    pre[j] = a;
  }
  for (let k = 0; k < horizon; k++) {
    const row = l.w2 + k * hidden;
    const skipRow = l.skip + k * inputs;
    let o = (w[l.b2 + k] as number) + (w[skipRow + lags + position] as number);
    for (let i = 0; i < lags; i++) o += (w[skipRow + i] as number) * (x[xOffset + i] as number);
    for (let j = 0; j < hidden; j++) {
      const a = pre[j] as number;
      if (a > 0) o += (w[row + j] as number) * a;
    }
    out[k] = o;
  }
}

/**
 * The mean absolute error over the valid targets of `rows` (indexes into the windows) and, when `grad` is given,
 * its gradient with respect to every weight added into it.
 */
function lossAndGradient(
  l: Layout,
  w: Float64Array,
  data: PooledWindows,
  lags: number,
  rows: ArrayLike<number>,
  grad: Float64Array | undefined,
  scratch: { pre: Float64Array; out: Float64Array; g: Float64Array; dPre: Float64Array },
): number {
  const { inputs, hidden, horizon } = l;
  const { pre, out, g, dPre } = scratch;
  let valid = 0;
  for (let b = 0; b < rows.length; b++) {
    const r = rows[b] as number;
    for (let k = 0; k < horizon; k++) if (!Number.isNaN(data.z[r * horizon + k] as number)) valid++;
  }
  if (valid === 0) return 0;
  let loss = 0;
  for (let b = 0; b < rows.length; b++) {
    const r = rows[b] as number;
    const xOffset = r * lags;
    const position = data.position[r] as number;
    forward(l, w, data.x, xOffset, lags, position, pre, out);
    for (let k = 0; k < horizon; k++) {
      const z = data.z[r * horizon + k] as number;
      if (Number.isNaN(z)) {
        g[k] = 0;
        continue;
      }
      const e = (out[k] as number) - z;
      loss += Math.abs(e);
      g[k] = e > 0 ? 1 / valid : e < 0 ? -1 / valid : 0;
    }
    if (!grad) continue;
    dPre.fill(0);
    for (let k = 0; k < horizon; k++) {
      const gk = g[k] as number;
      if (gk === 0) continue;
      grad[l.b2 + k] += gk;
      const row = l.w2 + k * hidden;
      for (let j = 0; j < hidden; j++) {
        const a = pre[j] as number;
        if (a > 0) {
          grad[row + j] += gk * a;
          dPre[j] += gk * (w[row + j] as number);
        }
      }
      const skipRow = l.skip + k * inputs;
      for (let i = 0; i < lags; i++) grad[skipRow + i] += gk * (data.x[xOffset + i] as number);
      grad[skipRow + lags + position] += gk;
    }
    for (let j = 0; j < hidden; j++) {
      const d = dPre[j] as number;
      if (d === 0) continue;
      grad[l.b1 + j] += d;
      const row = l.w1 + j * inputs;
      for (let i = 0; i < lags; i++) grad[row + i] += d * (data.x[xOffset + i] as number);
      grad[row + lags + position] += d;
    }
  }
  return loss / valid;
}

function scratchFor(l: Layout) {
  return {
    pre: new Float64Array(Math.max(1, l.hidden)),
    out: new Float64Array(l.horizon),
    g: new Float64Array(l.horizon),
    dPre: new Float64Array(Math.max(1, l.hidden)),
  };
}

/**
 * Trains the network on the windows by Adam, from the seeded initial weights; returns the weights and the mean
 * absolute error over every window before and after (the tests read them).
 */
export function trainPooledMlp(
  data: PooledWindows,
  o: GlobalMlpOptions,
): { weights: Float64Array; lossBefore: number; lossAfter: number } {
  checkOptions(o);
  const l = layout(o);
  const uniform = createRng(o.seed);
  const w = initialWeights(l, uniform);
  const all = Int32Array.from({ length: data.rows }, (_, i) => i);
  const scratch = scratchFor(l);
  const lossBefore = lossAndGradient(l, w, data, o.lags, all, undefined, scratch);
  if (data.rows === 0) return { weights: w, lossBefore, lossAfter: lossBefore };
  const m = new Float64Array(l.size);
  const v = new Float64Array(l.size);
  const grad = new Float64Array(l.size);
  const batch = new Int32Array(o.batch);
  let beta1t = 1;
  let beta2t = 1;
  for (let step = 0; step < o.steps; step++) {
    for (let b = 0; b < o.batch; b++) batch[b] = Math.floor(uniform() * data.rows);
    grad.fill(0);
    lossAndGradient(l, w, data, o.lags, batch, grad, scratch);
    beta1t *= ADAM_BETA1;
    beta2t *= ADAM_BETA2;
    const rate = o.learningRate * Math.min(1, 2 * (1 - step / o.steps));
    const a = (rate * Math.sqrt(1 - beta2t)) / (1 - beta1t);
    for (let i = 0; i < l.size; i++) {
      const gi = grad[i] as number;
      const mi = ADAM_BETA1 * (m[i] as number) + (1 - ADAM_BETA1) * gi;
      const vi = ADAM_BETA2 * (v[i] as number) + (1 - ADAM_BETA2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] -= (a * mi) / (Math.sqrt(vi) + ADAM_EPSILON);
    }
  }
  const lossAfter = lossAndGradient(l, w, data, o.lags, all, undefined, scratch);
  return { weights: w, lossBefore, lossAfter };
}

/** Per step, the quantiles of the residuals of a regular sample of at most MAX_RESIDUAL_ROWS windows. */
function residualQuantiles(l: Layout, w: Float64Array, data: PooledWindows, o: GlobalMlpOptions): number[][] {
  const h = o.horizon;
  const stride = Math.max(1, Math.ceil(data.rows / MAX_RESIDUAL_ROWS));
  const residuals: number[][] = Array.from({ length: h }, () => []);
  const { pre, out } = scratchFor(l);
  for (let r = 0; r < data.rows; r += stride) {
    forward(l, w, data.x, r * o.lags, o.lags, data.position[r] as number, pre, out);
    for (let k = 0; k < h; k++) {
      const z = data.z[r * h + k] as number;
      if (!Number.isNaN(z)) (residuals[k] as number[]).push(z - (out[k] as number));
    }
  }
  const quantiles: number[][] = [];
  for (let k = 0; k < h; k++) {
    const res = residuals[k] as number[];
    // No window reaches this step: the previous step's spread (none at all: a point forecast).
    if (res.length === 0) quantiles.push(k > 0 ? [...(quantiles[k - 1] as number[])] : o.levels.map(() => 0));
    else {
      const sorted = Float64Array.from(res).sort();
      quantiles.push(o.levels.map((level) => sortedQuantile(sorted, level)));
    }
  }
  return quantiles;
}

/**
 * A step that no window reaches (a series' latest origins reach only the first steps) keeps its initial weights;
 * it takes the nearest shorter step's output weights instead, as the pooled autoregression does.
 */
function reuseUnreachedSteps(l: Layout, w: Float64Array, data: PooledWindows): void {
  const h = l.horizon;
  for (let k = 1; k < h; k++) {
    let reached = false;
    for (let r = 0; r < data.rows && !reached; r++) reached = !Number.isNaN(data.z[r * h + k] as number);
    if (reached) continue;
    w[l.b2 + k] = w[l.b2 + k - 1] as number;
    w.copyWithin(l.w2 + k * l.hidden, l.w2 + (k - 1) * l.hidden, l.w2 + k * l.hidden);
    w.copyWithin(l.skip + k * l.inputs, l.skip + (k - 1) * l.inputs, l.skip + k * l.inputs);
  }
}

/** Fits one pooled network over `series` (each at least one value; non-finite values are not allowed). */
export function fitGlobalMlp(series: readonly GlobalArSeries[], options: GlobalMlpOptions): GlobalMlpModel {
  const o = options;
  const data = pooledWindows(series, { ...o, ridge: 0 });
  const { weights } = trainPooledMlp(data, o);
  reuseUnreachedSteps(layout(o), weights, data);
  return {
    options: { ...o, levels: [...o.levels] },
    log: data.log,
    weights: Array.from(weights),
    residualQuantiles: residualQuantiles(layout(o), weights, data, o),
    rows: data.rows,
  };
}

/**
 * Forecasts the `horizon` values after the series: the point forecast (the network's output, a median in the
 * fitted units: the absolute error's minimiser) and the model's quantile levels, in the series' units. A series
 * whose last window is all zero forecasts zeros; an empty one NaNs.
 */
export function forecastGlobalMlp(model: GlobalMlpModel, s: GlobalArSeries): SeriesForecast {
  const o = model.options;
  const l = layout(o);
  const weights = Float64Array.from(model.weights);
  const { pre, out } = scratchFor(l);
  // The output is the point itself: no shift (log: a factor of 1).
  const shift = new Array<number>(o.horizon).fill(model.log ? 1 : 0);
  return forecastPooled({ ...o, ridge: 0 }, model.log, s, shift, model.residualQuantiles, (x, position) => {
    forward(l, weights, x, 0, o.lags, position, pre, out);
    return out;
  });
}
