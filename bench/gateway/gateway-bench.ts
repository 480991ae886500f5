/**
 * Gateway benchmark: signed DescribeDatasetGroup and ListDatasetGroups at 1, 16 and 64 concurrent clients.
 * The service runs in its own process (`node dist/src/cli.js serve`); this process is the load generator.
 * Each request carries a real SigV4 signature (signed once per client loop and replayed: the server verifies
 * every request in full, and a signature stays valid for 15 minutes). Prints medians of 3 runs per cell.
 *
 * The load generator is wrk (Debian package `wrk`; C, so the client is not the bottleneck on 2 cores) when it is
 * installed, else a Node.js loop in this process (which saturates before the server does: its figures are a floor).
 *
 * Run: npm run bench:gateway   (env BENCH_SECONDS per run, default 5; BENCH_LOAD=node forces the Node loop;
 * BENCH_STORES=1 compares this build on SQLite and on PostgreSQL side by side, the ratio row being PostgreSQL/SQLite)
 *
 * Side by side with another build: BENCH_BASELINE_CLI=<other checkout>/dist/src/cli.js starts that build too, and
 * each cell is measured on both, runs interleaved (baseline, this; this, baseline; ...) so that both see the same
 * load from the rest of the machine; the table then has a row per build and the ratio of medians. The server's
 * CPU time per request (from /proc) is printed too: unlike requests/s, load elsewhere on the machine barely
 * changes it.
 *
 * The cost of operations (issue 13): BENCH_COMPARE=metrics starts this build twice, once with metrics and job logs
 * off (OPENFORECAST_METRICS=off, log level warn) and once as shipped (metrics on, log level info), and compares them
 * the same interleaved way, and first measures in this process what the metrics add to one request (labelling it
 * and counting it), a figure the machine's load barely moves. BENCH_RUNS sets the runs per cell (default 3).
 *
 * With BENCH_STORES=1 the bench also counts the database transactions each operation makes on PostgreSQL (from
 * pg_stat_database, over 1,000 sequential requests, less what the idle server does in the same time: the job
 * runner's sweep; BENCH_TRANSACTIONS=0 skips this). BENCH_CPU_PROF=<dir> runs the servers under the V8 profiler
 * (profiled-cli.ts), their profiles written to <dir> at the end (summarize one with
 * `node dist/bench/gateway/cpu-profile-summary.js <file>`). BENCH_CLIENTS and BENCH_OPERATIONS narrow the cells.
 * BENCH_PIN=1 pins every server process (all its threads) to core 1 and wrk to core 0 (`taskset`), so that the
 * server and the load generator do not take turns on one core; the CPU-only comparison of two builds, which noise
 * on this shared machine cannot swamp, is `npm run bench:gateway-cpu`.
 */
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { CreateDatasetGroupCommand } from "@aws-sdk/client-forecast";
import pg from "pg";
import { requestLabels } from "../../src/gateway/request-labels.js";
import { ServiceMetrics } from "../../src/ops/service-metrics.js";
import { forecastClient, startChild, testStoreEnv } from "../../test/e2e/harness.js";
import { signedForecastRequest } from "./signed-request.js";

const PROFILED_CLI = path.resolve(path.dirname(new URL(import.meta.url).pathname), "profiled-cli.js");

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** BENCH_CLIENTS=1,16 measures only these concurrencies (default 1, 16, 64). */
const CONCURRENCY = (process.env.BENCH_CLIENTS ?? "1,16,64").split(",").map(Number);
/** BENCH_OPERATIONS=DescribeDatasetGroup measures only these operations (default both). */
const OPERATIONS = process.env.BENCH_OPERATIONS?.split(",");
const PIN = process.env.BENCH_PIN === "1";

