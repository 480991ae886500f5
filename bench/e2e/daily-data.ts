// Generated daily demand for the issue-14 benches (daily-accuracy.ts, bench/scale/global-ar-cost.ts),
// heterogeneous on purpose (not weekly-demand.ts's sine): levels from 0.5 to 400 units a day, a weekly profile of
// its own per item, a slow multiplicative random walk of the level, a fifth of the items intermittent (Poisson
// counts around a level under 3), the rest with 15% noise. Deterministic (a seeded generator). targetSet makes
// the engine's SeriesSet of any targets (also for global-ar-digest.ts and test/jobs/global-ar-tasks.test.ts).

import { createRng, standardNormal } from "../../src/forecasting/rng.js";
import type { PreparedSeries, SeriesSet } from "../../src/forecasting/series-set.js";

const DAY = 86_400_000;

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

/**
 * Targets as the engine's SeriesSet (item_0, item_1, …; no related data), with timestamps for the history and the
 * horizon after it: step t of series i at `timestamp(i, t)` epoch ms.
 */
export function targetSet(
  frequency: string,
  period: number,
  horizon: number,
  targets: readonly Float64Array[],
  timestamp: (i: number, t: number) => number,
): SeriesSet {
  const series: PreparedSeries[] = targets.map((target, i) => ({
    key: [`item_${i}`],
    timestamps: Float64Array.from({ length: target.length + horizon }, (_, t) => timestamp(i, t)),
    target,
    related: [],
    metadata: new Float64Array(0),
    holidays: [],
  }));
  return {
    frequency,
    period,
    horizon,
    keyNames: ["item_id"],
    relatedNames: [],
    metadataNames: [],
    metadataLevels: [],
    holidayCountries: [],
    series,
  };
}

/** dailySeries as a daily SeriesSet from 2024-01-01 (weekly period). */
export function dailySet(series: number, days: number, horizon: number): SeriesSet {
  return targetSet(
    "D",
    7,
    horizon,
    dailySeries(series, days).map((v) => Float64Array.from(v)),
    (_, t) => Date.UTC(2024, 0, 1) + t * DAY,
  );
}
