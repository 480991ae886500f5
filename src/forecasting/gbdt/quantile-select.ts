// Order statistics without a full sort: quantile leaves are renewed from the residuals of every leaf of every
// tree, so O(n) selection instead of O(n log n) sorting matters.

/** Rearranges a[lo..hi] (inclusive) so that a[k] is the k-th smallest, smaller left, larger right; returns it. */
export function selectKth(a: Float64Array, lo: number, hi: number, k: number): number {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const x = a[lo];
    const y = a[mid];
    const z = a[hi];
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z)); // median of three
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/**
 * The alpha-quantile of the first n values, interpolated linearly between order statistics at position
 * alpha·(n−1) (Hyndman & Fan type 7, R's default). Reorders the values.
 */
export function quantileInPlace(a: Float64Array, n: number, alpha: number): number {
  if (n <= 0) return Number.NaN;
  const pos = alpha * (n - 1);
  const k = Math.floor(pos);
  const lowValue = selectKth(a, 0, n - 1, k);
  const frac = pos - k;
  if (frac === 0 || k + 1 >= n) return lowValue;
  // After selection everything right of k is >= a[k]; the next order statistic is their minimum.
  let next = a[k + 1];
  for (let i = k + 2; i < n; i++) if (a[i] < next) next = a[i];
  return lowValue + frac * (next - lowValue);
}