interface Cell {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** the server's CPU time per request, µs (Linux /proc), NaN elsewhere: load elsewhere barely changes it */
  cpuMicros?: number;
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; NaN where unavailable. */
async function cpuSeconds(pid: number | undefined): Promise<number> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

/** Runs `run` and adds the server's CPU time per request to its cell. */
async function withCpu(pid: number | undefined, run: () => Promise<Cell>): Promise<Cell> {
  const before = await cpuSeconds(pid);
  const started = performance.now();
  const cell = await run();
  const seconds = (performance.now() - started) / 1000;
  const used = (await cpuSeconds(pid)) - before;
  return { ...cell, cpuMicros: (used / (cell.requestsPerSecond * seconds)) * 1e6 };
}

async function runLoad(
  req: Awaited<ReturnType<typeof signedForecastRequest>>,
  concurrency: number,
): Promise<Cell> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const one = () =>
    new Promise<void>((resolve) => {
      const start = performance.now();
      const r = http.request(
        {
          host: req.url.hostname,
          port: req.url.port,
          method: "POST",
          path: "/",
          headers: req.headers,
          agent,
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode === 200) latencies.push(performance.now() - start);
            else errors++;
            resolve();
          });
        },
      );
      r.on("error", () => {
        errors++;
        resolve();
      });
      r.end(req.body);
    });
  const loop = async () => {
    while (performance.now() < deadline) await one();
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - began) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  return { requestsPerSecond: latencies.length / elapsed, p50: q(0.5), p99: q(0.99), errors };
}

/** wrk prints latencies like 812.00us, 1.52ms, 1.02s. */
function millis(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
}

async function runWrk(
  req: Awaited<ReturnType<typeof signedForecastRequest>>,
  concurrency: number,
  scriptDir: string,
): Promise<Cell> {
  const lua = path.join(scriptDir, "request.lua");
  const lines = ['wrk.method = "POST"', `wrk.body = [==[${req.body}]==]`];
  for (const [k, v] of Object.entries(req.headers)) {
    if (k.toLowerCase() !== "host" && k.toLowerCase() !== "content-length")
      lines.push(`wrk.headers["${k}"] = [==[${v}]==]`);
  }
  await fs.writeFile(lua, `${lines.join("\n")}\n`);
  const wrk = ["wrk", "-t1"];
  const { stdout } = await promisify(execFile)(PIN ? "taskset" : "wrk", [
    ...(PIN ? ["-c", "0", ...wrk] : wrk.slice(1)),
    `-c${concurrency}`,
    `-d${SECONDS}s`,
    "--latency",
    "-s",
    lua,
    `http://${req.url.host}/`,
  ]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const pct = (p: string) => millis(new RegExp(`\\s${p}%\\s+(\\S+)`).exec(stdout)?.[1] ?? "");
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  return { requestsPerSecond: rps, p50: pct("50"), p99: pct("99"), errors: non2xx };
}

function hasWrk(): boolean {
  if (process.env.BENCH_LOAD === "node") return false;
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
    return true;
  } catch (error) {
    // wrk --version exits 1 after printing; only a missing binary throws ENOENT
    return (error as NodeJS.ErrnoException).code !== "ENOENT";
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

interface Target {
  label: string;
  child: Awaited<ReturnType<typeof startChild>>;
  dataDir: string;
  operations: Record<string, Awaited<ReturnType<typeof signedForecastRequest>>>;
  /** The target's PostgreSQL database, when it runs on one. */
  databaseUrl?: string;
}

async function startTarget(label: string, cli?: string, env: Record<string, string> = {}): Promise<Target> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-bench-gw-"));
  // BENCH_CPU_PROF: the server runs under the profiler (profiled-cli.ts), which then runs the CLI asked for.
  const profileDir = process.env.BENCH_CPU_PROF;
  const child = profileDir
    ? await startChild(dataDir, PROFILED_CLI, {
        OPENFORECAST_PROFILE_DIR: path.resolve(profileDir),
        ...(cli ? { OPENFORECAST_PROFILED_CLI: cli } : {}),
        ...env,
      })
    : await startChild(dataDir, cli, env);
  if (PIN) execFileSync("taskset", ["-a", "-p", "-c", "1", String(child.process.pid)], { stdio: "ignore" });
  const fc = forecastClient(child.forecastEndpoint);
  const { DatasetGroupArn } = await fc.send(
    new CreateDatasetGroupCommand({ DatasetGroupName: "bench", Domain: "RETAIL" }),
  );
  for (let i = 0; i < 20; i++) {
    await fc.send(new CreateDatasetGroupCommand({ DatasetGroupName: `bench_${i}`, Domain: "RETAIL" }));
  }
  fc.destroy();
  const operations = {
    DescribeDatasetGroup: await signedForecastRequest(
      child.forecastEndpoint,
      "AmazonForecast.DescribeDatasetGroup",
      JSON.stringify({ DatasetGroupArn }),
    ),
    ListDatasetGroups: await signedForecastRequest(
      child.forecastEndpoint,
      "AmazonForecast.ListDatasetGroups",
      "{}",
    ),
  };
  const databaseUrl = (await testStoreEnv(dataDir)).OPENFORECAST_DATABASE_URL;
  return { label, child, dataDir, operations, databaseUrl };
}

async function stopTarget(t: Target): Promise<void> {
  await t.child.kill("SIGTERM");
  await fs.rm(t.dataDir, { recursive: true, force: true });
}

/**
 * CPU time the metrics add to one request, measured in this process: the onResponse hook's work (labels from the
 * X-Amz-Target, the counter and the histogram), per call, median of 5 rounds of 200,000 calls.
 */
async function metricsCostPerRequest(): Promise<string> {
  const metrics = new ServiceMetrics({
    pendingJobs: () => [],
    runningJobs: () => new Map(),
    workers: { threads: 2, busy: 0, queued: 0 },
  });
  const request = {
    headers: { "x-amz-target": "AmazonForecast.DescribeDatasetGroup" },
  } as unknown as Parameters<typeof requestLabels>[0];
  const N = 200_000;
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      const labels = requestLabels(request, undefined, 200);
      metrics.requestDone(labels.service, labels.operation, labels.errorType, 0.0004);
    }
    const used = process.cpuUsage(started);
    rounds.push((used.user + used.system) / N);
  }
  const scrape = performance.now();
  const { text } = await metrics.exposition();
  return (
    `metrics cost per request (in this process, CPU): ${median(rounds).toFixed(2)} µs; ` +
    `one scrape of /metrics ${(performance.now() - scrape).toFixed(1)} ms for ${text.length} bytes\n`
  );
}

