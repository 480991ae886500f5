import os from "node:os";
import path from "node:path";

/** Everything `serve` needs to know, resolved from flags first, then the environment, then defaults. */
export interface ServiceConfig {
  host: string;
  port: number;
  dataDir: string;
  /**
   * PostgreSQL URL (postgres://user:pass@host:port/db) of a shared state store; when absent the state is an
   * SQLite file in the data dir, served by this one process.
   */
  databaseUrl?: string;
  /** External S3 endpoint; when absent the embedded S3-compatible endpoint is started. */
  s3Endpoint?: string;
  s3Host: string;
  s3Port: number;
  /** Region the service uses to talk to S3 (the embedded endpoint ignores it). */
  s3Region: string;
  /** How many jobs (imports, trainings, exports) run at once in this process. */
  jobConcurrency: number;
  /**
   * How long a job's claim holds without a heartbeat: when processes share a PostgreSQL state store, a job whose
   * process died is taken over by another this long after its last heartbeat.
   */
  jobLeaseSeconds: number;
  /** Explainability exports that may run at once per account before LimitExceededException. */
  maxConcurrentExplainabilityExports: number;
  logLevel: string;
  /**
   * Whether `serve` also runs jobs. Embedded (no database URL): always. Scale-out: not by default, API processes
   * only accept requests and `openforecast worker` processes run the jobs; `--run-jobs true` makes one process do
   * both on its own threads (a small deployment on PostgreSQL without separate workers).
   */
  runJobs: boolean;
  /** Threads a worker process computes tasks on (default: its cores). */
  workerThreads: number;
  /**
   * Scale-out: how many parallel tasks a job's work is cut for (a training's chunks). A setting rather than the
   * count of workers alive, so a job's results never depend on which workers were up.
   */
  taskParallelism: number;
  /** Scale-out: how long a worker holds a task before pg-boss gives it to another worker (its lease). */
  taskLeaseSeconds: number;
  /** The bucket holding the service's own bulk data (default DEFAULT_BLOB_BUCKET); created at start if missing. */
  blobBucket?: string;
  /** Prometheus metrics at GET /metrics, and the per-request counting behind them. */
  metrics: boolean;
}

/** The internal bucket's default name (no user account can read it on the embedded endpoint). */
export const DEFAULT_BLOB_BUCKET = "openforecast-internal";

export const DEFAULTS = {
  host: "127.0.0.1",
  port: 8686,
  s3Port: 8687,
  dataDir: "./.openforecast",
  s3Region: "us-east-1",
  jobConcurrency: 2,
  jobLeaseSeconds: 60,
  maxConcurrentExplainabilityExports: 5,
  logLevel: "info",
  taskParallelism: 8,
  taskLeaseSeconds: 600,
} as const;

/** Flags and the environment variable each falls back to; `--help` prints this table. */
export const OPTIONS = [
  {
    flag: "--host",
    env: "OPENFORECAST_HOST",
    help: `address of the Forecast API (default ${DEFAULTS.host})`,
  },
  { flag: "--port", env: "OPENFORECAST_PORT", help: `port of the Forecast API (default ${DEFAULTS.port})` },
  { flag: "--data-dir", env: "OPENFORECAST_DATA_DIR", help: `state and data (default ${DEFAULTS.dataDir})` },
  {
    flag: "--database-url",
    env: "OPENFORECAST_DATABASE_URL",
    help: "keep resources and job state in this PostgreSQL (13+) database, postgres://… (default: SQLite in the data dir)",
  },
  {
    flag: "--s3-endpoint",
    env: "OPENFORECAST_S3_ENDPOINT",
    help: "use this external S3 endpoint instead of the embedded one",
  },
  {
    flag: "--s3-port",
    env: "OPENFORECAST_S3_PORT",
    help: `port of the embedded S3 (default ${DEFAULTS.s3Port})`,
  },
  {
    flag: "--s3-region",
    env: "OPENFORECAST_S3_REGION",
    help: `region used for S3 calls (default us-east-1)`,
  },
  {
    flag: "--blob-bucket",
    env: "OPENFORECAST_BLOB_BUCKET",
    help: `bucket for the service's own data: datasets, models, forecasts (default ${DEFAULT_BLOB_BUCKET})`,
  },
  {
    flag: "--job-concurrency",
    env: "OPENFORECAST_JOB_CONCURRENCY",
    help: `jobs run at once (default ${DEFAULTS.jobConcurrency})`,
  },
  {
    flag: "--job-lease-seconds",
    env: "OPENFORECAST_JOB_LEASE_SECONDS",
    help: `with --database-url: a dead process's jobs are taken over after this (default ${DEFAULTS.jobLeaseSeconds})`,
  },
  {
    flag: "--max-concurrent-explainability-exports",
    env: "OPENFORECAST_MAX_CONCURRENT_EXPLAINABILITY_EXPORTS",
    help: `explainability exports in progress per account (default ${DEFAULTS.maxConcurrentExplainabilityExports})`,
  },
  {
    flag: "--run-jobs",
    env: "OPENFORECAST_RUN_JOBS",
    help: "serve: run jobs in this process too, true|false (default true, false with --database-url)",
  },
  {
    flag: "--worker-threads",
    env: "OPENFORECAST_WORKER_THREADS",
    help: "worker: threads that compute tasks (default: the cores)",
  },
  {
    flag: "--task-parallelism",
    env: "OPENFORECAST_TASK_PARALLELISM",
    help: `scale-out: parallel tasks a job is cut into (default ${DEFAULTS.taskParallelism})`,
  },
  {
    flag: "--task-lease-seconds",
    env: "OPENFORECAST_TASK_LEASE_SECONDS",
    help: `scale-out: a dead worker's task goes to another after this (default ${DEFAULTS.taskLeaseSeconds})`,
  },
  {
    flag: "--log-level",
    env: "OPENFORECAST_LOG_LEVEL",
    help: "pino level: fatal..trace, silent (default info)",
  },
  {
    flag: "--metrics",
    env: "OPENFORECAST_METRICS",
    help: "on|off: Prometheus metrics at GET /metrics (default on)",
  },
] as const;

