// The issue's soak benchmark: mixed load from 16 clients in two accounts against `openforecast serve` in a child
// process, killed with -9 and restarted in place every few minutes; at the end a clean restart, time for jobs to
// settle, then the checks: 5xx answers, resources stuck in a transitional state, objects lost or duplicated, and
// the service's memory over time. See README.md in this folder.
//
// Run:  npm run bench:soak
// Environment (defaults in brackets):
//   SOAK_MINUTES [30]              load duration
//   SOAK_KILL_EVERY_MINUTES [5]    kill -9 and restart interval (0: never)
//   SOAK_SEED [1]                  seed of the clients' choices, data and fuzzed requests
//   SOAK_SETTLE_MINUTES [10]       the longest wait for jobs to settle after the load
//   SOAK_SAMPLE_SECONDS [10]       RSS sampling interval
//   SOAK_ITEMS, SOAK_DAYS, SOAK_HORIZON [24, 120, 7]  the pipelines' data (series, days of history, horizon)
//   SOAK_FUZZ_MAX_SEPARATORS [1200]  longest run of a pattern's separators in fuzzed strings
//   SOAK_OUT [<tmp>/openforecast-soak-<time>.md]  where the markdown goes (the service log next to it)
//   SOAK_KEEP_DATA=1               keep the service's data dir

import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ForecastClient } from "@aws-sdk/client-forecast";
import { S3Client } from "@aws-sdk/client-s3";
import { ACCOUNTS, freePort, REGION } from "../../test/e2e/harness.js";
import { call, Stats } from "./calls.js";
import { Ledger, verifyLedger } from "./ledger.js";
import { type MemorySample, renderReport } from "./report.js";
import { SoakServer } from "./server.js";
import { groupServiceLog } from "./service-log.js";
import { isTransitional, type ResourceStatus, resourceStatuses } from "./settle.js";
import { type Role, SoakClient, type SoakShared } from "./workloads.js";

const env = process.env;
const num = (name: string, fallback: number): number => {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0) throw new Error(`${name} must be a number >= 0, not "${v}"`);
  return x;
};
const MINUTES = num("SOAK_MINUTES", 30);
const KILL_EVERY = num("SOAK_KILL_EVERY_MINUTES", 5);
const SEED = num("SOAK_SEED", 1);
const SETTLE_MINUTES = num("SOAK_SETTLE_MINUTES", 10);
const SAMPLE_SECONDS = Math.max(1, num("SOAK_SAMPLE_SECONDS", 10));
const SHAPE = { items: num("SOAK_ITEMS", 24), days: num("SOAK_DAYS", 120), horizon: num("SOAK_HORIZON", 7) };
const MAX_SEPARATORS = num("SOAK_FUZZ_MAX_SEPARATORS", 1200);
/** Per account: two of each role, 16 clients in all. */
const ROLES: Role[] = ["pipeline", "pipeline", "crud", "crud", "reader", "reader", "fuzz", "fuzz"];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (text: string) => console.error(`[soak ${new Date().toISOString().slice(11, 19)}] ${text}`);

function commit(): string {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      encoding: "utf8",
    }).trim();
    return dirty ? `${sha} (with local changes)` : sha;
  } catch {
    return "unknown";
  }
}

