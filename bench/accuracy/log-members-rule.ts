// The rule of bench/RESULTS.md ("Issue 14: per-series members fitted in logs") applied to tourism-validation.ts runs
// kept with SUMMARY_DIR (`ORIGINS=3 GLOBAL_AR=1`): each candidate's engine row (learned weights with global-ar and
// the engine's calibration) against the reference's, for the default predictor and the one whose
// OptimizationMetric is MAPE, on the means over the origins and at the latest origin (origin 1).
// Run: node dist/bench/accuracy/log-members-rule.js REF_DIR,REF_MAPE_DIR label=DIR,MAPE_DIR …
// DIR holds a run with the default OptimizationMetric, MAPE_DIR one with METRIC=MAPE, whose engine row has the
// point the engine forecasts for MAPE (the calibrated combination's median; its quantiles are the default's).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ENGINE_ROW = "learned + global-ar(engine), engine calibration";

/** One period at one origin, as printGarRule keeps it (`<period>.gar`). */
interface Cell {
  mase: number;
  mapeSum: number;
  mapePoints: number;
  wql: number;
}
/** Per period, the engine row's cells at origins 1, 2, 3. */
type Run = Map<string, Cell[]>;

function readRun(dir: string): Run {
  const run: Run = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".gar"))) {
    const rows = JSON.parse(readFileSync(join(dir, file), "utf8")) as Record<string, Cell[]>;
    const cells = rows[ENGINE_ROW];
    if (!cells) throw new Error(`${dir}/${file}: no "${ENGINE_ROW}" row`);
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

/** "DIR,MAPE_DIR": the default predictor's figures and the MAPE predictor's. */
function pair(dirs: string): [Figures, Figures] {
  const [d, m] = dirs.split(",");
  if (!d || !m)
    throw new Error(`"${dirs}": give the default run's folder and the METRIC=MAPE run's, comma-separated`);
  return [figures(readRun(d)), figures(readRun(m))];
}

const [refDirs, ...candidates] = process.argv.slice(2);
if (!refDirs) throw new Error("usage: REF_DIR,REF_MAPE_DIR label=DIR,MAPE_DIR …");
const [refD, refM] = pair(refDirs);
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
for (const arg of candidates) {
  const cut = arg.lastIndexOf("=");
  const label = arg.slice(0, cut);
  const [d, m] = pair(arg.slice(cut + 1));
  console.log(row(label, d, m));
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
console.log(`\n${verdicts.join("\n")}`);
