// Small dense symmetric positive-definite solves for the pooled autoregression's normal equations (a few dozen
// unknowns): Cholesky factorisation once, then one forward and one back substitution per right-hand side.

/**
 * Factorises the symmetric matrix `a` (n × n, row-major, only the upper triangle read) as L·Lᵀ and returns L
 * (row-major, lower triangle), or undefined when `a` is not numerically positive definite.
 */
export function cholesky(a: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j] as number;
    for (let k = 0; k < j; k++) d -= (l[j * n + k] as number) ** 2;
    if (!(d > 0)) return undefined;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      // a[j][i] from the upper triangle stands for a[i][j].
      let s = a[j * n + i] as number;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Solves L·Lᵀ·x = b for x, given the Cholesky factor L of cholesky(). */
export function choleskySolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (z[k] as number);
    z[i] = s / (l[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i] as number;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}
