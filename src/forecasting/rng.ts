// The one seeded generator of the numeric code, so sampled forecasts (NPTS, simulations), the GBDT's row and bin
// sampling and sampled Shapley permutations reproduce run to run.

export type Rng = () => number;

/** Mulberry32: 32-bit state, fast, good enough for Monte Carlo and sampling (not for cryptography); returns
 * uniforms in [0, 1), fully determined by `seed`. */
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

/** A standard normal draw from `random` (Box–Muller; 1 − u keeps the logarithm finite). */
export function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Fills `out` with standard normal draws from `random`, both of each Box–Muller pair used: half the uniforms,
 * logarithms and square roots of drawing them one at a time.
 */
export function fillStandardNormal(random: () => number, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

const cachedNormals = new Map<string, Float64Array>();
const CACHED_NORMAL_SETS = 4;

/**
 * The first `count` standard normal draws of the generator seeded with `seed`, shared and not to be modified.
 * Members that simulate with a fixed seed draw the same numbers for every series of a predictor, so they are
 * drawn once per thread and horizon instead of once per series.
 */
export function seededStandardNormals(seed: number, count: number): ArrayLike<number> {
  const key = `${seed}:${count}`;
  let normals = cachedNormals.get(key);
  if (!normals) {
    normals = fillStandardNormal(createRng(seed), new Float64Array(count));
    if (cachedNormals.size >= CACHED_NORMAL_SETS)
      cachedNormals.delete(cachedNormals.keys().next().value as string);
    cachedNormals.set(key, normals);
  }
  return normals;
}