async function main(): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  const outFile = path.resolve(env.SOAK_OUT ?? path.join(os.tmpdir(), `openforecast-soak-${stamp}.md`));
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-soak-"));
  const credentialsFile = path.join(dataDir, "soak-accounts.json");
  await fs.writeFile(credentialsFile, JSON.stringify({ accounts: ACCOUNTS }), { mode: 0o600 });
  const server = new SoakServer({
    dataDir,
    credentialsFile,
    port: await freePort(),
    s3Port: await freePort(),
    logFile: `${outFile.replace(/\.md$/, "")}.service.log`,
  });

  // Never leave the service running: on normal exit, errors and Ctrl-C alike.
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    server.killNow();
    if (env.SOAK_KEEP_DATA !== "1") {
      try {
        execFileSync("rm", ["-rf", dataDir]);
      } catch {
        // best effort
      }
    }
  };
  process.on("exit", cleanup);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping the service and exiting`);
      cleanup();
      process.exit(130);
    });
  }
  process.on("uncaughtException", (error) => {
    log(`uncaught: ${error.stack ?? error}`);
    cleanup();
    process.exit(1);
  });

  const tree = commit();
  const loadBefore = os.loadavg();
  const cpuBefore = process.cpuUsage();
  const startedAt = Date.now();
  log(`service data in ${dataDir}; output ${outFile}`);
  await server.start();
  const stats = new Stats(server);
  const ledger = new Ledger();
  let stopping = false;
  const shared: SoakShared = {
    stats,
    ledger,
    server,
    problems: [],
    forecasts: new Map(),
    failedJobs: [],
    outcomes: new Map(),
    stopping: () => stopping,
    pipelineShape: SHAPE,
    fuzzMaxSeparators: MAX_SEPARATORS,
    jobTimeoutMs: 20 * 60_000,
  };

  // Memory and /health latency, sampled while the service is up.
  const memory: MemorySample[] = [];
  const health = { probes: 0, overOneSecond: 0, maxMs: 0 };
  const sampler = setInterval(async () => {
    const generation = server.generation;
    const rssKb = await server.rssKb();
    if (rssKb !== undefined) memory.push({ at: stats.seconds(), generation, rssKb });
    if (!server.isUp) return;
    const t0 = performance.now();
    try {
      await fetch(`${server.forecastEndpoint}/health`, { signal: AbortSignal.timeout(30_000) });
      const ms = performance.now() - t0;
      if (!server.isUp) return;
      health.probes++;
      health.maxMs = Math.max(health.maxMs, ms);
      if (ms > 1_000) health.overOneSecond++;
    } catch {
      // a restart began meanwhile
    }
  }, SAMPLE_SECONDS * 1_000);

  const clients: SoakClient[] = [];
  for (let account = 0; account < 2; account++) {
    for (const [i, role] of ROLES.entries()) {
      const index = account * ROLES.length + i;
      clients.push(new SoakClient(shared, index, account, role, SEED * 7_919 + index));
    }
  }
  const fatal: string[] = [];
  const running = clients.map((c) =>
    c.run().catch((error) => {
      fatal.push(
        `client ${c.index} (${c.role}, account ${c.account + 1}): ${(error as Error).stack ?? error}`,
      );
    }),
  );

  // The load, with kill -9 and restart every KILL_EVERY minutes.
  const end = startedAt + MINUTES * 60_000;
  let nextKill = KILL_EVERY > 0 ? startedAt + KILL_EVERY * 60_000 : Number.POSITIVE_INFINITY;
  let lastProgress = Date.now();
  while (Date.now() < end) {
    await sleep(Math.max(0, Math.min(1_000, end - Date.now())));
    if (Date.now() >= nextKill && Date.now() < end - 30_000) {
      log(`kill -9 of the service (pid ${server.pid})`);
      await server.kill9();
      await sleep(500 + Math.random() * 2_000);
      await server.start();
      log(`restarted (pid ${server.pid})`);
      nextKill += KILL_EVERY * 60_000;
    }
    if (Date.now() - lastProgress > 60_000) {
      lastProgress = Date.now();
      const served = [...stats.byOperation.values()].reduce((a, c) => a + c.served, 0);
      log(
        `${stats.seconds()} s: ${served} requests served, ${stats.fiveXX.length} 5xx, outcomes ${JSON.stringify(Object.fromEntries(shared.outcomes))}`,
      );
    }
  }

  // Whether the clients' own process could keep up: its CPU time over the load, as a share of one core.
  const cpu = process.cpuUsage(cpuBefore);
  const clientCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const clientCpuShare = clientCpuSeconds / ((Date.now() - startedAt) / 1000);

  // Stop the load; clients finish the request in flight and give up their scenarios.
  log("load over; stopping the clients");
  stopping = true;
  await Promise.race([Promise.all(running), sleep(180_000)]);
  for (const c of clients) c.destroy();

  // One more restart, clean this time, then time for the jobs to settle.
  log("clean restart, then settling");
  await server.stop();
  await server.start();
  const settleStart = Date.now();
  const admin = ACCOUNTS.map((a) => {
    const credentials = { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey };
    return new ForecastClient({
      endpoint: server.forecastEndpoint,
      region: REGION,
      credentials,
      maxAttempts: 3,
    });
  });
  let statuses: ResourceStatus[] = [];
  let settledAll = false;
  for (;;) {
    statuses = [];
    for (const [account, fc] of admin.entries()) statuses.push(...(await resourceStatuses(fc, account)));
    const transitional = statuses.filter((s) => isTransitional(s.status));
    if (transitional.length === 0) {
      settledAll = true;
      break;
    }
    if (Date.now() - settleStart > SETTLE_MINUTES * 60_000) break;
    log(`${transitional.length} of ${statuses.length} resources still transitional`);
    await sleep(10_000);
  }
  const settleSeconds = (Date.now() - settleStart) / 1000;
  const stuck = statuses.filter((s) => isTransitional(s.status));
  log(`settled: ${stuck.length} stuck of ${statuses.length}; verifying objects`);

  const s3s = ACCOUNTS.map((a) => {
    const credentials = { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey };
    return new S3Client({
      endpoint: server.s3Endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials,
      maxAttempts: 3,
    });
  });
  const verified = await verifyLedger(
    ledger,
    (account) => (command) => call(stats, account, "s3", s3s[account] as S3Client, command),
  );
  clearInterval(sampler);
  const finalRss = await server.rssKb();
  if (finalRss !== undefined)
    memory.push({ at: stats.seconds(), generation: server.generation, rssKb: finalRss });
  for (const c of [...admin, ...s3s]) c.destroy();
  await server.stop();
  await new Promise<void>((resolve) => server.closeLog(resolve));

  const loadAfter = os.loadavg();
  const kills = server.windows.filter((w) => w.kind === "kill -9").length;
  const restartSeconds = server.windows
    .filter((w) => w.up !== undefined)
    .map((w) => ((w.up as number) - w.down) / 1000);
  const report = renderReport({
    title: `Soak run of ${new Date(startedAt).toISOString().slice(0, 16).replace("T", " ")} UTC`,
    setup: [
      `${MINUTES} min of load, ${KILL_EVERY > 0 ? `kill -9 every ${KILL_EVERY} min (${kills} kills)` : "no kill -9"}; ` +
        `restarts took ${restartSeconds.map((s) => s.toFixed(1)).join(", ")} s (the last one clean); ` +
        `16 clients (per account: 2 pipelines, 2 create/import/delete, 2 readers, 2 fuzzers), seed ${SEED}, ` +
        `pipelines on ${SHAPE.items} series × ${SHAPE.days} days, horizon ${SHAPE.horizon}. Tree at ${tree} when it started.`,
      `Machine: ${os.availableParallelism()} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, Node.js ${process.version}; ` +
        `load average ${loadBefore[0]?.toFixed(1)} at the start, ${loadAfter[0]?.toFixed(1)} at the end (1-min). ` +
        `The clients' process used ${clientCpuSeconds.toFixed(0)} CPU s during the load (${(clientCpuShare * 100).toFixed(0)}% of one core).`,
    ],
    stats,
    windows: server.windows,
    startedAt,
    stuck,
    settleSeconds,
    settledAll,
    verified: { ...verified, uncertain: ledger.uncertain.size },
    problems: [...shared.problems, ...verified.problems],
    failedJobs: shared.failedJobs,
    outcomes: shared.outcomes,
    memory,
    health,
    fatal,
    serviceLog: await groupServiceLog(server.logFile),
  });
  writeFileSync(outFile, `${report}\n`);
  // Every incident in full, for routing what the grouped tables summarise.
  writeFileSync(
    outFile.replace(/\.md$/, ".details.json"),
    JSON.stringify(
      {
        fiveXX: stats.fiveXX,
        unexpectedConnectionErrors: stats.unexpected,
        slow: stats.slow,
        stuck,
        problems: [...shared.problems, ...verified.problems],
        failedJobs: shared.failedJobs,
        restartWindows: server.windows,
        memory,
      },
      null,
      1,
    ),
  );
  console.log(report);
  log(`written to ${outFile}; service log ${server.logFile}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    log(`failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
