// Combinatorial weights shared by the exact enumerations. Computed as reciprocals of binomials so they stay
// accurate in doubles for the sizes used here (players <= 32, tree depths well under 64).

/** C(n, k) as a double. */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const m = Math.min(k, n - k);
  let c = 1;
  for (let i = 1; i <= m; i++) c = (c * (n - m + i)) / i;
  return c;
}

/** w[s] = s!(n−s−1)!/n!: the Shapley weight of a coalition of size s not containing the player. */
export function shapleyWeights(nPlayers: number): Float64Array {
  const w = new Float64Array(nPlayers);
  for (let s = 0; s < nPlayers; s++) w[s] = 1 / (nPlayers * binomial(nPlayers - 1, s));
  return w;
}

/**
 * Table of (a−1)!·b!/(a+b)! for 1 <= a <= size, 0 <= b <= size, at [a * (size + 1) + b]: the Shapley value per
 * unit of output of a player in a unanimity-like game where a players must join and b must stay out.
 * The same table read at [b * (size + 1) + a] gives a!·(b−1)!/(a+b)!, the weight of a player that must stay out.
 */
export function leafWeightTable(size: number): Float64Array {
  const stride = size + 1;
  const table = new Float64Array(stride * stride);
  for (let a = 1; a <= size; a++) {
    for (let b = 0; b <= size; b++) table[a * stride + b] = 1 / (a * binomial(a + b, a));
  }
  return table;
}
