// Generated demand with known drivers, for the global model's tests and benches:
//   demand = level_i · (1 + 0.3·weekly_t) · (1 − 0.5·(price − meanPrice_i)/meanPrice_i) · (1 + 0.4·holiday)
//            + 20·promo + noise,
// floored at 0. Temperature (related) and category (metadata) have no effect at all.

import { createRng, type Rng } from "../../../src/forecasting/rng.js";
import type { PreparedSeries, SeriesSet } from "../../../src/forecasting/series-set.js";

export interface DemandData {
  set: SeriesSet;
  /** Per series, the true values of the horizon after the history (what a forecast is scored on). */
  future: Float64Array[];
  /** Per series, the price level the generator treats as normal. */
  meanPrice: Float64Array;
}

const DAY_MS = 86_400_000;
/** US federal holidays of 2023 and 2024 (enough for a year and a half of daily data from 2023-01-01). */
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
  "2024-05-27",
  "2024-06-19",
  "2024-07-04",
].map((d) => Date.parse(`${d}T00:00:00Z`));

function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export function demandData(o: { nSeries: number; n: number; horizon: number; seed: number }): DemandData {
  const rng = createRng(o.seed);
  const total = o.n + o.horizon;
  const start = Date.parse("2023-01-01T00:00:00Z");
  const timestamps = Float64Array.from({ length: total }, (_, t) => start + t * DAY_MS);
  const holiday = Float64Array.from(timestamps, (ms) => (HOLIDAYS.includes(ms) ? 1 : 0));
  const series: PreparedSeries[] = [];
  const future: Float64Array[] = [];
  const meanPrice = new Float64Array(o.nSeries);
  for (let i = 0; i < o.nSeries; i++) {
    const level = 20 + 180 * rng();
    const mp = 2 + 48 * rng();
    meanPrice[i] = mp;
    const phase = Math.floor(7 * rng());
    const tempOffset = 10 * rng();
    const price = new Float64Array(total);
    const promo = new Float64Array(total);
    const temperature = new Float64Array(total);
    const y = new Float64Array(total);
    let p = mp;
    for (let t = 0; t < total; t++) {
      // Prices hold for a while, then move to a new level within ±30% of normal.
      if (rng() < 0.1) p = mp * (1 + 0.6 * (rng() - 0.5));
      price[t] = p;
      promo[t] = rng() < 0.1 ? 1 : 0;
      temperature[t] = tempOffset + 10 * Math.sin((2 * Math.PI * t) / 365) + 3 * normal(rng);
      const weekly = Math.sin((2 * Math.PI * ((t + phase) % 7)) / 7);
      const signal =
        level * (1 + 0.3 * weekly) * (1 - (0.5 * (p - mp)) / mp) * (1 + 0.4 * holiday[t]) + 20 * promo[t];
      y[t] = Math.max(0, signal + 0.05 * level * normal(rng));
    }
    series.push({
      key: [`item_${i}`],
      timestamps,
      target: y.slice(0, o.n),
      related: [price, promo, temperature],
      metadata: Float64Array.of(Math.floor(3 * rng())),
      holidays: [holiday],
    });
    future.push(y.slice(o.n));
  }
  const set: SeriesSet = {
    frequency: "D",
    period: 7,
    horizon: o.horizon,
    keyNames: ["item_id"],
    relatedNames: ["price", "promo", "temperature"],
    metadataNames: ["category"],
    metadataLevels: [["a", "b", "c"]],
    holidayCountries: ["US"],
    series,
  };
  return { set, future, meanPrice };
}
