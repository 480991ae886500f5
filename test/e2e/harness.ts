import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  type AttributeType,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateForecastCommand,
  type DatasetType,
  DescribeDatasetImportJobCommand,
  type DescribeDatasetImportJobCommandOutput,
  DescribeForecastCommand,
  type Domain,
  ForecastClient,
  UpdateDatasetGroupCommand,
} from "@aws-sdk/client-forecast";
import { ForecastqueryClient } from "@aws-sdk/client-forecastquery";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { type Logger, pino } from "pino";
import { type RunningService, startService } from "../../src/app.js";
import { resolveConfig } from "../../src/config/config.js";
import { testDatabaseUrl } from "../setup/postgres.js";

/** Two accounts, so that tests can check isolation. */
export const ACCOUNTS = [
  {
    accountId: "111122223333",
    accessKeyId: "AKIATESTACCOUNTONE01",
    secretAccessKey: "secret-one-0123456789abcdefghijklmnopqrs",
  },
  {
    accountId: "444455556666",
    accessKeyId: "AKIATESTACCOUNTTWO02",
    secretAccessKey: "secret-two-0123456789abcdefghijklmnopqrs",
  },
] as const;

export const REGION = "us-west-2";

export interface Harness {
  service: RunningService;
  dataDir: string;
  forecast(account?: number, region?: string): ForecastClient;
  s3(account?: number): S3Client;
  roleArn(account?: number): string;
  close(): Promise<void>;
}

async function writeCredentials(dir: string): Promise<string> {
  const file = path.join(dir, "accounts.json");
  await fs.writeFile(file, JSON.stringify({ accounts: ACCOUNTS }), { mode: 0o600 });
  return file;
}

export function forecastClient(endpoint: string, account = 0, region = REGION): ForecastClient {
  const a = ACCOUNTS[account] as (typeof ACCOUNTS)[number];
  return new ForecastClient({
    endpoint,
    region,
    credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey },
    maxAttempts: 1,
  });
}

export function forecastqueryClient(endpoint: string, account = 0, region = REGION): ForecastqueryClient {
  const a = ACCOUNTS[account] as (typeof ACCOUNTS)[number];
  return new ForecastqueryClient({
    endpoint,
    region,
    credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey },
    maxAttempts: 1,
  });
}

export function s3Client(endpoint: string, account = 0): S3Client {
  const a = ACCOUNTS[account] as (typeof ACCOUNTS)[number];
  return new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey },
  });
}

/**
 * Where the service under test keeps its state: SQLite in the data dir by default; with the environment variable
 * OPENFORECAST_TEST_STORE=postgres, a fresh database of the test PostgreSQL (test/setup/postgres.ts), the same for
 * every start on one data dir (so a restart finds its state), with a short job lease so that a restarted process
 * takes over the jobs of a killed one within seconds.
 */
export async function testStoreEnv(dataDir: string): Promise<Record<string, string>> {
  if (process.env.OPENFORECAST_TEST_STORE !== "postgres") return {};
  let url = databaseOfDataDir.get(dataDir);
  if (!url) {
    url = await testDatabaseUrl();
    databaseOfDataDir.set(dataDir, url);
  }
  // One process that both serves and runs jobs (--run-jobs true): the scale-out deployment with separate
  // workers has a test of its own (scale-out.test.ts).
  return {
    OPENFORECAST_DATABASE_URL: url,
    OPENFORECAST_JOB_LEASE_SECONDS: "5",
    OPENFORECAST_RUN_JOBS: "true",
  };
}

const databaseOfDataDir = new Map<string, string>();

