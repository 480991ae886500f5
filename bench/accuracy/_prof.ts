import { readFileSync } from "node:fs";
import { autoArima } from "../../src/forecasting/arima/auto-arima.js";

const info = readFileSync("/work/shared/data/tourism/tourism-info.csv", "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((l) => l.replace(/"/g, "").split(","));
const rows = readFileSync("/work/shared/data/tourism/tourism-long.csv", "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((l) => l.replace(/"/g, "").split(","));
const by = new Map<string, number[]>();
for (const r of rows)
  if (r[1] === "train") {
    const a = by.get(r[0]) ?? [];
    a[+r[2] - 1] = +r[3];
    by.set(r[0], a);
  }
const stats = new Map<string, { t: number; n: number; orders: Map<string, number> }>();
for (const [sn, period, , h, freq] of info) {
  const y = Float64Array.from(by.get(sn)!);
  const t0 = performance.now();
  const f = autoArima(y, +freq);
  const dt = performance.now() - t0;
  const s = stats.get(period) ?? { t: 0, n: 0, orders: new Map() };
  s.t += dt;
  s.n++;
  const o = f
    ? `${f.order.p}${f.order.d}${f.order.q}(${f.order.seasonalP}${f.order.seasonalD}${f.order.seasonalQ})${f.order.constant ? "c" : ""}`
    : "none";
  s.orders.set(o, (s.orders.get(o) ?? 0) + 1);
  stats.set(period, s);
}
for (const [p, s] of stats)
  console.log(
    p,
    (s.t / s.n).toFixed(2),
    "ms/series",
    [...s.orders]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([o, c]) => `${o}:${c}`)
      .join(" "),
  );