/** Transactions committed or rolled back in the target's database so far (pg_stat_database). */
async function transactions(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      "SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = current_database()",
    );
    // This query's own transaction shows in the next read (one to take off each difference).
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

/**
 * Database transactions per request of an operation on PostgreSQL (each autocommitted statement is one): over
 * `n` sequential requests, less what the idle server did in as long (the job runner's sweep), each count read after
 * the backends have reported their statistics (at most 10 s after they go idle, on PostgreSQL 15).
 */
async function transactionsPerRequest(
  databaseUrl: string,
  req: Awaited<ReturnType<typeof signedForecastRequest>>,
  n = 1_000,
): Promise<{ perRequest: number; idlePerSecond: number }> {
  const settle = () => new Promise((r) => setTimeout(r, 11_000));
  await settle();
  const idleStart = await transactions(databaseUrl);
  const idleBegan = performance.now();
  await settle();
  const idleSeconds = (performance.now() - idleBegan) / 1000;
  const before = await transactions(databaseUrl);
  const idlePerSecond = (before - idleStart - 1) / idleSeconds;
  const began = performance.now();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve, reject) => {
      const r = http.request(
        {
          host: req.url.hostname,
          port: req.url.port,
          method: "POST",
          path: "/",
          headers: req.headers,
          agent,
        },
        (res) => {
          res.resume();
          res.on("end", () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        },
      );
      r.on("error", reject);
      r.end(req.body);
    });
  }
  agent.destroy();
  await settle();
  const seconds = (performance.now() - began) / 1000;
  const used = (await transactions(databaseUrl)) - before - 1 - idlePerSecond * seconds;
  return { perRequest: used / n, idlePerSecond };
}

