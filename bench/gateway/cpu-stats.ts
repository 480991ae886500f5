/**
 * The statistics of the in-process gateway CPU bench (gateway-cpu.ts): medians over rounds, the ratio of two
 * builds' medians with a bootstrap interval, and the ratio of their best rounds. Kept apart so that they can be
 * checked on known answers (test/bench/gateway-cpu.test.ts).
 */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The q-quantile (0..1) of `xs` by linear interpolation between order statistics. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

/** A small seeded generator (mulberry32), so that the printed intervals are reproducible from the same rounds. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function resample(xs: readonly number[], random: () => number): number[] {
  return xs.map(() => xs[Math.floor(random() * xs.length)] as number);
}

export interface RatioSummary {
  /** median(other) / median(baseline) */
  ratio: number;
  /** 95% percentile bootstrap interval of that ratio, the rounds of each build resampled independently */
  low: number;
  high: number;
  /** min(other) / min(baseline): the least disturbed round of each build */
  minRatio: number;
  /** the median of the per-round ratios (other / baseline of the same round, run next to each other) */
  pairedRatio: number;
}

export function compareRounds(
  baseline: readonly number[],
  other: readonly number[],
  resamples = 4000,
  seed = 9,
): RatioSummary {
  const random = seededRandom(seed);
  const ratios: number[] = [];
  for (let i = 0; i < resamples; i++) {
    ratios.push(median(resample(other, random)) / median(resample(baseline, random)));
  }
  const paired = baseline
    .slice(0, Math.min(baseline.length, other.length))
    .map((b, i) => (other[i] as number) / b);
  return {
    ratio: median(other) / median(baseline),
    low: quantile(ratios, 0.025),
    high: quantile(ratios, 0.975),
    minRatio: Math.min(...other) / Math.min(...baseline),
    pairedRatio: median(paired),
  };
}
