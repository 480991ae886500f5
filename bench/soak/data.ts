// Small seeded data for the soak's imports and trainings: a few dozen short daily series, so that a training
// finishes in a minute or two on a loaded machine, and a related file (price, promo) covering the horizon.

import { createRng } from "../../src/forecasting/rng.js";

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

export interface SeriesShape {
  items: number;
  days: number;
  horizon: number;
}

const day = (d: number) => `${new Date(START + d * DAY).toISOString().slice(0, 10)} 00:00:00`;

/** item_id,timestamp,demand (no header, as Amazon's imports expect by default) and the related price/promo. */
export function seriesCsv(shape: SeriesShape, seed: number): { target: string; related: string } {
  const r = createRng(seed);
  const weekly = [1, 0.95, 0.95, 1, 1.1, 1.3, 1.25];
  const target: string[] = [];
  const related: string[] = [];
  for (let i = 0; i < shape.items; i++) {
    const base = 20 + ((i * 37 + seed) % 60);
    for (let d = 0; d < shape.days + shape.horizon; d++) {
      const price = 10 + (r() - 0.5) * 4;
      const promo = r() < 0.15 ? 1 : 0;
      related.push(`item_${i},${day(d)},${price.toFixed(2)},${promo}`);
      if (d < shape.days) {
        const demand =
          base * (weekly[d % 7] as number) * (1 - (price - 10) / 20) + 12 * promo + (r() - 0.5) * 3;
        target.push(`item_${i},${day(d)},${Math.max(0, demand).toFixed(2)}`);
      }
    }
  }
  return { target: `${target.join("\n")}\n`, related: `${related.join("\n")}\n` };
}
