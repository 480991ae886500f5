// The soak's result as markdown for bench/RESULTS.md: requests per operation class, the checks against their aims,
// and the lists behind every non-zero figure (5xx, stuck resources, lost objects), then memory over time.

import type { Incident, OperationClass, Stats } from "./calls.js";
import type { Problem } from "./ledger.js";
import type { RestartWindow } from "./server.js";
import type { LogGroup } from "./service-log.js";
import type { ResourceStatus } from "./settle.js";

export interface MemorySample {
  /** Seconds since the start. */
  at: number;
  generation: number;
  rssKb: number;
}

export interface SoakResult {
  title: string;
  setup: string[];
  stats: Stats;
  windows: RestartWindow[];
  startedAt: number;
  stuck: ResourceStatus[];
  settleSeconds: number;
  settledAll: boolean;
  verified: { objectsChecked: number; exportsChecked: number; uncertain: number };
  problems: Problem[];
  failedJobs: { at: number; account: number; kind: string; arn: string; message: string }[];
  outcomes: Map<string, number>;
  memory: MemorySample[];
  health: { probes: number; overOneSecond: number; maxMs: number };
  fatal: string[];
  serviceLog: LogGroup[];
}

const CLASSES: OperationClass[] = [
  "create",
  "describe/list",
  "delete",
  "query",
  "tag/stop",
  "S3 write",
  "S3 read",
  "fuzz",
];
const n = (x: number) => x.toLocaleString("en-US");
const mb = (kb: number) => Math.round(kb / 1024);
const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s+/g, " ").slice(0, 160);

/**
 * Incidents grouped by status, type and message (numbers masked): how many, which operations (a few named), and
 * for fuzzed requests the mutations every request of the group had in common (the likely trigger).
 */
