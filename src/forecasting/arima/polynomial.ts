// Lag polynomials for ARIMA. AR coefficients a_1..a_p stand for 1 − Σ a_j·B^j, MA coefficients b_1..b_q for
// 1 + Σ b_j·B^j; full polynomials carry their leading 1 at index 0.

/** Product of two full lag polynomials. */
export function multiply(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length - 1);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 0) continue;
    for (let j = 0; j < b.length; j++) out[i + j] += a[i] * b[j];
  }
  return out;
}

/** Full polynomial 1 − Σ a_j·B^(j·spacing) from AR coefficients (spacing = m for seasonal factors). */
export function arPolynomial(a: ArrayLike<number>, spacing = 1): Float64Array {
  const out = new Float64Array(a.length * spacing + 1);
  out[0] = 1;
  for (let j = 0; j < a.length; j++) out[(j + 1) * spacing] = -a[j];
  return out;
}

/** Full polynomial 1 + Σ b_j·B^(j·spacing) from MA coefficients. */
export function maPolynomial(b: ArrayLike<number>, spacing = 1): Float64Array {
  const out = new Float64Array(b.length * spacing + 1);
  out[0] = 1;
  for (let j = 0; j < b.length; j++) out[(j + 1) * spacing] = b[j];
  return out;
}

/** The differencing operator (1 − B)^d·(1 − B^m)^D as a full polynomial. */
export function differencingPolynomial(d: number, seasonalD: number, period: number): Float64Array {
  let poly: Float64Array = Float64Array.of(1);
  for (let i = 0; i < d; i++) poly = multiply(poly, Float64Array.of(1, -1));
  for (let i = 0; i < seasonalD; i++) poly = multiply(poly, arPolynomial([1], period));
  return poly;
}

/**
 * AR coefficients from partial autocorrelations (Durbin–Levinson). Every κ in (−1, 1) maps to a stationary
 * AR polynomial, which is how the fit keeps AR parts stationary without constraints (as R's arima does).
 */
export function arFromPartials(partials: ArrayLike<number>, out: Float64Array): void {
  const p = partials.length;
  for (let k = 0; k < p; k++) {
    const kappa = partials[k];
    for (let j = 0; j < (k >> 1) + (k & 1); j++) {
      const left = out[j];
      const right = out[k - 1 - j];
      out[j] = left - kappa * right;
      if (j !== k - 1 - j) out[k - 1 - j] = right - kappa * left;
    }
    out[k] = kappa;
  }
}

/**
 * Step-down (Schur–Cohn) test: do all roots of 1 − Σ a_j·z^j lie outside the circle of radius 1/(1 − margin)?
 * For MA coefficients pass their negatives. O(p²), no root finding.
 */
export function isStationary(a: ArrayLike<number>, margin = 1e-3): boolean {
  const p = a.length;
  if (p === 0) return true;
  let current = Float64Array.from(a);
  const limit = 1 - margin;
  for (let k = p; k >= 1; k--) {
    const kappa = current[k - 1];
    if (!(Math.abs(kappa) < limit)) return false;
    const denom = 1 - kappa * kappa;
    const next = new Float64Array(k - 1);
    for (let j = 0; j < k - 1; j++) next[j] = (current[j] + kappa * current[k - 2 - j]) / denom;
    current = next;
  }
  return true;
}

/** ψ weights ψ_0..ψ_{count−1} of θ(B)/φ(B) for full polynomials φ (AR side) and θ (MA side). */
export function psiWeights(arFull: Float64Array, maFull: Float64Array, count: number): Float64Array {
  const psi = new Float64Array(count);
  for (let j = 0; j < count; j++) {
    let v = j < maFull.length ? maFull[j] : 0;
    const top = Math.min(j, arFull.length - 1);
    for (let i = 1; i <= top; i++) v -= arFull[i] * psi[j - i];
    psi[j] = v;
  }
  return psi;
}
