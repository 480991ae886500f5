// Generated retail demand with eight attributes for the global model's bench: four related fields, three item
// metadata fields and one holiday calendar, with known effects (and two attributes without any):
//   demand = level_i · category_i · (1 + 0.3·weekly) · (1 − 0.5·Δprice) · (1 + 0.3·(competitor −
//   price)/price)
//            · (1 + 0.5·holiday) + 15·promo + noise, where Δprice is the price's deviation from the item's
//            normal price, relative to it. Temperature (related) and brand (metadata) have no effect;
//            store_size only sets the level (it is numeric metadata).

import { createRng, type Rng } from "../../src/forecasting/rng.js";
import type { PreparedSeries, SeriesSet } from "../../src/forecasting/series-set.js";

const DAY_MS = 86_400_000;
const HOLIDAYS = [
  "2023-01-02",
  "2023-01-16",
  "2023-02-20",
  "2023-05-29",
  "2023-06-19",
  "2023-07-04",
  "2023-09-04",
  "2023-10-09",
  "2023-11-10",
  "2023-11-23",
  "2023-12-25",
  "2024-01-01",
  "2024-01-15",
  "2024-02-19",
].map((d) => Date.parse(`${d}T00:00:00Z`));

function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export function retailDemand(o: { nSeries: number; n: number; horizon: number; seed: number }): SeriesSet {
  const rng = createRng(o.seed);
  const total = o.n + o.horizon;
  const start = Date.parse("2023-01-01T00:00:00Z");
  const timestamps = Float64Array.from({ length: total }, (_, t) => start + t * DAY_MS);
  // Every series shares the calendar: one array serves them all.
  const holiday = Float64Array.from(timestamps, (ms) => (HOLIDAYS.includes(ms) ? 1 : 0));
  const categoryFactor = Float64Array.from({ length: 12 }, () => 0.6 + 0.8 * rng());
  const series: PreparedSeries[] = [];
  for (let i = 0; i < o.nSeries; i++) {
    const storeSize = 1 + Math.floor(5 * rng());
    const category = Math.floor(12 * rng());
    const brand = Math.floor(40 * rng());
    const level = (5 + 60 * rng()) * storeSize * categoryFactor[category];
    const normalPrice = 1 + 30 * rng();
    const phase = Math.floor(7 * rng());
    const price = new Float64Array(total);
    const promo = new Float64Array(total);
    const temperature = new Float64Array(total);
    const competitor = new Float64Array(total);
    const y = new Float64Array(o.n);
    let p = normalPrice;
    let c = normalPrice;
    for (let t = 0; t < total; t++) {
      if (rng() < 0.08) p = normalPrice * (1 + 0.6 * (rng() - 0.5));
      if (rng() < 0.05) c = normalPrice * (1 + 0.5 * (rng() - 0.5));
      price[t] = p;
      competitor[t] = c;
      promo[t] = rng() < 0.08 ? 1 : 0;
      temperature[t] = 12 + 10 * Math.sin((2 * Math.PI * (t - 100)) / 365) + 3 * normal(rng);
      if (t >= o.n) continue;
      const weekly = Math.sin((2 * Math.PI * ((t + phase) % 7)) / 7);
      const signal =
        level *
          (1 + 0.3 * weekly) *
          (1 - (0.5 * (p - normalPrice)) / normalPrice) *
          (1 + (0.3 * (c - p)) / p) *
          (1 + 0.5 * holiday[t]) +
        15 * promo[t];
      y[t] = Math.max(0, Math.round(signal + 0.1 * level * normal(rng)));
    }
    series.push({
      key: [`item_${i}`],
      timestamps,
      target: y,
      related: [price, promo, temperature, competitor],
      metadata: Float64Array.of(category, brand, storeSize),
      holidays: [holiday],
    });
  }
  return {
    frequency: "D",
    period: 7,
    horizon: o.horizon,
    keyNames: ["item_id"],
    relatedNames: ["price", "promo", "temperature", "competitor_price"],
    metadataNames: ["category", "brand", "store_size"],
    metadataLevels: [
      Array.from({ length: 12 }, (_, k) => `c${k}`),
      Array.from({ length: 40 }, (_, k) => `b${k}`),
      [],
    ],
    holidayCountries: ["US"],
    series,
  };
}
