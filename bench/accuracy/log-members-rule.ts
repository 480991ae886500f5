// The rule of bench/RESULTS.md ("Issue 14: per-series members fitted in logs") applied to tourism-validation.ts runs
// kept with SUMMARY_DIR (`ORIGINS=3 GLOBAL_AR=1`): each candidate's engine row (learned weights with global-ar and
// the engine's calibration) against the reference's, for the default predictor and the one whose
// OptimizationMetric is MAPE, on the means over the origins and at the latest origin (origin 1).
// Run: node dist/bench/accuracy/log-members-rule.js REF_DIR label=DEFAULT_DIR[,MAPE_DIR] …
// The MAPE predictor is read from each run's "median point" row (the engine's weights and quantiles, the median as
// the point: what the pipeline forecasts for OptimizationMetric MAPE; tourism-validation.ts's METRIC=MAPE changes
// no forecast). With MAPE_DIR, a METRIC=MAPE run, its engine row is compared with the default run's (equal).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ENGINE_ROW = "learned + global-ar(engine), engine calibration";
const MEDIAN_ROW = `${ENGINE_ROW}, median point`;

/** One period at one origin, as printGarRule keeps it (`<period>.gar`). */
interface Cell {
  mase: number;
  mapeSum: number;
  mapePoints: number;
  wql: number;
}
/** Per period, the engine row's cells at origins 1, 2, 3. */
type Run = Map<string, Cell[]>;

function readRun(dir: string, row = ENGINE_ROW): Run {
  const run: Run = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".gar"))) {
    const rows = JSON.parse(readFileSync(join(dir, file), "utf8")) as Record<string, Cell[]>;
    const cells = rows[row];
    if (!cells) throw new Error(`${dir}/${file}: no "${row}" row`);
    run.set(file.slice(0, -4), cells);
  }
  return run;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The figures the rule reads from one run. */
function figures(run: Run) {
  const periods = [...run.keys()].sort();
  const at = (p: string) => run.get(p) as Cell[];
  const origins = at(periods[0] as string).length;
  const pooledAt = (o: number) => {
    const cs = periods.map((p) => at(p)[o] as Cell);
    return cs.reduce((a, c) => a + c.mapeSum, 0) / cs.reduce((a, c) => a + c.mapePoints, 0);
  };
  return {
    periods,
    mase: periods.map((p) => mean(at(p).map((c) => c.mase))),
    mape: periods.map((p) => mean(at(p).map((c) => c.mapeSum / c.mapePoints))),
    wql: periods.map((p) => mean(at(p).map((c) => c.wql))),
    pooled: mean(Array.from({ length: origins }, (_, o) => pooledAt(o))),
    pooledLatest: pooledAt(0),
    maseLatest: periods.map((p) => (at(p)[0] as Cell).mase),
  };
}
type Figures = ReturnType<typeof figures>;

const [refDir, ...candidates] = process.argv.slice(2);
if (!refDir) throw new Error("usage: REF_DIR label=DEFAULT_DIR[,MAPE_DIR] …");
const refD = figures(readRun(refDir));
const refM = figures(readRun(refDir, MEDIAN_ROW));
const ratios = (a: number[], b: number[]) => a.map((x, i) => x / (b[i] as number));
const f3 = (xs: number[], d = 3) => xs.map((x) => x.toFixed(d)).join(" / ");
const row = (label: string, d: Figures, m: Figures) =>
  `| ${label} | ${f3(d.mase)} | ${f3(d.mape, 2)} | ${f3(d.wql, 4)} | ${d.pooledLatest.toFixed(2)} | ${f3(d.maseLatest)} | ` +
  `${f3(m.mase)} | ${f3(m.mape, 2)} | ${m.pooled.toFixed(3)} | ${m.pooledLatest.toFixed(2)} | ${f3(m.maseLatest)} |`;

console.log(`periods: ${refD.periods.join(", ")}; means over the origins unless "origin 1"\n`);
console.log(
  "| run | default: MASE | MAPE | mean wQL | origin 1: pooled MAPE | origin 1: MASE | MAPE predictor: MASE | MAPE | mean pooled MAPE | origin 1: pooled MAPE | origin 1: MASE |\n|---|---|---|---|---|---|---|---|---|---|---|",
);
console.log(row("reference (engine)", refD, refM));
const verdicts: string[] = [];
const checks: string[] = [];
for (const arg of candidates) {
  const cut = arg.lastIndexOf("=");
  const [label, dirs] = [arg.slice(0, cut), arg.slice(cut + 1)];
  const [dDir, mDir] = dirs.split(",") as [string, string | undefined];
  const d = figures(readRun(dDir));
  const fromMedian = figures(readRun(dDir, MEDIAN_ROW));
  const m = fromMedian;
  console.log(row(label, d, m));
  if (mDir) {
    const asRun = figures(readRun(mDir));
    const gap = Math.max(
      ...asRun.mase.map((x, i) => Math.abs(x - (d.mase[i] as number))),
      ...asRun.mape.map((x, i) => Math.abs(x - (d.mape[i] as number))),
      ...asRun.wql.map((x, i) => Math.abs(x - (d.wql[i] as number))),
    );
    checks.push(
      `- ${label}: the METRIC=MAPE run's engine row against the default run's, largest difference ${gap}`,
    );
  }
  const failed: string[] = [];
  if (ratios(d.mase, refD.mase).some((x) => x > 1.002)) failed.push("1 (default MASE)");
  if (ratios(d.mape, refD.mape).some((x) => x > 1.002)) failed.push("1 (default MAPE)");
  if (ratios(d.wql, refD.wql).some((x) => x > 1.005)) failed.push("1 (default wQL)");
  if (d.pooledLatest > refD.pooledLatest) failed.push("3 (default pooled MAPE at origin 1)");
  if (ratios(d.maseLatest, refD.maseLatest).some((x) => x > 1.01))
    failed.push("3 (default MASE at origin 1)");
  if (m.pooled > refM.pooled * 0.99) failed.push("2 (MAPE predictor: mean pooled MAPE not 1% lower)");
  if (ratios(m.mape, refM.mape).some((x) => x > 1.002)) failed.push("2 (MAPE predictor: a period's MAPE)");
  if (m.pooledLatest > refM.pooledLatest) failed.push("3 (MAPE predictor: pooled MAPE at origin 1)");
  if (ratios(m.maseLatest, refM.maseLatest).some((x) => x > 1.01))
    failed.push("3 (MAPE predictor: MASE at origin 1)");
  const r = (a: number[], b: number[]) => f3(ratios(a, b), 4);
  verdicts.push(
    `- ${label}: default MASE ratios ${r(d.mase, refD.mase)}, MAPE ${r(d.mape, refD.mape)}, wQL ${r(d.wql, refD.wql)}; ` +
      `origin 1 pooled MAPE ${d.pooledLatest.toFixed(2)} (${refD.pooledLatest.toFixed(2)}), MASE ${r(d.maseLatest, refD.maseLatest)}` +
      `; MAPE predictor: mean pooled MAPE ${m.pooled.toFixed(3)} (${refM.pooled.toFixed(3)}, ratio ${(m.pooled / refM.pooled).toFixed(4)}), ` +
      `MAPE ratios ${r(m.mape, refM.mape)}, origin 1 pooled MAPE ${m.pooledLatest.toFixed(2)} (${refM.pooledLatest.toFixed(2)}), MASE ${r(m.maseLatest, refM.maseLatest)}` +
      ` → ${failed.length === 0 ? "**passes 1–3**" : `fails ${failed.join(", ")}`}`,
  );
}
console.log(`\n${[...checks, ...verdicts].join("\n")}`);
