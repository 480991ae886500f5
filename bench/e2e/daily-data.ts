// Generated daily demand for the issue-14 benches (daily-accuracy.ts, bench/scale/global-ar-cost.ts),
// heterogeneous on purpose (not weekly-demand.ts's sine): levels from 0.5 to 400 units a day, a weekly profile of
// its own per item, a slow multiplicative random walk of the level, a fifth of the items intermittent (Poisson
// counts around a level under 3), the rest with 15% noise. Deterministic (a seeded generator).

import { createRng, standardNormal } from "../../src/forecasting/rng.js";

function poisson(rand: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > limit && k < 1000) {
    k++;
    p *= rand();
  }
  return k;
}

/** Per item: its values over `days` days, the same on every run. */
export function dailySeries(series: number, days: number): number[][] {
  const rand = createRng(20261201);
  return Array.from({ length: series }, () => {
    const intermittent = rand() < 0.2;
    let level = intermittent ? 0.5 + 2.5 * rand() : Math.exp(1.5 + 4.5 * rand());
    const amplitude = 0.1 + 0.5 * rand();
    const profile = Array.from({ length: 7 }, () => 1 + amplitude * (rand() - 0.5) * 2);
    const mean = profile.reduce((a, b) => a + b, 0) / 7;
    const drift = 0.01 * rand();
    return Array.from({ length: days }, (_, d) => {
      level *= Math.exp(drift * standardNormal(rand));
      const expected = (level * (profile[d % 7] as number)) / mean;
      if (intermittent) return poisson(rand, expected);
      return Math.max(0, expected * (1 + 0.15 * standardNormal(rand)));
    });
  });
}
