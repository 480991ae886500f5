// A small seeded generator so that row subsampling, bin sampling and Shapley permutations reproduce run to run.
// mulberry32: 32-bit state, fast, statistically fine for sampling (not for cryptography).

export type Rng = () => number;

/** Returns a generator of uniform numbers in [0, 1), fully determined by `seed`. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}
