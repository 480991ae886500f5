// The two objectives. Both have a unit hessian (see histogram.ts), so a loss only supplies gradients, the first
// guess, leaf values and an evaluation metric.

import type { GbdtObjective } from "./ensemble.js";
import { quantileInPlace } from "./quantile-select.js";

export interface Loss {
  readonly objective: GbdtObjective;
  readonly alpha: number;
  /** Constant prediction before any tree. */
  initScore(y: Float64Array): number;
  /** grad[r] for every row r in rows[0..count). */
  gradients(y: Float64Array, pred: Float64Array, rows: Uint32Array, count: number, grad: Float64Array): void;
  /** Leaf output before the learning rate, from the leaf's rows rows[start..end). */
  leafValue(
    y: Float64Array,
    pred: Float64Array,
    rows: Uint32Array,
    start: number,
    end: number,
    sumGrad: number,
    lambda: number,
    scratch: Float64Array,
  ): number;
  /** Mean loss, lower is better (early stopping). */
  evaluate(y: Float64Array, pred: Float64Array): number;
}

export const squaredLoss: Loss = {
  objective: "squared",
  alpha: Number.NaN,
  initScore(y) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i];
    return y.length > 0 ? s / y.length : 0;
  },
  gradients(y, pred, rows, count, grad) {
    for (let i = 0; i < count; i++) {
      const r = rows[i];
      grad[r] = pred[r] - y[r];
    }
  },
  leafValue(_y, _pred, _rows, start, end, sumGrad, lambda) {
    return -sumGrad / (end - start + lambda);
  },
  evaluate(y, pred) {
    let s = 0;
    for (let i = 0; i < y.length; i++) {
      const d = y[i] - pred[i];
      s += d * d;
    }
    return y.length > 0 ? s / y.length : 0;
  },
};

/**
 * Pinball loss at level alpha, done as LightGBM does: trees split on the sign-based gradient (1−α above the
 * target, −α below), then each leaf's output is renewed to the alpha-quantile of its rows' residuals, which is
 * what makes the predictions calibrated rather than merely pushed in the right direction.
 */
export function quantileLoss(alpha: number): Loss {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`quantile alpha must be in (0, 1), got ${alpha}`);
  return {
    objective: "quantile",
    alpha,
    initScore(y) {
      return y.length > 0 ? quantileInPlace(Float64Array.from(y), y.length, alpha) : 0;
    },
    gradients(y, pred, rows, count, grad) {
      for (let i = 0; i < count; i++) {
        const r = rows[i];
        grad[r] = pred[r] >= y[r] ? 1 - alpha : -alpha;
      }
    },
    leafValue(y, pred, rows, start, end, _sumGrad, _lambda, scratch) {
      const n = end - start;
      for (let i = 0; i < n; i++) {
        const r = rows[start + i];
        scratch[i] = y[r] - pred[r];
      }
      return quantileInPlace(scratch, n, alpha);
    },
    evaluate(y, pred) {
      let s = 0;
      for (let i = 0; i < y.length; i++) {
        const d = y[i] - pred[i];
        s += d >= 0 ? alpha * d : (alpha - 1) * d;
      }
      return y.length > 0 ? s / y.length : 0;
    },
  };
}
