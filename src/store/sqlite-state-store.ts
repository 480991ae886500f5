import { lockDataDir } from "./data-dir-lock.js";
import { openDatabase } from "./database.js";
import { SqliteIamRoleStore } from "./sqlite-iam-role-store.js";
import { SqliteResourceStore } from "./sqlite-resource-store.js";
import type { StateStore } from "./state-store.js";

/**
 * The embedded state store: one SQLite file. With `lockDir`, the directory is locked for this process first (see
 * data-dir-lock.ts), which makes this process the single job runner.
 */
export function openSqliteStore(file: string, options: { lockDir?: string } = {}): StateStore {
  const lock = options.lockDir ? lockDataDir(options.lockDir) : undefined;
  try {
    const db = openDatabase(file);
    return {
      engine: "sqlite",
      resources: new SqliteResourceStore(db),
      iamRoles: new SqliteIamRoleStore(db),
      singleRunner: lock !== undefined,
      async close() {
        db.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
