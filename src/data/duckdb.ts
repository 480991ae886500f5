import os from "node:os";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

/** Resource bounds of the process-wide DuckDB instance. */
export interface DuckDBSettings {
  /** Worker threads DuckDB may use for one query. */
  threads: number;
  /** Memory DuckDB may hold before spilling to tempDirectory, in DuckDB's notation ("1GB"). */
  memoryLimit: string;
  /** Where DuckDB spills; only used when a query outgrows memoryLimit. */
  tempDirectory: string;
}

let settings: DuckDBSettings = {
  threads: Math.max(1, Math.min(2, os.availableParallelism())),
  memoryLimit: "1GB",
  tempDirectory: path.join(os.tmpdir(), `openforecast-duckdb-${process.pid}`),
};

let instance: Promise<DuckDBInstance> | undefined;

/** Changes the bounds; only before the first query, since DuckDB fixes them when the instance starts. */
export function configureDuckDB(changes: Partial<DuckDBSettings>): void {
  if (instance) throw new Error("DuckDB is already running; configure it before the first query");
  settings = { ...settings, ...changes };
}

async function start(): Promise<DuckDBInstance> {
  const db = await DuckDBInstance.create(":memory:", {
    threads: String(settings.threads),
    memory_limit: settings.memoryLimit,
    temp_directory: settings.tempDirectory,
    // Rows come out in file order; finding "the first bad row" depends on it.
    preserve_insertion_order: "true",
  });
  const connection = await db.connect();
  try {
    // Timestamps are stored without zone; any conversion DuckDB makes on its own must not depend on the host.
    await connection.run("SET GLOBAL TimeZone = 'UTC'");
  } finally {
    connection.closeSync();
  }
  return db;
}

/** The one DuckDB instance of this process, started on first use. */
export function duckDB(): Promise<DuckDBInstance> {
  instance ??= start();
  return instance;
}

/**
 * Runs `work` on a fresh connection (its temp tables are private to it) and closes it afterwards. When
 * `signal` aborts, the running statement is interrupted and the promise rejects with the signal's reason.
 */
export async function withConnection<T>(
  signal: AbortSignal | undefined,
  work: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  signal?.throwIfAborted();
  const connection = await (await duckDB()).connect();
  const interrupt = (): void => connection.interrupt();
  signal?.addEventListener("abort", interrupt, { once: true });
  try {
    return await work(connection);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  } finally {
    signal?.removeEventListener("abort", interrupt);
    connection.closeSync();
  }
}

/** Stops DuckDB (for orderly shutdown and tests); a later query starts it again. */
export async function closeDuckDB(): Promise<void> {
  const running = instance;
  instance = undefined;
  if (running) (await running).closeSync();
}