async function main() {
  // BENCH_STORES=1: this build twice, on SQLite (the baseline row) and on PostgreSQL (the test cluster of
  // test/setup/postgres.ts, through the harness's OPENFORECAST_TEST_STORE), interleaved like two builds.
  const compareStores = process.env.BENCH_STORES === "1";
  const baselineCli = process.env.BENCH_BASELINE_CLI;
  const compareMetrics = process.env.BENCH_COMPARE === "metrics";
  // Two builds (or two settings of this one) side by side: the first is the baseline of the ratios.
  const paired = baselineCli !== undefined || compareMetrics || compareStores;
  const targets: Target[] = [];
  try {
    if (compareStores) {
      targets.push(await startTarget("SQLite"));
      process.env.OPENFORECAST_TEST_STORE = "postgres";
      targets.push(await startTarget("PostgreSQL"));
      delete process.env.OPENFORECAST_TEST_STORE;
    } else {
      if (baselineCli) targets.push(await startTarget("baseline", path.resolve(baselineCli)));
      else if (compareMetrics)
        targets.push(await startTarget("metrics+logs off", undefined, { OPENFORECAST_METRICS: "off" }));
      targets.push(
        compareMetrics
          ? await startTarget("metrics+logs on", undefined, { OPENFORECAST_LOG_LEVEL: "info" })
          : await startTarget(baselineCli ? "this build" : ""),
      );
    }
    const scratch = targets[0]?.dataDir as string;
    console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}; node ${process.version}`);
    console.log(
      `load average at start: ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(", ")}`,
    );
    if (compareMetrics) console.log(await metricsCostPerRequest());
    const useWrk = hasWrk();
    const load = (req: Awaited<ReturnType<typeof signedForecastRequest>>, c: number) =>
      useWrk ? runWrk(req, c, scratch) : runLoad(req, c);
    console.log(
      `load generator: ${useWrk ? "wrk (1 thread)" : "Node.js loop in the bench process"}` +
        `${PIN ? "; servers pinned to core 1, wrk to core 0" : ""}`,
    );
    console.log(`${SECONDS} s per run, median of ${RUNS} runs${paired ? ", builds interleaved" : ""}\n`);
    const build = paired ? " build |" : "";
    console.log(
      `| operation | clients |${build} requests/s | p50 ms | p99 ms | errors | server CPU µs/request |`,
    );
    console.log(`|---|---|${paired ? "---|" : ""}---|---|---|---|---|`);
    for (const name of Object.keys(targets[0]?.operations ?? {})) {
      if (OPERATIONS && !OPERATIONS.includes(name)) continue;
      for (const t of targets)
        await load(t.operations[name] as Awaited<ReturnType<typeof signedForecastRequest>>, 16); // JIT warm-up
      for (const c of CONCURRENCY) {
        const cells = new Map<Target, Cell[]>(targets.map((t) => [t, []]));
        for (let r = 0; r < RUNS; r++) {
          // Alternate which build goes first, so neither always follows the other's load.
          for (const t of r % 2 === 0 ? targets : [...targets].reverse()) {
            const req = t.operations[name] as Awaited<ReturnType<typeof signedForecastRequest>>;
            cells.get(t)?.push(await withCpu(t.child.process.pid, () => load(req, c)));
          }
        }
        const medians: number[] = [];
        const cpus: number[] = [];
        for (const t of targets) {
          const runs = cells.get(t) as Cell[];
          const rps = median(runs.map((x) => x.requestsPerSecond));
          const cpu = median(runs.map((x) => x.cpuMicros ?? Number.NaN));
          medians.push(rps);
          cpus.push(cpu);
          const label = paired ? ` ${t.label} |` : "";
          const p50 = median(runs.map((x) => x.p50)).toFixed(2);
          const p99 = median(runs.map((x) => x.p99)).toFixed(2);
          const errors = runs.reduce((s, x) => s + x.errors, 0);
          console.log(
            `| ${name} | ${c} |${label} ${rps.toFixed(0)} | ${p50} | ${p99} | ${errors} | ${cpu.toFixed(0)} |`,
          );
        }
        if (paired && medians.length === 2) {
          const ratio = (xs: number[]) => ((xs[1] as number) / (xs[0] as number)).toFixed(3);
          const what = compareMetrics
            ? "on / off"
            : compareStores
              ? "PostgreSQL / SQLite"
              : "this / baseline";
          console.log(`| ${name} | ${c} | ${what} | ${ratio(medians)} | | | | ${ratio(cpus)} |`);
        }
      }
    }
    if (compareStores && process.env.BENCH_TRANSACTIONS !== "0") {
      for (const t of targets) {
        if (!t.databaseUrl) continue;
        for (const [name, req] of Object.entries(t.operations)) {
          if (OPERATIONS && !OPERATIONS.includes(name)) continue;
          const { perRequest, idlePerSecond } = await transactionsPerRequest(t.databaseUrl, req);
          console.log(
            `${t.label}: ${name} makes ${perRequest.toFixed(2)} database transactions per request ` +
              `(the idle server ${idlePerSecond.toFixed(1)}/s, taken off)`,
          );
        }
      }
    }
    console.log(
      `\nload average at end: ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(", ")}`,
    );
  } finally {
    for (const t of targets) await stopTarget(t);
  }
}

await main();
