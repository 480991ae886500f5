// Amazon's normalized impact scores: raw Shapley values divided by the largest absolute raw value of the same
// scope (a series, a time point, everything explained), so they lie in [-1, 1].

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > m) m = a;
  }
  return m;
}

/** raw / max|raw| over the given scope; all zeros when every raw value is zero. */
export function normalizeImpacts(raw: ArrayLike<number>): Float64Array {
  const out = new Float64Array(raw.length);
  const m = maxAbs(raw);
  if (!Number.isFinite(m)) throw new RangeError("raw impact scores must be finite");
  if (m === 0) return out;
  for (let i = 0; i < raw.length; i++) out[i] = raw[i] / m;
  return out;
}
