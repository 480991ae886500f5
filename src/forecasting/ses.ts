// Simple exponential smoothing (ETS(A,N,N)) fitted by least squares, the core of the Theta method.
// The initial level enters every one-step error linearly, so for a given α its best value has a closed form
// and only α needs a numeric search.

import { minimizeBounded } from "./optimize-1d.js";

export interface SesFit {
  readonly alpha: number;
  readonly initialLevel: number;
  /** Level after the last observation: the flat point forecast. */
  readonly level: number;
  /** Residual variance, SSE / (n − 2) as for a two-parameter fit. */
  readonly sigma2: number;
  /** One-step-ahead fitted values (ŷ_t = ℓ_{t−1}). */
  readonly fitted: Float64Array;
}

const ALPHA_MIN = 1e-4;
const ALPHA_MAX = 0.9999;

/** SSE at α with the best initial level; returns [sse, l0]. */
function profileSse(y: Float64Array, alpha: number): [number, number] {
  // e_t = c_t − β^t·ℓ0 where c_t are the errors with ℓ0 = 0 and β = 1 − α.
  const beta = 1 - alpha;
  let level = 0;
  let power = 1;
  let scc = 0;
  let scp = 0;
  let spp = 0;
  for (let t = 0; t < y.length; t++) {
    const c = y[t] - level;
    scc += c * c;
    scp += c * power;
    spp += power * power;
    level += alpha * c;
    power *= beta;
  }
  const l0 = spp > 0 ? scp / spp : 0;
  return [scc - 2 * l0 * scp + l0 * l0 * spp, l0];
}

export function fitSes(y: Float64Array, fixedAlpha?: number): SesFit {
  const n = y.length;
  if (n === 0) throw new RangeError("cannot fit an empty series");
  const alpha = fixedAlpha ?? minimizeBounded((a) => profileSse(y, a)[0], ALPHA_MIN, ALPHA_MAX, 12, 1e-6).x;
  const [sse, initialLevel] = profileSse(y, alpha);
  const fitted = new Float64Array(n);
  let level = initialLevel;
  for (let t = 0; t < n; t++) {
    fitted[t] = level;
    level += alpha * (y[t] - level);
  }
  const sigma2 = n > 2 ? Math.max(0, sse) / (n - 2) : Math.max(0, sse) / Math.max(1, n);
  return { alpha, initialLevel, level, sigma2, fitted };
}
