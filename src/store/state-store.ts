import path from "node:path";
import type { IamRoleStore } from "./iam-role-store.js";
import type { ResourceStore } from "./resource-store.js";

/** The state store as the service composes it: resources and IAM roles on one engine. */
export interface StateStore {
  engine: "sqlite" | "postgres";
  resources: ResourceStore;
  iamRoles: IamRoleStore;
  /**
   * True when this process is the only job runner on the state (embedded SQLite: the data dir is locked), so at
   * start it may take back every interrupted job at once instead of waiting for leases to expire.
   */
  singleRunner: boolean;
  close(): Promise<void>;
}

/**
 * Opens the state store: PostgreSQL when a database URL is given, else SQLite in the data dir (locked for this
 * process). Both bring their schema up to date.
 */
export async function openStateStore(options: {
  dataDir: string;
  databaseUrl?: string;
}): Promise<StateStore> {
  if (options.databaseUrl) {
    const { openPostgresStore } = await import("./postgres-state-store.js");
    return openPostgresStore(options.databaseUrl);
  }
  const { openSqliteStore } = await import("./sqlite-state-store.js");
  return openSqliteStore(path.join(options.dataDir, "state.sqlite"), { lockDir: options.dataDir });
}
