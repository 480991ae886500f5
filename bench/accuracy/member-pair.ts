// Two builds of the statistical members side by side in one process: every member's fits of the tourism train parts
// (the final cut and the backtest cuts before it, as the AutoPredictor's training fits them), timed in CPU seconds
// with the two builds alternated round by round, and a SHA-256 of every forecast (mean and quantiles) per build, so
// a speed change can be shown to leave the forecasts bit for bit as they were.
// Run (after building both): BASE_DIST=… npm run bench:member-pair
//   BASE_DIST   the other build's dist folder (required), e.g. a checkout of main built into /tmp/base/dist
//   HEAD_DIST   this build's dist folder (default dist)
//   MEMBERS     members to time (default arima)
//   PERIODS     e.g. MONTHLY,QUARTERLY (as tourism-info.csv spells them; default all three)
//   ROUNDS      rounds of both builds (default 3; the order of the two builds alternates between rounds)
//   CUTS        backtest cuts before the final one (default 3)
//   TOURISM_DIR the data folder (default ../shared/data/tourism)

import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { MemberName } from "../../src/forecasting/members.js";
import type { SeriesModel } from "../../src/forecasting/model.js";
import { loadTourism, type Series, tourismDir } from "./tourism-data.js";

const LEVELS = [0.1, 0.5, 0.9];
/** As tourism-members.ts: a history shorter than this gets no backtest window. */
const MIN_BACKTEST_HISTORY = 6;

interface Build {
  readonly label: string;
  readonly createMember: (name: MemberName) => SeriesModel;
}

async function loadBuild(label: string, dist: string): Promise<Build> {
  const url = pathToFileURL(resolve(dist, "src", "forecasting", "members.js")).href;
  const members = (await import(url)) as typeof import("../../src/forecasting/members.js");
  return { label, createMember: members.createMember };
}

/** Every (history, h) the members are fitted on. */
function fitsOf(series: Series[], cuts: number): { history: Float64Array; h: number; period: number }[] {
  const out: { history: Float64Array; h: number; period: number }[] = [];
  for (const s of series) {
    for (let w = 0; w <= cuts; w++) {
      const end = s.train.length - w * s.h;
      if (w > 0 && end < MIN_BACKTEST_HISTORY) break;
      out.push({ history: s.train.subarray(0, end), h: s.h, period: s.frequency });
    }
  }
  return out;
}

/** CPU seconds of fitting and forecasting every history once, and the SHA-256 of all forecasts. */
function run(
  build: Build,
  member: MemberName,
  fits: ReturnType<typeof fitsOf>,
): { cpu: number; sha: string } {
  const model = build.createMember(member);
  const hash = createHash("sha256");
  const before = process.cpuUsage();
  for (const { history, h, period } of fits) {
    const f = model.fit(history, { period }).forecast(h, LEVELS);
    hash.update(new Uint8Array(Float64Array.from(f.mean).buffer));
    for (const q of f.quantiles) hash.update(new Uint8Array(Float64Array.from(q).buffer));
  }
  const used = process.cpuUsage(before);
  return { cpu: (used.user + used.system) / 1e6, sha: hash.digest("hex") };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function main(): Promise<void> {
  const baseDist = process.env.BASE_DIST;
  if (!baseDist) throw new Error("Set BASE_DIST to the other build's dist folder.");
  const base = await loadBuild("base", baseDist);
  const head = await loadBuild("head", process.env.HEAD_DIST ?? "dist");
  const members = (process.env.MEMBERS ?? "arima").split(",") as MemberName[];
  const periods = process.env.PERIODS?.split(",");
  const rounds = Number(process.env.ROUNDS ?? "3");
  const cuts = Number(process.env.CUTS ?? "3");
  const all = loadTourism(tourismDir());
  const wanted = [...new Set(all.map((s) => s.period))].filter((p) => !periods || periods.includes(p));

  for (const period of wanted) {
    const fits = fitsOf(
      all.filter((s) => s.period === period),
      cuts,
    );
    for (const member of members) {
      const cpu = new Map<string, number[]>([
        ["base", []],
        ["head", []],
      ]);
      const shas = new Map<string, Set<string>>([
        ["base", new Set()],
        ["head", new Set()],
      ]);
      const ratios: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? [base, head] : [head, base];
        const got = new Map<string, number>();
        for (const build of order) {
          const { cpu: seconds, sha } = run(build, member, fits);
          cpu.get(build.label)?.push(seconds);
          shas.get(build.label)?.add(sha);
          got.set(build.label, seconds);
        }
        ratios.push((got.get("head") ?? 0) / (got.get("base") ?? 1));
      }
      const baseSha = [...(shas.get("base") ?? [])];
      const headSha = [...(shas.get("head") ?? [])];
      const same = baseSha.length === 1 && headSha.length === 1 && baseSha[0] === headSha[0];
      const fmt = (v: number[]) => v.map((x) => x.toFixed(2)).join(" ");
      console.log(
        `${period} ${member}: ${fits.length} fits; CPU s base ${fmt(cpu.get("base") ?? [])} (median ${median(cpu.get("base") ?? []).toFixed(2)}), head ${fmt(cpu.get("head") ?? [])} (median ${median(cpu.get("head") ?? []).toFixed(2)}); paired head/base ${fmt(ratios)} (median ${median(ratios).toFixed(3)}); forecasts ${same ? "identical" : "DIFFER"} sha256 base ${baseSha.join("/").slice(0, 16)} head ${headSha.join("/").slice(0, 16)}`,
      );
    }
  }
}

await main();
