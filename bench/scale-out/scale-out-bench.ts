/**
 * Scale-out benchmark: one AutoPredictor of BENCH_SERIES daily series (default 20,000 × 120 days, horizon 7)
 * trained (a) embedded (`serve`, SQLite, one worker thread), (b) scale-out with 1 worker process and (c) with 2,
 * each single-threaded (`--worker-threads 1`), API process apart (`serve --run-jobs false`), one PostgreSQL, one
 * S3 endpoint (`openforecast s3`): the processes of test/e2e/scale-out-cluster.ts. Prints the training time of
 * each, the speed-up of 2 workers over 1, the CPU per series of every run (all the deployment's processes
 * counted, from /proc), and the API process's resident memory after training at BENCH_SMALL series (default
 * 2,000) and at BENCH_SERIES: series never pass through it, so it should not grow.
 *
 * Run: npm run bench:scale-out   (BENCH_SERIES, BENCH_DAYS, BENCH_SMALL; BENCH_PARALLELISM tasks per training;
 * BENCH_ONLY=scaling runs only the 1- and 2-worker trainings)
 * The machine is shared: the load average is printed with each figure; compare the ratios, measured in one run.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  CreateAutoPredictorCommand,
  DescribeAutoPredictorCommand,
  type ForecastClient,
} from "@aws-sdk/client-forecast";
import type { S3Client } from "@aws-sdk/client-s3";
import {
  ACCOUNTS,
  forecastClient,
  freePort,
  importDemandGroup,
  s3Client,
  untilActive,
} from "../../test/e2e/harness.js";
import { type Cluster, startCluster } from "../../test/e2e/scale-out-cluster.js";
import { weeklyDemandCsv } from "../../test/e2e/weekly-demand.js";

const SERIES = Number(process.env.BENCH_SERIES ?? 20_000);
const SMALL = Number(process.env.BENCH_SMALL ?? 2_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 120);
const PARALLELISM = Number(process.env.BENCH_PARALLELISM ?? 8);
const ROLE = "arn:aws:iam::111122223333:role/ForecastRole";
const TICKS = 100;

/** CPU seconds (user + system, all threads) of a process so far. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

function rssMiB(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
  return Number(line?.[1] ?? 0) / 1024;
}

const load = () => os.loadavg()[0]?.toFixed(1);

interface Run {
  label: string;
  seconds: number;
  cpu: number;
  load: string | undefined;
  apiRss?: number;
}

async function train(
  fc: ForecastClient,
  s3: S3Client,
  series: number,
  pids: () => number[],
  label: string,
): Promise<Run> {
  const group = await importDemandGroup(fc, s3, {
    group: "bench",
    dataset: "bench_demand",
    bucket: "bench-input",
    key: "demand.csv",
    csv: weeklyDemandCsv({ series, days: DAYS }),
    roleArn: ROLE,
  });
  const before = pids().map(cpuSeconds);
  const started = Date.now();
  const { PredictorArn } = await fc.send(
    new CreateAutoPredictorCommand({
      PredictorName: "bench",
      ForecastHorizon: 7,
      ForecastFrequency: "D",
      DataConfig: { DatasetGroupArn: group },
    }),
  );
  await untilActive(() => fc.send(new DescribeAutoPredictorCommand({ PredictorArn })), label, 4 * 3_600_000);
  const seconds = (Date.now() - started) / 1000;
  const cpu =
    pids()
      .map(cpuSeconds)
      .reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0);
  const run = { label, seconds, cpu, load: load() };
  console.log(JSON.stringify(run));
  return run;
}

async function embedded(series: number): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openforecast-bench-emb-"));
  const credentials = path.join(dir, "accounts.json");
  fs.writeFileSync(credentials, JSON.stringify({ accounts: ACCOUNTS }), { mode: 0o600 });
  const [port, s3Port] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [
      "dist/src/cli.js",
      "serve",
      "--port",
      String(port),
      "--s3-port",
      String(s3Port),
      "--data-dir",
      dir,
      "--worker-threads",
      "1",
    ],
    {
      env: { ...process.env, OPENFORECAST_CREDENTIALS_FILE: credentials, OPENFORECAST_LOG_LEVEL: "warn" },
      stdio: "ignore",
    },
  );
  try {
    const endpoint = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 300; i++) {
      if (
        await fetch(`${endpoint}/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return await train(
      forecastClient(endpoint),
      s3Client(`http://127.0.0.1:${s3Port}`),
      series,
      () => [child.pid as number],
      `embedded, 1 thread, ${series} series`,
    );
  } finally {
    child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function scaleOut(series: number, workers: number): Promise<Run> {
  const cluster: Cluster = await startCluster({
    apis: 1,
    workers,
    workerThreads: 1,
    taskParallelism: PARALLELISM,
    // The service's default lease, not the test's short one: on a loaded machine a chunk can outlive a short lease
    // and run twice.
    taskLeaseSeconds: 600,
  });
  try {
    const api = cluster.apis[0];
    const pids = () => [api, ...cluster.workers].map((p) => p?.process.pid as number);
    const run = await train(
      forecastClient(api?.endpoint as string),
      s3Client(cluster.s3Endpoint),
      series,
      pids,
      `scale-out, ${workers} worker(s), ${series} series`,
    );
    run.apiRss = rssMiB(api?.process.pid as number);
    console.log(JSON.stringify({ label: run.label, apiRssMiB: run.apiRss }));
    return run;
  } finally {
    await cluster.close();
  }
}

async function main() {
  console.log(
    `machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load ${load()}`,
  );
  if (process.env.BENCH_ONLY === "scaling") {
    // Only the speed-up: 1 and 2 workers, interleaved order not possible (one deployment at a time).
    const one = await scaleOut(SERIES, 1);
    const two = await scaleOut(SERIES, 2);
    console.log(`\nspeed-up 2 workers / 1 at ${SERIES} series: ${(one.seconds / two.seconds).toFixed(2)}x`);
    console.log(
      `cores used: 1 worker ${(one.cpu / one.seconds).toFixed(2)}, 2 workers ${(two.cpu / two.seconds).toFixed(2)}`,
    );
    return;
  }
  const small = await scaleOut(SMALL, 1);
  const emb = await embedded(SERIES);
  const one = await scaleOut(SERIES, 1);
  const two = await scaleOut(SERIES, 2);
  const perSeries = (r: Run) => ((r.cpu / SERIES) * 1000).toFixed(2);
  console.log("\n| run | training s | CPU s | CPU ms/series | load |\n|---|---|---|---|---|");
  for (const r of [emb, one, two])
    console.log(
      `| ${r.label} | ${r.seconds.toFixed(1)} | ${r.cpu.toFixed(0)} | ${perSeries(r)} | ${r.load} |`,
    );
  console.log(`\nspeed-up 2 workers / 1: ${(one.seconds / two.seconds).toFixed(2)}x`);
  console.log(`CPU per series, scale-out (1 worker) / embedded: ${(one.cpu / emb.cpu).toFixed(2)}`);
  console.log(
    `API RSS after training: ${SMALL} series ${small.apiRss?.toFixed(0)} MiB, ${SERIES} series ${one.apiRss?.toFixed(0)} MiB (2 workers: ${two.apiRss?.toFixed(0)} MiB)`,
  );
}

await main();
process.exit(0);