function grouped(incidents: Incident[]): string[] {
  const groups = new Map<string, Incident[]>();
  for (const i of incidents) {
    const key = `${i.status}|${i.type}|${i.message.replace(/\d+/g, "#").slice(0, 90)}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  return [...groups.values()]
    .sort((a, b) => b.length - a.length)
    .map((g) => {
      const first = g[0] as Incident;
      const operations = [...new Set(g.map((i) => i.operation))];
      const named = `${operations.slice(0, 4).join(", ")}${operations.length > 4 ? ` and ${operations.length - 4} more` : ""}`;
      const mutationSets = g
        .filter((i) => i.detail)
        .map((i) => new Set((i.detail as string).split(" ")[0]?.split("+")));
      const common = mutationSets.length
        ? [...(mutationSets[0] as Set<string>)]
            .filter((m) => mutationSets.every((set) => set.has(m)))
            .join("+") || "(none in common)"
        : "";
      return `| ${g.length} | ${first.status} ${cell(first.type)} | ${cell(first.message)} | ${cell(named)} | ${common} | ${clock(first.at)} |`;
    });
}

/**
 * Slow responses clustered into moments (within 3 s of each other): a stall of the whole service shows as many
 * operations slow at once, and the fuzzed requests among them hint at what caused it.
 */
export function slowMoments(slow: Incident[]): string[] {
  if (slow.length === 0) return [];
  const moments: Incident[][] = [];
  for (const i of [...slow].sort((a, b) => a.at - b.at)) {
    const last = moments.at(-1);
    if (last && i.at - (last.at(-1) as Incident).at < 3) last.push(i);
    else moments.push([i]);
  }
  const seconds = (i: Incident) => Number.parseFloat(i.message);
  const rows = moments.map((m) => {
    // The slowest fuzzed request first: a request that stalls the service waits longest itself.
    const fuzzed = m
      .filter((i) => i.detail)
      .sort((a, b) => seconds(b) - seconds(a))
      .map((i) => {
        const found = /Value '([^']*)/.exec(i.message)?.[1];
        const value = found === undefined ? undefined : [...found].slice(0, 30).join("");
        return `${i.operation} ${i.detail?.split(" ")[0]} ${seconds(i).toFixed(1)} s${value ? ` ('${value}…')` : ""}`;
      });
    const slowest = Math.max(...m.map(seconds));
    return `| ${clock((m[0] as Incident).at)} | ${m.length} | ${slowest.toFixed(1)} s | ${cell(fuzzed.slice(0, 3).join("; "))} |`;
  });
  return [
    "Moments with responses slower than 2 s (responses within 3 s of each other):",
    "",
    "| at | responses over 2 s | slowest | fuzzed requests among them |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ];
}

/** Least-squares slope of RSS in MB per minute over the samples given. */
function slope(samples: MemorySample[]): number {
  if (samples.length < 3) return Number.NaN;
  const xs = samples.map((s) => s.at / 60);
  const ys = samples.map((s) => s.rssKb / 1024);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    den += ((xs[i] as number) - mx) ** 2;
  }
  return num / den;
}

export function renderReport(r: SoakResult): string {
  const out: string[] = [];
  out.push(`### ${r.title}`, "", ...r.setup, "");
  // Requests per class.
  out.push(
    "| operation class | served | 2xx | 4xx | 5xx | connection errors in restart windows (retried) | connection errors / timeouts while up |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  );
  const total = { served: 0, ok: 0, client: 0, server: 0, restart: 0, unexpected: 0 };
  for (const cls of CLASSES) {
    const sum = { served: 0, ok: 0, client: 0, server: 0, restart: 0, unexpected: 0 };
    for (const [op, c] of r.stats.byOperation) {
      if (r.stats.classes.get(op) !== cls) continue;
      for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += c[k];
    }
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) total[k] += sum[k];
    out.push(
      `| ${cls} | ${n(sum.served)} | ${n(sum.ok)} | ${n(sum.client)} | ${n(sum.server)} | ${n(sum.restart)} | ${n(sum.unexpected)} |`,
    );
  }
  out.push(
    `| **total** | **${n(total.served)}** | ${n(total.ok)} | ${n(total.client)} | **${n(total.server)}** | ${n(total.restart)} | ${n(total.unexpected)} |`,
    "",
  );
  // Checks.
  const lost = r.problems.filter((p) => /lost|missing/.test(p.what)).length;
  const duplicated = r.problems.filter((p) => /duplicated/.test(p.what)).length;
  const changed = r.problems.filter((p) => /changed|differs/.test(p.what)).length;
  const restarts = r.windows.filter((w) => w.kind === "kill -9").length;
  const samples = r.memory;
  const rss = samples.map((s) => mb(s.rssKb));
  out.push("| check | result | aim |", "| --- | --- | --- |");
  out.push(`| 5xx answers | **${n(total.server)}** of ${n(total.served)} | 0 |`);
  out.push(
    `| resources in a transitional state after settling (${Math.round(r.settleSeconds)} s${r.settledAll ? "" : ", timed out"}) | **${r.stuck.length}** | 0 |`,
  );
  out.push(
    `| objects lost / changed (of ${n(r.verified.objectsChecked)} uploads still held and ${n(r.verified.exportsChecked)} exports seen ACTIVE) | **${lost} / ${changed}** | 0 |`,
  );
  out.push(`| export parts or rows duplicated | **${duplicated}** | 0 |`);
  out.push(`| connection errors or timeouts while the service was up | ${n(total.unexpected)} | 0 |`);
  out.push(`| kill -9 and restarts | ${restarts} (+1 clean restart before settling) | |`);
  out.push(
    `| jobs that ended CREATE_FAILED | ${r.failedJobs.length} | |`,
    `| responses slower than 2 s | ${r.stats.slow.length} | |`,
    `| GET /health probes over 1 s (while up) | ${r.health.overOneSecond} of ${r.health.probes}, slowest ${Math.round(r.health.maxMs)} ms | |`,
    `| fuzzed error answers not AWS-shaped | ${r.stats.notAwsShaped.length} | |`,
  );
  if (rss.length > 0) {
    out.push(
      `| service RSS (MB) | min ${Math.min(...rss)}, max ${Math.max(...rss)}, last ${rss.at(-1)} | flat |`,
    );
  }
  out.push("");
  // Scenario outcomes.
  if (r.outcomes.size > 0) {
    out.push(
      `Scenario outcomes: ${[...r.outcomes.entries()]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([k, v]) => `${k} ${v}`)
        .join("; ")}.`,
      "",
    );
  }
  const clientErrors = [...r.stats.clientErrors.entries()].sort((a, b) => b[1] - a[1]);
  if (clientErrors.length > 0) {
    out.push(`4xx answers by type: ${clientErrors.map(([k, v]) => `${k} ${n(v)}`).join(", ")}.`, "");
  }
  if (r.fatal.length > 0) out.push("Client failures:", ...r.fatal.map((f) => `- ${f}`), "");
  const table = (title: string, rows: string[]) => {
    if (rows.length === 0) return;
    out.push(
      title,
      "",
      "| count | status | message | operations | fuzz mutations all had | first at |",
      "| --- | --- | --- | --- | --- | --- |",
      ...rows,
      "",
    );
  };
  table("5xx answers (grouped):", grouped(r.stats.fiveXX));
  table("Connection errors and timeouts while the service was up (grouped):", grouped(r.stats.unexpected));
  out.push(...slowMoments(r.stats.slow));
  table("Fuzzed error answers that were not AWS-shaped (grouped):", grouped(r.stats.notAwsShaped));
  if (r.serviceLog.length > 0) {
    out.push(
      "The service log, warn and up (grouped; numbers masked):",
      "",
      "| count | level | message | error | where |",
      "| --- | --- | --- | --- | --- |",
      ...r.serviceLog
        .slice(0, 25)
        .map((g) => `| ${g.count} | ${g.level} | ${cell(g.msg)} | ${cell(g.error)} | ${g.where} |`),
      "",
    );
  }
  if (r.stuck.length > 0) {
    out.push(
      "Resources still transitional after settling:",
      "",
      "| account | status | ARN |",
      "| --- | --- | --- |",
    );
    for (const s of r.stuck) out.push(`| ${s.account + 1} | ${s.status} | ${s.arn} |`);
    out.push("");
  }
  if (r.problems.length > 0) {
    out.push(
      "Objects lost, changed or duplicated:",
      "",
      "| account | problem | where | detail |",
      "| --- | --- | --- | --- |",
    );
    for (const p of r.problems)
      out.push(`| ${p.account + 1} | ${p.what} | ${cell(p.where)} | ${cell(p.detail)} |`);
    out.push("");
  }
  if (r.failedJobs.length > 0) {
    out.push("Jobs that failed:", "", "| at | account | kind | message |", "| --- | --- | --- | --- |");
    for (const j of r.failedJobs)
      out.push(`| ${clock(j.at)} | ${j.account + 1} | ${j.kind} | ${cell(j.message)} |`);
    out.push("");
  }
  out.push(...memoryReport(r));
  return out.join("\n");
}

function memoryReport(r: SoakResult): string[] {
  const out: string[] = [];
  const samples = r.memory;
  if (samples.length === 0) return out;
  // One value a minute (the last sample of the minute), a restart marked with ↻ before the value.
  const perMinute = new Map<number, MemorySample>();
  for (const s of samples) perMinute.set(Math.floor(s.at / 60), s);
  let generation = samples[0]?.generation ?? 1;
  const series: string[] = [];
  for (const [minute, s] of perMinute) {
    series.push(`${s.generation !== generation ? "↻ " : ""}${minute}:${mb(s.rssKb)}`);
    generation = s.generation;
  }
  out.push(
    `Service RSS over time (minute:MB, last sample of each minute; ↻ = restarted): ${series.join(", ")}.`,
    "",
  );
  out.push(
    "| process | from | to | RSS 1 min after start MB | max MB | last MB | trend MB/min (after the first minute) |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  );
  const generations = [...new Set(samples.map((s) => s.generation))];
  for (const g of generations) {
    const mine = samples.filter((s) => s.generation === g);
    const first = mine[0] as MemorySample;
    const settled = mine.filter((s) => s.at >= first.at + 60);
    const rss = mine.map((s) => mb(s.rssKb));
    const oneMinute = settled[0] ? mb(settled[0].rssKb) : "";
    const trend = slope(settled);
    out.push(
      `| #${g} | ${clock(first.at)} | ${clock((mine.at(-1) as MemorySample).at)} | ${oneMinute} | ${Math.max(...rss)} | ${rss.at(-1)} | ${Number.isNaN(trend) ? "" : trend.toFixed(1)} |`,
    );
  }
  out.push("");
  return out;
}
