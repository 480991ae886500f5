import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

/**
 * A real PostgreSQL for the tests: ONE throwaway cluster per machine, started on first use and reused by every
 * test file and every later run (node --test runs files in separate processes, two at a time), and a fresh
 * database per call.
 *
 *   const url = await testDatabaseUrl();   // postgres://postgres@127.0.0.1:55432/of_test_…
 *
 * The cluster lives in <tmpdir>/openforecast-test-pg, listens on 127.0.0.1 only, on port 55432 (or
 * OPENFORECAST_TEST_PG_PORT), trusts local connections (no password) and runs with fsync off: test data only.
 * It uses the server binaries of Debian's postgresql package (scripts/test-setup.sh installs it), and belongs to
 * a non-root user: the server refuses to run as root, so as root it runs as the `postgres` user. Stop it with
 * `pg_ctl -D <tmpdir>/openforecast-test-pg/data stop` (as that user), or leave it for the next run.
 */
export async function testDatabaseUrl(): Promise<string> {
  await ensureCluster();
  const name = `of_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: clusterUrl("postgres") });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return clusterUrl(name);
}

const run = promisify(execFile);
const PORT = Number(process.env.OPENFORECAST_TEST_PG_PORT ?? 55432);
const ROOT = path.join(os.tmpdir(), "openforecast-test-pg");
const DATA = path.join(ROOT, "data");
const LOCK = path.join(os.tmpdir(), "openforecast-test-pg.lock");

const clusterUrl = (database: string) => `postgres://postgres@127.0.0.1:${PORT}/${database}`;

let ready: Promise<void> | undefined;

function ensureCluster(): Promise<void> {
  ready ??= startOnce().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

async function accepting(): Promise<boolean> {
  const client = new pg.Client({ connectionString: clusterUrl("postgres"), connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Starts the cluster unless it runs; mkdir is the lock, so one test process starts it and the others wait. */
async function startOnce(): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (await accepting()) return;
    if (takeLock()) {
      try {
        if (!(await accepting())) await startCluster();
        return;
      } finally {
        fs.rmSync(LOCK, { recursive: true, force: true });
      }
    }
    if (Date.now() > deadline) throw new Error(`the test PostgreSQL did not start (lock ${LOCK} held)`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function takeLock(): boolean {
  try {
    fs.mkdirSync(LOCK);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // A lock left by a process killed while starting the cluster: starting never takes a minute.
    const stat = fs.statSync(LOCK, { throwIfNoEntry: false });
    if (stat && Date.now() - stat.mtimeMs > 60_000) fs.rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

/** The newest installed server's bin directory. */
function serverBin(): string {
  const base = "/usr/lib/postgresql";
  const versions = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter((v) => fs.existsSync(path.join(base, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) {
    throw new Error(
      "PostgreSQL server binaries are missing: run scripts/test-setup.sh (Debian package postgresql)",
    );
  }
  return path.join(base, versions[0], "bin");
}

/** Runs a server binary as the cluster's owner: `postgres` when we are root (the server refuses root). */
async function asOwner(command: string, args: string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  await run(file, argv, { timeout: 60_000 });
}

async function startCluster(): Promise<void> {
  const bin = serverBin();
  const asRoot = process.getuid?.() === 0;
  if (!fs.existsSync(path.join(DATA, "PG_VERSION"))) {
    fs.rmSync(ROOT, { recursive: true, force: true });
    fs.mkdirSync(ROOT, { recursive: true, mode: 0o700 });
    if (asRoot) await run("chown", ["postgres:postgres", ROOT]);
    await asOwner(path.join(bin, "initdb"), [
      "-D",
      DATA,
      "-U",
      "postgres",
      "--auth=trust",
      "--encoding=UTF8",
      "--no-locale",
      "--no-sync",
    ]);
  }
  await asOwner(path.join(bin, "pg_ctl"), [
    "-D",
    DATA,
    "-l",
    path.join(ROOT, "server.log"),
    "-w",
    "-t",
    "60",
    "-o",
    `-p ${PORT} -k ${ROOT} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off ` +
      "-c full_page_writes=off -c max_connections=200",
    "start",
  ]);
}
