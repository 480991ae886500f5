/** The shape of a generated weekly demand set: item i's level is `base + i % spread`, plus a weekly sine. */
export interface WeeklyDemand {
  series: number;
  days: number;
  /** Added to the item index in the noise term, so that two sets of one size differ. */
  seed?: number;
  base?: number;
  spread?: number;
  amplitude?: number;
}

/**
 * Daily demand CSV (item_id, timestamp, demand) from 2024-01-01, with weekly seasonality and deterministic noise:
 * the same bytes on every run, so a seeded training can be compared across runs and deployments.
 */
export function weeklyDemandCsv({
  series,
  days,
  seed = 1,
  base = 20,
  spread = 17,
  amplitude = 6,
}: WeeklyDemand) {
  const lines = ["item_id,timestamp,demand"];
  for (let i = 0; i < series; i++) {
    for (let d = 0; d < days; d++) {
      const date = new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
      const noise = (((i + seed) * 7919 + d * 104729) % 1000) / 250;
      const value = base + (i % spread) + amplitude * Math.sin(((d % 7) / 7) * 2 * Math.PI) + noise;
      lines.push(`item_${i},${date},${value.toFixed(3)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
