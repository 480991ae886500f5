// Nonlinear least squares by Levenberg–Marquardt with a forward-difference Jacobian. Conditional-sum-of-squares
// ARIMA is a least-squares problem, and LM converges there in a handful of iterations where a simplex search
// would need hundreds of evaluations.

export type ResidualFunction = (params: Float64Array, out: Float64Array) => void;

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

export function levenbergMarquardt(
  residuals: ResidualFunction,
  start: Float64Array,
  residualCount: number,
  maxIterations = 50,
  /** Stop once an accepted step lowers the sum of squares by less than this fraction. */
  relativeTolerance = 1e-6,
): LeastSquaresResult {
  const k = start.length;
  const n = residualCount;
  let params = Float64Array.from(start);
  let trial = new Float64Array(k);
  const r = new Float64Array(n);
  const rTrial = new Float64Array(n);
  const jac = new Float64Array(n * k);
  const jtj = new Float64Array(k * k);
  const system = new Float64Array(k * k);
  const grad = new Float64Array(k);
  const step = new Float64Array(k);
  residuals(params, r);
  let sse = sumSquares(r);
  if (!Number.isFinite(sse) || k === 0) return { params, sse, iterations: 0 };
  let lambda = 1e-3;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    for (let j = 0; j < k; j++) {
      const h = 1e-7 * Math.max(1, Math.abs(params[j]));
      const saved = params[j];
      params[j] = saved + h;
      residuals(params, rTrial);
      params[j] = saved;
      for (let i = 0; i < n; i++) jac[i * k + j] = (rTrial[i] - r[i]) / h;
    }
    jtj.fill(0);
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const row = i * k;
      const ri = r[i];
      for (let a = 0; a < k; a++) {
        const ja = jac[row + a];
        if (ja === 0) continue;
        grad[a] += ja * ri;
        for (let b = 0; b <= a; b++) jtj[a * k + b] += ja * jac[row + b];
      }
    }
    for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) jtj[b * k + a] = jtj[a * k + b];
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
