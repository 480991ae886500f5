/**
 * The gateway's CPU cost per request, build against build, measured so that a shared, noisy machine cannot decide
 * the answer (issue 9: the validator changes must not cost more than 10%). Wall-clock wrk runs on this 2-core
 * machine swing ±30% between identical cells; this bench instead counts CPU time.
 *
 * Each round starts, for each build, a fresh child process (gateway-cpu-child.ts) pinned with `taskset` to one
 * core, the same core for both builds, one build after the other (never at the same time), the order alternating
 * from round to round. The child starts that build's whole service as its CLI does and drives real SigV4-signed
 * DescribeDatasetGroup and ListDatasetGroups requests at it from the same process, by fastify's inject and over
 * raw keep-alive HTTP on 127.0.0.1, and reports `process.cpuUsage` per request over each cell. A fresh process per
 * round means that whatever one process's luck is (heap layout, JIT decisions) is one round of fifteen, not the
 * build's figure.
 *
 * Printed per cell: the median CPU µs/request of each build over the rounds, the ratio other / baseline of those
 * medians with a 95% bootstrap interval (rounds resampled), the ratio of the two builds' best rounds, and the
 * median of the per-round ratios.
 *
 * Run: BENCH_BASELINE_DIST=<before>/dist [BENCH_OTHER_DIST=<after>/dist] npm run bench:gateway-cpu
 *   BENCH_OTHER_DIST     default: this checkout's dist
 *   BENCH_ROUNDS         rounds (default 15)
 *   BENCH_REQUESTS       measured requests per cell (default 10000); BENCH_WARMUP before each cell (default 2000)
 *   BENCH_BLOCK          the measured requests of a cell run in blocks of this many (default 500); besides the
 *                        cell's total, each round reports its least and its median block
 *   BENCH_TRANSPORTS     inject,socket (default both)
 *   BENCH_CONCURRENCY    in-flight requests, e.g. 1,16 (default 16)
 *   BENCH_OPERATIONS     DescribeDatasetGroup,ListDatasetGroups (default both)
 *   BENCH_CPU            the core both builds are pinned to (default 1; "none" to not pin)
 *   BENCH_ROUNDS_DIR     keep each round's figures there (JSON); BENCH_FROM=<that dir> prints the table of the
 *                        rounds it holds (an interrupted run included) without running anything
 *   BENCH_PROFILE_DIR    profile every measured cell (inspector sampling profiler, 100 µs) into this directory;
 *                        compare with `node dist/bench/gateway/profile-compare.js <dir>`
 * The children inherit the environment (e.g. OPENFORECAST_METRICS=off reaches builds that know it).
 */
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { compareRounds, median } from "./cpu-stats.js";
import type { ChildResult, ChildTask, Operation, Transport } from "./gateway-cpu-child.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const list = (v: string | undefined, d: string) =>
  (v ?? d)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2000);
const BLOCK = Number(process.env.BENCH_BLOCK ?? 500);
const TRANSPORTS = list(process.env.BENCH_TRANSPORTS, "inject,socket") as Transport[];
const CONCURRENCY = list(process.env.BENCH_CONCURRENCY, "16").map(Number);
const OPERATIONS = list(
  process.env.BENCH_OPERATIONS,
  "DescribeDatasetGroup,ListDatasetGroups",
) as Operation[];
const CPU = process.env.BENCH_CPU ?? "1";
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

interface Build {
  label: "baseline" | "other";
  dist: string;
  commit: string;
  rounds: ChildResult[];
}

async function commitOf(dist: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)("git", [
      "-C",
      path.dirname(dist),
      "log",
      "-1",
      "--format=%h",
    ]);
    const { stdout: dirty } = await promisify(execFile)("git", [
      "-C",
      path.dirname(dist),
      "status",
      "--short",
      "src",
    ]);
    return `${stdout.trim()}${dirty.trim() ? " (+ uncommitted src changes)" : ""}`;
  } catch {
    return "?";
  }
}

