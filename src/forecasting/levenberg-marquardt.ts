// Nonlinear least squares by Levenberg–Marquardt with a forward-difference Jacobian. Conditional-sum-of-squares
// ARIMA is a least-squares problem, and LM converges there in a handful of iterations where a simplex search
// would need hundreds of evaluations.

export type ResidualFunction = (params: Float64Array, out: Float64Array) => void;

/**
 * Optional: the residuals of several points at once, points[i] into outs[i] for i < count, each exactly as
 * `residuals` would give them. The Jacobian's columns are independent evaluations; a recursion whose steps wait on
 * each other (ARIMA's MA part) can interleave two of them and let the processor overlap their dependency chains.
 */
export type BatchResidualFunction = (
  points: readonly Float64Array[],
  outs: readonly Float64Array[],
  count: number,
) => void;

export interface LeastSquaresResult {
  readonly params: Float64Array;
  readonly sse: number;
  readonly iterations: number;
}

function sumSquares(r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * r[i];
  return s;
}

/** Solves the k×k symmetric positive definite system A·x = b in place (Cholesky); false if not positive definite. */
function choleskySolve(a: Float64Array, b: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let d = a[j * k + j];
    for (let s = 0; s < j; s++) d -= a[j * k + s] * a[j * k + s];
    if (!(d > 0)) return false;
    d = Math.sqrt(d);
    a[j * k + j] = d;
    for (let i = j + 1; i < k; i++) {
      let v = a[i * k + j];
      for (let s = 0; s < j; s++) v -= a[i * k + s] * a[j * k + s];
      a[i * k + j] = v / d;
    }
  }
  for (let i = 0; i < k; i++) {
    let v = b[i];
    for (let s = 0; s < i; s++) v -= a[i * k + s] * b[s];
    b[i] = v / a[i * k + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let v = b[i];
    for (let s = i + 1; s < k; s++) v -= a[s * k + i] * b[s];
    b[i] = v / a[i * k + i];
  }
  return true;
}

/**
 * J′J (k×k, row-major) and J′r from the column-major Jacobian jac (column a at a·n), the rows where column a is 0
 * left out of column a's sums. Every sum runs over the rows in order from 0, as accumulating row by row does, so
 * the doubles are those of that loop; computing four sums in one pass keeps four independent addition chains in
 * flight instead of a load and a store of the matrix per term.
 */
export function normalEquations(
  jac: Float64Array,
  r: Float64Array,
  n: number,
  k: number,
  jtj: Float64Array,
  grad: Float64Array,
): void {
  for (let a = 0; a < k; a++) {
    const ca = a * n;
    let g = 0;
    for (let i = 0; i < n; i++) {
      const ja = jac[ca + i];
      if (ja !== 0) g += ja * r[i];
    }
    grad[a] = g;
    const row = a * k;
    let b = 0;
    for (; b + 3 <= a; b += 4) {
      const c0 = b * n;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < n; i++) {
        const ja = jac[ca + i];
        if (ja === 0) continue;
        s0 += ja * jac[c0 + i];
        s1 += ja * jac[c1 + i];
        s2 += ja * jac[c2 + i];
        s3 += ja * jac[c3 + i];
      }
      jtj[row + b] = s0;
      jtj[row + b + 1] = s1;
      jtj[row + b + 2] = s2;
      jtj[row + b + 3] = s3;
    }
    for (; b + 1 <= a; b += 2) {
      const c0 = b * n;
      const c1 = c0 + n;
      let s0 = 0;
      let s1 = 0;
      for (let i = 0; i < n; i++) {
        const ja = jac[ca + i];
        if (ja === 0) continue;
        s0 += ja * jac[c0 + i];
        s1 += ja * jac[c1 + i];
      }
      jtj[row + b] = s0;
      jtj[row + b + 1] = s1;
    }
    for (; b <= a; b++) {
      const c0 = b * n;
      let s0 = 0;
      for (let i = 0; i < n; i++) {
        const ja = jac[ca + i];
        if (ja !== 0) s0 += ja * jac[c0 + i];
      }
      jtj[row + b] = s0;
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) jtj[b * k + a] = jtj[a * k + b];
}

export function levenbergMarquardt(
  residuals: ResidualFunction,
  start: Float64Array,
  residualCount: number,
  maxIterations = 50,
  /** Stop once an accepted step lowers the sum of squares by less than this fraction. */
  relativeTolerance = 1e-6,
  batch?: BatchResidualFunction,
): LeastSquaresResult {
  const k = start.length;
  const n = residualCount;
  let params = Float64Array.from(start);
  let trial = new Float64Array(k);
  const r = new Float64Array(n);
  const rTrial = new Float64Array(n);
  // Column-major: column j at j·n, so each column is filled and read in order.
  const jac = new Float64Array(n * k);
  const jtj = new Float64Array(k * k);
  const system = new Float64Array(k * k);
  const grad = new Float64Array(k);
  const step = new Float64Array(k);
  // For the batch: each column's point (params with one coordinate moved), its residuals and its step.
  const points = batch ? Array.from({ length: k }, () => new Float64Array(k)) : [];
  const columns = batch ? Array.from({ length: k }, () => new Float64Array(n)) : [];
  const columnSteps = new Float64Array(k);
  residuals(params, r);
  let sse = sumSquares(r);
  if (!Number.isFinite(sse) || k === 0) return { params, sse, iterations: 0 };
  let lambda = 1e-3;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    if (batch) {
      // The same points, steps and divisions as the loop below, the evaluations handed over together.
      for (let j = 0; j < k; j++) {
        const h = 1e-7 * Math.max(1, Math.abs(params[j]));
        columnSteps[j] = h;
        points[j].set(params);
        points[j][j] = params[j] + h;
      }
      batch(points, columns, k);
      for (let j = 0; j < k; j++) {
        const h = columnSteps[j];
        const column = columns[j];
        const offset = j * n;
        for (let i = 0; i < n; i++) jac[offset + i] = (column[i] - r[i]) / h;
      }
    } else {
      for (let j = 0; j < k; j++) {
        const h = 1e-7 * Math.max(1, Math.abs(params[j]));
        const saved = params[j];
        params[j] = saved + h;
        residuals(params, rTrial);
        params[j] = saved;
        const offset = j * n;
        for (let i = 0; i < n; i++) jac[offset + i] = (rTrial[i] - r[i]) / h;
      }
    }
    normalEquations(jac, r, n, k, jtj, grad);
    let improved = false;
    for (let attempt = 0; attempt < 12; attempt++) {
      system.set(jtj);
      for (let a = 0; a < k; a++) system[a * k + a] += lambda * Math.max(jtj[a * k + a], 1e-12);
      for (let a = 0; a < k; a++) step[a] = -grad[a];
      if (choleskySolve(system, step, k)) {
        for (let a = 0; a < k; a++) trial[a] = params[a] + step[a];
        residuals(trial, rTrial);
        const trialSse = sumSquares(rTrial);
        if (Number.isFinite(trialSse) && trialSse < sse) {
          const relative = (sse - trialSse) / Math.max(sse, 1e-300);
          [params, trial] = [trial, params];
          r.set(rTrial);
          sse = trialSse;
          lambda = Math.max(lambda / 10, 1e-12);
          improved = true;
          if (relative < relativeTolerance) return { params, sse, iterations: iterations + 1 };
          break;
        }
      }
      lambda *= 10;
    }
    if (!improved) break;
  }
  return { params, sse, iterations };
}
