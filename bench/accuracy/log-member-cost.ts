// The CPU cost of fitting per-series members in logs (src/forecasting/log-member.ts) against fitting them raw, on
// every tourism series as a training fits them: 3 backtest windows of h points and the final fit on the whole
// train part (a window only where its history has at least MIN_TRAIN points, as in auto-predictor.ts), each fit
// followed by its h-step forecast of p10, p50, p90. Measured in-process with process.cpuUsage, members one after
// the other, each after a warm-up on the first 100 fits (so the JIT's start-up is not charged to the first one).
// Run: npm run bench:log-member-cost   MEMBERS=arima,theta: the raw members to compare (default
// arima, theta, otm, ces, each against its -log and -log-lnmean forms); LIMIT=N: the first N series per period.

import { createMember, type MemberName } from "../../src/forecasting/members.js";
import { loadTourism, tourismDir } from "./tourism-data.js";

const LEVELS = [0.1, 0.5, 0.9];
const WINDOWS = 3;
const MIN_TRAIN = 4;

const raw = (process.env.MEMBERS?.split(",") ?? ["arima", "theta", "otm", "ces"]) as MemberName[];
const limit = Number(process.env.LIMIT ?? "0");
const all = loadTourism(tourismDir());
const series = [...new Set(all.map((s) => s.period))].flatMap((p) => {
  const of = all.filter((s) => s.period === p);
  return limit > 0 ? of.slice(0, limit) : of;
});
// Every fit a training makes: the final fit on the train part and one per backtest window.
const fits = series.flatMap((s) =>
  Array.from({ length: WINDOWS + 1 }, (_, w) => ({
    y: s.train.subarray(0, s.train.length - w * s.h),
    h: s.h,
    period: s.frequency,
  })).filter((f, w) => w === 0 || f.y.length >= MIN_TRAIN),
);

function cpuSeconds(name: MemberName): number {
  const member = createMember(name);
  for (const f of fits.slice(0, 100)) member.fit(f.y, { period: f.period }).forecast(f.h, LEVELS);
  const start = process.cpuUsage();
  for (const f of fits) member.fit(f.y, { period: f.period }).forecast(f.h, LEVELS);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

console.log(`${series.length} series, ${fits.length} fits\n`);
console.log(
  "| member | raw CPU s | in logs (exp of the median) | in logs (lognormal mean) |\n|---|---|---|---|",
);
for (const name of raw) {
  const times = [name, `${name}-log`, `${name}-log-lnmean`].map((n) => cpuSeconds(n as MemberName));
  console.log(`| ${name} | ${times.map((t) => t.toFixed(2)).join(" | ")} |`);
}