async function runChild(build: Build, round: number, scratch: string): Promise<ChildResult> {
  const task: ChildTask = {
    dist: build.dist,
    out: path.join(scratch, `${build.label}-${round}.json`),
    operations: OPERATIONS,
    transports: TRANSPORTS,
    concurrency: CONCURRENCY,
    requests: REQUESTS,
    warmup: WARMUP,
    block: BLOCK,
    profile: PROFILE_DIR ? path.join(path.resolve(PROFILE_DIR), `${build.label}-r${round}`) : undefined,
  };
  const child = [path.join(here, "gateway-cpu-child.js"), JSON.stringify(task)];
  // taskset before node starts, so that every thread of the process (GC helpers, libuv's pool) is on that core.
  const command = CPU === "none" ? process.execPath : "taskset";
  const args = CPU === "none" ? child : ["-c", CPU, process.execPath, ...child];
  await promisify(execFile)(command, args, { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(await fs.readFile(task.out, "utf8")) as ChildResult;
}

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(", ");

type Cell = ChildResult["cells"][number];

/** One table per figure of a cell: the whole cell's CPU per request, its least block, its median block. */
function summarize(builds: Build[]): void {
  const figures: [string, (c: Cell) => number][] = [
    ["CPU µs/request over each round's whole cell", (c) => c.cpuMicros],
    ["CPU µs/request of each round's least block (least disturbed)", (c) => c.minBlockMicros],
    ["CPU µs/request of each round's median block", (c) => c.medianBlockMicros],
  ];
  const [baseline, other] = builds as [Build, Build];
  const cellsOf = (b: Build, i: number) => b.rounds.map((round) => round.cells[i] as Cell);
  const cellCount = baseline.rounds[0]?.cells.length ?? 0;
  for (const [title, figure] of figures) {
    if (baseline.rounds.some((r) => r.cells.some((c) => figure(c) === undefined))) continue;
    console.log(`\n${title}, ${baseline.rounds.length} rounds:\n`);
    console.log(
      "| transport | operation | in flight | baseline | other | other / baseline | 95% bootstrap | best-round ratio | paired ratio | wall ratio |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|---|");
    for (let i = 0; i < cellCount; i++) {
      const base = cellsOf(baseline, i);
      const oth = cellsOf(other, i);
      const first = base[0] as Cell;
      const cpu = compareRounds(base.map(figure), oth.map(figure));
      const wall = median(oth.map((c) => c.wallMicros)) / median(base.map((c) => c.wallMicros));
      console.log(
        `| ${first.transport} | ${first.operation} | ${first.concurrency} | ${median(base.map(figure)).toFixed(1)} | ` +
          `${median(oth.map(figure)).toFixed(1)} | ${cpu.ratio.toFixed(3)} | ${cpu.low.toFixed(3)}–${cpu.high.toFixed(3)} | ` +
          `${cpu.minRatio.toFixed(3)} | ${cpu.pairedRatio.toFixed(3)} | ${wall.toFixed(3)} |`,
      );
    }
  }
}

/** The rounds a (possibly interrupted) run left in its rounds directory: those that both builds finished. */
async function roundsFrom(dir: string): Promise<Build[]> {
  const builds: Build[] = [
    { label: "baseline", dist: "", commit: "", rounds: [] },
    { label: "other", dist: "", commit: "", rounds: [] },
  ];
  for (let r = 0; ; r++) {
    try {
      const pair = await Promise.all(
        builds.map(async (b) =>
          JSON.parse(await fs.readFile(path.join(dir, `${b.label}-${r}.json`), "utf8")),
        ),
      );
      builds.forEach((b, i) => {
        b.rounds.push(pair[i] as ChildResult);
      });
    } catch {
      return builds;
    }
  }
}

async function main() {
  if (process.env.BENCH_FROM) {
    const builds = await roundsFrom(process.env.BENCH_FROM);
    console.log(`${builds[0]?.rounds.length} rounds from ${process.env.BENCH_FROM}\n`);
    summarize(builds);
    return;
  }
  const baselineDist = process.env.BENCH_BASELINE_DIST;
  if (!baselineDist) throw new Error("set BENCH_BASELINE_DIST to the baseline build's dist directory");
  const builds: Build[] = [
    { label: "baseline", dist: path.resolve(baselineDist), commit: "", rounds: [] },
    {
      label: "other",
      dist: path.resolve(process.env.BENCH_OTHER_DIST ?? path.join(here, "../..")),
      commit: "",
      rounds: [],
    },
  ];
  for (const b of builds) b.commit = await commitOf(b.dist);
  if (PROFILE_DIR) await fs.mkdir(PROFILE_DIR, { recursive: true });
  // Each round's figures stay in BENCH_ROUNDS_DIR when it is set, so that an interrupted run can still be read
  // (BENCH_FROM=<that dir>).
  const keep = process.env.BENCH_ROUNDS_DIR;
  if (keep) await fs.mkdir(keep, { recursive: true });
  const scratch = keep ?? (await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-bench-cpu-parent-")));
  console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}; node ${process.version}`);
  for (const b of builds) console.log(`${b.label}: ${b.dist} (${b.commit})`);
  console.log(`load average at start: ${load()}`);
  console.log(
    `${ROUNDS} rounds; per round and build a fresh process pinned to core ${CPU}; per cell ${WARMUP} warm-up ` +
      `then ${REQUESTS} measured requests; transports ${TRANSPORTS.join(", ")}; in flight ${CONCURRENCY.join(", ")}`,
  );
  const started = Date.now();
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? builds : [...builds].reverse();
      for (const b of order) b.rounds.push(await runChild(b, r, scratch));
      process.stderr.write(`round ${r + 1}/${ROUNDS} done, load ${load()}\n`);
    }
  } finally {
    if (!keep) await fs.rm(scratch, { recursive: true, force: true });
  }
  console.log(`load average at end: ${load()} (${((Date.now() - started) / 60000).toFixed(1)} min)\n`);
  summarize(builds);
  if (process.env.BENCH_JSON) {
    await fs.writeFile(process.env.BENCH_JSON, JSON.stringify(builds, null, 1));
  }
}

await main();