export class ConfigError extends Error {}

function parsePort(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ConfigError(`${what} must be a port number, not "${value}"`);
  return n;
}

function parseBoolean(value: string, what: string): boolean {
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new ConfigError(`${what} must be true or false, not "${value}"`);
}

function parsePositive(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new ConfigError(`${what} must be a whole number >= 1, not "${value}"`);
  return n;
}

/** A PostgreSQL URL, refused early (before anything starts) when it is not one. */
function checkDatabaseUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      "--database-url must be a URL of the form postgres://user:password@host:5432/database",
    );
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new ConfigError(
      `--database-url must be a postgres:// (or postgresql://) URL, not ${url.protocol}//…; leave it unset for SQLite`,
    );
  }
  return value;
}

function parseSwitch(value: string, what: string): boolean {
  if (value === "on" || value === "true") return true;
  if (value === "off" || value === "false") return false;
  throw new ConfigError(`${what} must be on or off, not "${value}"`);
}

/** Reads `--flag value` / `--flag=value` pairs; unknown flags are an error so typos do not pass silently. */
export function parseFlags(argv: readonly string[]): Map<string, string> {
  const known = new Set<string>(OPTIONS.map((o) => o.flag));
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf("=");
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    if (!known.has(flag)) throw new ConfigError(`unknown option ${flag}; see --help`);
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    flags.set(flag, value);
  }
  return flags;
}

export function resolveConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ServiceConfig {
  const flags = parseFlags(argv);
  const pick = (flag: string, envName: string): string | undefined => {
    const v = flags.get(flag) ?? env[envName];
    return v === undefined || v === "" ? undefined : v;
  };
  const host = pick("--host", "OPENFORECAST_HOST") ?? DEFAULTS.host;
  const portText = pick("--port", "OPENFORECAST_PORT");
  const s3PortText = pick("--s3-port", "OPENFORECAST_S3_PORT");
  const concurrencyText = pick("--job-concurrency", "OPENFORECAST_JOB_CONCURRENCY");
  const leaseText = pick("--job-lease-seconds", "OPENFORECAST_JOB_LEASE_SECONDS");
  const exportsText = pick(
    "--max-concurrent-explainability-exports",
    "OPENFORECAST_MAX_CONCURRENT_EXPLAINABILITY_EXPORTS",
  );
  const databaseUrl = checkDatabaseUrl(pick("--database-url", "OPENFORECAST_DATABASE_URL"));
  const runJobsText = pick("--run-jobs", "OPENFORECAST_RUN_JOBS");
  const threadsText = pick("--worker-threads", "OPENFORECAST_WORKER_THREADS");
  const parallelismText = pick("--task-parallelism", "OPENFORECAST_TASK_PARALLELISM");
  const taskLeaseText = pick("--task-lease-seconds", "OPENFORECAST_TASK_LEASE_SECONDS");
  const runJobs =
    runJobsText === undefined ? databaseUrl === undefined : parseBoolean(runJobsText, "--run-jobs");
  if (!runJobs && databaseUrl === undefined) {
    throw new ConfigError(
      "--run-jobs false needs --database-url: without a shared database no other process can run the jobs",
    );
  }
  return {
    runJobs,
    workerThreads:
      threadsText === undefined
        ? Math.max(1, os.availableParallelism())
        : parsePositive(threadsText, "--worker-threads"),
    taskParallelism:
      parallelismText === undefined
        ? DEFAULTS.taskParallelism
        : parsePositive(parallelismText, "--task-parallelism"),
    taskLeaseSeconds:
      taskLeaseText === undefined
        ? DEFAULTS.taskLeaseSeconds
        : parsePositive(taskLeaseText, "--task-lease-seconds"),
    host,
    port: portText === undefined ? DEFAULTS.port : parsePort(portText, "--port"),
    dataDir: path.resolve(pick("--data-dir", "OPENFORECAST_DATA_DIR") ?? DEFAULTS.dataDir),
    databaseUrl,
    s3Endpoint: pick("--s3-endpoint", "OPENFORECAST_S3_ENDPOINT"),
    s3Host: host,
    s3Port: s3PortText === undefined ? DEFAULTS.s3Port : parsePort(s3PortText, "--s3-port"),
    s3Region: pick("--s3-region", "OPENFORECAST_S3_REGION") ?? DEFAULTS.s3Region,
    jobConcurrency:
      concurrencyText === undefined
        ? DEFAULTS.jobConcurrency
        : parsePositive(concurrencyText, "--job-concurrency"),
    jobLeaseSeconds:
      leaseText === undefined ? DEFAULTS.jobLeaseSeconds : parsePositive(leaseText, "--job-lease-seconds"),
    maxConcurrentExplainabilityExports:
      exportsText === undefined
        ? DEFAULTS.maxConcurrentExplainabilityExports
        : parsePositive(exportsText, "--max-concurrent-explainability-exports"),
    logLevel: pick("--log-level", "OPENFORECAST_LOG_LEVEL") ?? DEFAULTS.logLevel,
    blobBucket: pick("--blob-bucket", "OPENFORECAST_BLOB_BUCKET"),
    metrics: parseSwitch(pick("--metrics", "OPENFORECAST_METRICS") ?? "on", "--metrics"),
  };
}
