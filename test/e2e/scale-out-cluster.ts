import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { testDatabaseUrl } from "../setup/postgres.js";
import { ACCOUNTS, freePort } from "./harness.js";

const CLI = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../src/cli.js");

/** One process of the deployment: `node dist/src/cli.js <command>`, its pino log lines kept as objects. */
export interface ClusterProcess {
  name: string;
  process: ChildProcess;
  /** The Forecast endpoint of an API process. */
  endpoint?: string;
  logs: Record<string, unknown>[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * A scale-out deployment on one machine, every part a child process of the real CLI: one S3 endpoint
 * (`openforecast s3`), API processes (`serve --run-jobs false`) and worker processes, one PostgreSQL database
 * (test/setup/postgres.ts). Each process has a data dir of its own, so nothing passes through a shared disk. The
 * settings here are the ones docs/deploy-at-scale.md describes.
 */
export interface Cluster {
  databaseUrl: string;
  s3Endpoint: string;
  apis: ClusterProcess[];
  workers: ClusterProcess[];
  /** The environment every process gets (the deployment's settings). */
  env: Record<string, string>;
  startWorker(name?: string, extra?: string[]): Promise<ClusterProcess>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  apis?: number;
  workers?: number;
  /** Threads per worker process. */
  workerThreads?: number;
  taskParallelism?: number;
  taskLeaseSeconds?: number;
  jobLeaseSeconds?: number;
  logLevel?: string;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-cluster-"));
  const credentials = path.join(root, "accounts.json");
  await fs.writeFile(credentials, JSON.stringify({ accounts: ACCOUNTS }), { mode: 0o600 });
  const databaseUrl = await testDatabaseUrl();
  const s3Port = await freePort();
  const s3Endpoint = `http://127.0.0.1:${s3Port}`;
  const env: Record<string, string> = {
    OPENFORECAST_CREDENTIALS_FILE: credentials,
    OPENFORECAST_DATABASE_URL: databaseUrl,
    OPENFORECAST_S3_ENDPOINT: s3Endpoint,
    OPENFORECAST_TASK_PARALLELISM: String(options.taskParallelism ?? 4),
    OPENFORECAST_TASK_LEASE_SECONDS: String(options.taskLeaseSeconds ?? 90),
    OPENFORECAST_JOB_LEASE_SECONDS: String(options.jobLeaseSeconds ?? 10),
    OPENFORECAST_WORKER_THREADS: String(options.workerThreads ?? 1),
    OPENFORECAST_LOG_LEVEL: options.logLevel ?? "info",
  };
  const all: ClusterProcess[] = [];
  let counter = 0;

  const launch = async (name: string, args: string[], extraEnv: Record<string, string> = {}) => {
    const dataDir = path.join(root, name);
    await fs.mkdir(dataDir, { recursive: true });
    const child = spawn(process.execPath, [CLI, ...args, "--data-dir", dataDir], {
      env: { ...process.env, ...env, ...extraEnv },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const logs: Record<string, unknown>[] = [];
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      if (!line.startsWith("{")) return;
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a banner line
      }
    });
    const proc: ClusterProcess = {
      name,
      process: child,
      logs,
      kill(signal = "SIGKILL") {
        return new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill(signal);
        });
      },
    };
    all.push(proc);
    return proc;
  };
  const until = async (proc: ClusterProcess, ready: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (proc.process.exitCode !== null)
        throw new Error(`${what} exited with code ${proc.process.exitCode}`);
      if (await ready().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`${what} did not start within 90 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const s3 = await launch("s3", ["s3", "--s3-port", String(s3Port)]);
  await until(s3, async () => (await fetch(s3Endpoint)).status > 0, "the S3 endpoint");

  const startWorker = async (name = `worker-${++counter}`, extra: string[] = []) => {
    const worker = await launch(name, ["worker", ...extra]);
    await until(
      worker,
      async () => worker.logs.some((l) => l.msg === "OpenForecast worker is running"),
      name,
    );
    return worker;
  };
  const apis: ClusterProcess[] = [];
  for (let i = 0; i < (options.apis ?? 2); i++) {
    const port = await freePort();
    const api = await launch(`api-${i + 1}`, ["serve", "--port", String(port)], {
      OPENFORECAST_RUN_JOBS: "false",
    });
    api.endpoint = `http://127.0.0.1:${port}`;
    await until(api, async () => (await fetch(`${api.endpoint}/health`)).ok, api.name);
    apis.push(api);
  }
  const workers: ClusterProcess[] = [];
  for (let i = 0; i < (options.workers ?? 3); i++) workers.push(await startWorker());
  return {
    databaseUrl,
    s3Endpoint,
    apis,
    workers,
    env,
    startWorker,
    async close() {
      await Promise.all(all.map((p) => p.kill("SIGKILL")));
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}
