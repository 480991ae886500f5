// Accuracy and speed of each statistical member on the tourism competition data (Athanasopoulos et al. 2011):
// fit on the train part of every series, forecast its test horizon, report MASE and sMAPE per period.
// Run: node dist/bench/accuracy/tourism-members.js   (TOURISM_DIR overrides the data folder,
// MEMBERS=ets,theta picks members, LIMIT=50 takes the first series of each period only.)

import { combineForecasts } from "../../src/forecasting/combination.js";
import { averageWeightedQuantileLoss, mase, smape } from "../../src/forecasting/metrics.js";
import type { SeriesForecast, SeriesModel } from "../../src/forecasting/model.js";
import { defaultMembers } from "./members.js";
import { loadTourism, type Series, tourismDir } from "./tourism-data.js";

const LEVELS = [0.1, 0.5, 0.9];
const COMBINED = ["ets", "theta", "arima"];

function main(): void {
  const dir = tourismDir();
  const limit = Number(process.env.LIMIT ?? "0");
  const wanted = process.env.MEMBERS?.split(",");
  const members: SeriesModel[] = defaultMembers().filter((m) => !wanted || wanted.includes(m.name));
  let series = loadTourism(dir);
  const periods = [...new Set(series.map((s) => s.period))];
  if (limit > 0) series = periods.flatMap((p) => series.filter((s) => s.period === p).slice(0, limit));

  const names = [...members.map((m) => m.name)];
  const combine = COMBINED.every((c) => names.includes(c));
  if (combine) names.push("comb-median", "comb-mean");
  // Per member and period: sums of MASE, sMAPE, wQL over LEVELS, 80% interval coverage, and the series count.
  type Cell = { mase: number; smape: number; wql: number; coverage: number; count: number };
  const scores = new Map<string, Map<string, Cell>>();
  const seconds = new Map<string, number>();
  for (const name of names)
    scores.set(name, new Map(periods.map((p) => [p, { mase: 0, smape: 0, wql: 0, coverage: 0, count: 0 }])));

  const record = (name: string, s: Series, f: SeriesForecast) => {
    const cell = scores.get(name)?.get(s.period);
    if (!cell) return;
    cell.mase += mase(s.test, f.mean, s.train, s.frequency);
    cell.smape += smape(s.test, f.mean);
    cell.wql += averageWeightedQuantileLoss(s.test, f.quantiles, LEVELS);
    let inside = 0;
    for (let t = 0; t < s.h; t++)
      if (s.test[t] >= f.quantiles[0][t] && s.test[t] <= f.quantiles[2][t]) inside++;
    cell.coverage += inside / s.h;
    cell.count++;
  };

  for (const s of series) {
    const byName = new Map<string, SeriesForecast>();
    for (const member of members) {
      const start = process.hrtime.bigint();
      const forecast = member.fit(s.train, { period: s.frequency }).forecast(s.h, LEVELS);
      seconds.set(
        member.name,
        (seconds.get(member.name) ?? 0) + Number(process.hrtime.bigint() - start) / 1e9,
      );
      byName.set(member.name, forecast);
      record(member.name, s, forecast);
    }
    if (combine) {
      const parts = COMBINED.map((c) => byName.get(c) as SeriesForecast);
      record("comb-median", s, combineForecasts(parts, LEVELS, "median"));
      record("comb-mean", s, combineForecasts(parts, LEVELS, "mean"));
    }
  }

  const header = [
    "member",
    ...periods.flatMap((p) => [`${p} MASE`, `${p} sMAPE`, `${p} wQL`, `${p} cov80`]),
    "series/s",
  ];
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const name of names) {
    const row = scores.get(name);
    if (!row) continue;
    const cells = periods.flatMap((p) => {
      const c = row.get(p);
      if (!c) return ["-", "-", "-", "-"];
      return [
        (c.mase / c.count).toFixed(3),
        (c.smape / c.count).toFixed(2),
        (c.wql / c.count).toFixed(3),
        (c.coverage / c.count).toFixed(2),
      ];
    });
    const time = seconds.get(name);
    cells.push(time ? (series.length / time).toFixed(0) : "-");
    console.log(`| ${name} | ${cells.join(" | ")} |`);
  }
  console.log(
    `\n${series.length} series (${periods.join(", ")}); wQL = Amazon's average wQL over ${LEVELS.join(", ")} per ` +
      "series, averaged; cov80 = share of test points inside the 0.1–0.9 band.",
  );
}

main();