/** Starts the whole service in this process on free ports with a fresh data dir; `log` silent unless given. */
export async function startHarness(
  extraEnv: Record<string, string> = {},
  log: Logger = pino({ level: "silent" }),
): Promise<Harness> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-e2e-"));
  const env = {
    OPENFORECAST_CREDENTIALS_FILE: await writeCredentials(dataDir),
    ...(await testStoreEnv(dataDir)),
    ...extraEnv,
  };
  const config = resolveConfig(["--port", "0", "--s3-port", "0", "--data-dir", dataDir], env);
  const service = await startService(config, env, log);
  const clients: ForecastClient[] = [];
  const s3s: S3Client[] = [];
  return {
    service,
    dataDir,
    forecast(account = 0, region = REGION) {
      const c = forecastClient(service.forecastEndpoint, account, region);
      clients.push(c);
      return c;
    },
    s3(account = 0) {
      const c = s3Client(service.s3Endpoint, account);
      s3s.push(c);
      return c;
    },
    roleArn(account = 0) {
      return `arn:aws:iam::${(ACCOUNTS[account] as (typeof ACCOUNTS)[number]).accountId}:role/ForecastAccess`;
    },
    async close() {
      for (const c of clients) c.destroy();
      for (const c of s3s) c.destroy();
      await service.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A service in a child process (for kill -9 tests): `node dist/src/cli.js serve`. */
export interface ChildService {
  process: ChildProcess;
  forecastEndpoint: string;
  s3Endpoint: string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const CLI = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../src/cli.js");

export async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/**
 * `cli` runs another build of the service (e.g. a baseline in a benchmark); default this one. `env` adds to or
 * overrides the child's environment (e.g. OPENFORECAST_METRICS=off).
 */
export async function startChild(
  dataDir: string,
  cli = CLI,
  env: Record<string, string> = {},
): Promise<ChildService> {
  const credentials = await writeCredentials(dataDir);
  const port = await freePort();
  const s3Port = await freePort();
  const child = spawn(
    process.execPath,
    [cli, "serve", "--port", String(port), "--s3-port", String(s3Port), "--data-dir", dataDir],
    {
      env: {
        ...process.env,
        ...(await testStoreEnv(dataDir)),
        OPENFORECAST_CREDENTIALS_FILE: credentials,
        OPENFORECAST_LOG_LEVEL: "warn",
        ...env,
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const forecastEndpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${forecastEndpoint}/health`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error("the service did not start within 20 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    process: child,
    forecastEndpoint,
    s3Endpoint: `http://127.0.0.1:${s3Port}`,
    kill(signal = "SIGKILL") {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      });
    },
  };
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = "condition",
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Polls `describe` until the resource has ended its creation (ACTIVE, CREATE_FAILED or CREATE_STOPPED) and
 * returns that description.
 */
export async function settled<T extends { Status?: string }>(
  describe: () => Promise<T>,
  what: string,
  timeoutMs = 240_000,
): Promise<T> {
  return eventually(
    async () => {
      const d = await describe();
      return ["ACTIVE", "CREATE_FAILED", "CREATE_STOPPED"].includes(d.Status as string) ? d : undefined;
    },
    timeoutMs,
    what,
  );
}

/** As settled, but throws unless the resource ended ACTIVE. */
export async function untilActive<T extends { Status?: string; Message?: string }>(
  describe: () => Promise<T>,
  what: string,
  timeoutMs = 240_000,
): Promise<T> {
  const d = await settled(describe, what, timeoutMs);
  if (d.Status !== "ACTIVE") throw new Error(`${what}: ${d.Status} ${d.Message ?? ""}`);
  return d;
}

/** Asserts that the call is refused with the exception `name` (and, when given, a message matching `message`). */
export async function refused(call: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
  await assert.rejects(call, (e: Error) => {
    assert.equal(e.name, name, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/**
 * Asserts that every call is refused with `name`: the blocks of error cases that only differ by operation (an ARN
 * that names nothing, another account's resource). The calls run together; each is checked.
 */
export async function allRefused(name: string, calls: readonly Promise<unknown>[]): Promise<void> {
  await Promise.all(calls.map((call) => refused(call, name)));
}

/** Polls `describe` until it answers ResourceNotFoundException; any other error fails at once. */
export async function untilGone(
  describe: () => Promise<unknown>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  await eventually(
    async () => {
      try {
        await describe();
        return undefined;
      } catch (e) {
        if ((e as Error).name === "ResourceNotFoundException") return true;
        throw e;
      }
    },
    timeoutMs,
    what,
  );
}

/** Creates a forecast of the predictor and waits until it is ACTIVE; returns its ARN. */
export async function activeForecast(
  fc: ForecastClient,
  name: string,
  predictorArn: string,
): Promise<string> {
  const { ForecastArn } = await fc.send(
    new CreateForecastCommand({ ForecastName: name, PredictorArn: predictorArn }),
  );
  await untilActive(() => fc.send(new DescribeForecastCommand({ ForecastArn })), `forecast ${name}`);
  return ForecastArn as string;
}

/** Waits for an import job to end (ACTIVE, CREATE_FAILED or CREATE_STOPPED) and returns its description. */
export async function waitForImport(
  fc: ForecastClient,
  arn: string,
): Promise<DescribeDatasetImportJobCommandOutput> {
  return settled(
    () => fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn: arn })),
    `import ${arn}`,
    120_000,
  );
}

/**
 * Creates a dataset of item_id, `dimensions`, timestamp and `fields` ("name:type", e.g. "demand:float"): daily (DataFrequency
 * "D") and RETAIL unless `frequency` and `domain` say otherwise; returns its ARN.
 */
export async function createDailyDataset(
  fc: ForecastClient,
  options: {
    name: string;
    type: DatasetType;
    fields: readonly string[];
    frequency?: string;
    domain?: Domain;
    /** String attributes after item_id (forecast dimensions such as store_id). */
    dimensions?: readonly string[];
  },
): Promise<string> {
  const { DatasetArn } = await fc.send(
    new CreateDatasetCommand({
      DatasetName: options.name,
      Domain: options.domain ?? "RETAIL",
      DatasetType: options.type,
      DataFrequency: options.frequency ?? "D",
      Schema: {
        Attributes: [
          { AttributeName: "item_id", AttributeType: "string" },
          ...(options.dimensions ?? []).map((name) => ({
            AttributeName: name,
            AttributeType: "string" as const,
          })),
          { AttributeName: "timestamp", AttributeType: "timestamp" },
          ...options.fields.map((field) => {
            const [name, type] = field.split(":") as [string, AttributeType];
            return { AttributeName: name, AttributeType: type };
          }),
        ],
      },
    }),
  );
  return DatasetArn as string;
}

/**
 * Creates a dataset as createDailyDataset does, imports the S3 `path` into it and waits; returns the dataset's
 * ARN, or throws if the import does not become ACTIVE.
 */
export async function importDailyDataset(
  fc: ForecastClient,
  options: Parameters<typeof createDailyDataset>[1] & {
    path: string;
    roleArn: string;
  },
): Promise<string> {
  const DatasetArn = await createDailyDataset(fc, options);
  const job = await fc.send(
    new CreateDatasetImportJobCommand({
      DatasetImportJobName: `${options.name}_import`,
      DatasetArn,
      DataSource: { S3Config: { Path: options.path, RoleArn: options.roleArn } },
    }),
  );
  const imported = await waitForImport(fc, job.DatasetImportJobArn as string);
  if (imported.Status !== "ACTIVE") throw new Error(`import of ${options.path} failed: ${imported.Message}`);
  return DatasetArn;
}

/**
 * Uploads `csv` (item_id, timestamp, demand) to a new bucket, imports it into a daily RETAIL target dataset and
 * puts that into a new dataset group; resolves with the group's ARN once the import is ACTIVE.
 */
export async function importDemandGroup(
  fc: ForecastClient,
  s3: S3Client,
  options: { group: string; dataset: string; bucket: string; key: string; csv: string; roleArn: string },
): Promise<string> {
  await s3.send(new CreateBucketCommand({ Bucket: options.bucket }));
  await s3.send(new PutObjectCommand({ Bucket: options.bucket, Key: options.key, Body: options.csv }));
  const groupArn = (
    await fc.send(new CreateDatasetGroupCommand({ DatasetGroupName: options.group, Domain: "RETAIL" }))
  ).DatasetGroupArn as string;
  const datasetArn = await importDailyDataset(fc, {
    name: options.dataset,
    type: "TARGET_TIME_SERIES",
    fields: ["demand:float"],
    path: `s3://${options.bucket}/${options.key}`,
    roleArn: options.roleArn,
  });
  await fc.send(new UpdateDatasetGroupCommand({ DatasetGroupArn: groupArn, DatasetArns: [datasetArn] }));
  return groupArn;
}
