/**
 * Writes the data of the README's walkthrough: `demand.csv` (daily demand of 6 items over 200 days) and
 * `price.csv` (their price and promotions, through the 14 days to forecast), with plain `yyyy-MM-dd` dates.
 * Demand falls with price, rises with promotions and follows a weekly season, so the explainability has something
 * to find. The numbers come from a seeded generator: the same files on every run.
 *
 *   node dist/scripts/make-demo-data.js [directory]     (default: ./demo)
 */
import fs from "node:fs";
import path from "node:path";

const ITEMS = 6;
const DAYS = 200;
const HORIZON = 14;
const START = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;
const WEEKLY = [1, 0.95, 0.95, 1, 1.1, 1.3, 1.25];

/** A linear congruential generator: good enough for demo noise, and the same sequence everywhere. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function demoData(): { demand: string; price: string } {
  const random = seeded(13);
  const demand = ["item_id,timestamp,demand"];
  const price = ["item_id,timestamp,price,promo"];
  for (let i = 0; i < ITEMS; i++) {
    const base = 30 + 12 * i;
    for (let d = 0; d < DAYS + HORIZON; d++) {
      const day = new Date(START + d * DAY_MS).toISOString().slice(0, 10);
      const p = 10 + (random() - 0.5) * 6;
      const promo = random() < 0.15 ? 1 : 0;
      price.push(`item_${i},${day},${p.toFixed(2)},${promo}`);
      if (d < DAYS) {
        const value = base * (WEEKLY[d % 7] as number) * (1.6 - 0.06 * p) + 20 * promo + (random() - 0.5) * 4;
        demand.push(`item_${i},${day},${Math.max(0, value).toFixed(1)}`);
      }
    }
  }
  return { demand: `${demand.join("\n")}\n`, price: `${price.join("\n")}\n` };
}

// Run as a program (not imported): compare real paths, as node resolves symlinks of the main module.
const isMain =
  process.argv[1] !== undefined &&
  fs.realpathSync(path.resolve(process.argv[1])) === fs.realpathSync(new URL(import.meta.url).pathname);
if (isMain) {
  const dir = process.argv[2] ?? "demo";
  fs.mkdirSync(dir, { recursive: true });
  const data = demoData();
  fs.writeFileSync(path.join(dir, "demand.csv"), data.demand);
  fs.writeFileSync(path.join(dir, "price.csv"), data.price);
  process.stdout.write(`wrote ${path.join(dir, "demand.csv")} and ${path.join(dir, "price.csv")}\n`);
}
