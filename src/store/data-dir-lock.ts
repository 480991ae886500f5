import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/** Thrown when another process already serves the data dir. */
export class DataDirInUse extends Error {}

/**
 * Holds an exclusive lock on the data dir for as long as this process serves it, so that exactly one job runner
 * works on an embedded (SQLite) data dir. The lock is SQLite's own: an EXCLUSIVE transaction kept open on a small
 * lock database. The operating system drops it when the process ends, even by kill -9, so a restart after a crash
 * never meets a stale lock, and it holds between containers sharing the directory, where process ids mean nothing.
 */
export function lockDataDir(dataDir: string): { release(): void } {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "serve.lock");
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma("journal_mode = MEMORY");
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === "SQLITE_BUSY") {
      throw new DataDirInUse(
        `Another OpenForecast process is already serving the data dir ${dataDir}. One data dir has exactly one ` +
          "serving process: stop the other one, or give this one its own --data-dir (or share state through " +
          "PostgreSQL with --database-url).",
      );
    }
    throw error;
  }
  return {
    release() {
      if (!db.open) return;
      db.exec("ROLLBACK");
      db.close();
    },
  };
}
