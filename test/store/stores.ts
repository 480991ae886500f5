import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ResourceRecord } from "../../src/store/resource-store.js";
import { openStateStore, type StateStore } from "../../src/store/state-store.js";
import { testDatabaseUrl } from "../setup/postgres.js";

/** Both implementations of the state store, opened fresh, for tests that must hold on each. */
export const ENGINES = ["sqlite", "postgres"] as const;

export async function openTestStore(
  engine: (typeof ENGINES)[number],
): Promise<{ store: StateStore; close(): Promise<void> }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "of-store-"));
  const store = await openStateStore({
    dataDir,
    databaseUrl: engine === "postgres" ? await testDatabaseUrl() : undefined,
  });
  return {
    store,
    async close() {
      await store.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

let clock = Date.now();

/** A record of a made-up kind in one account and region. */
export function record(name: string, fields: Partial<ResourceRecord> = {}): ResourceRecord {
  const now = ++clock;
  return {
    arn: `arn:aws:forecast:us-west-2:111122223333:${fields.kind ?? "thing"}/${name}`,
    accountId: "111122223333",
    region: "us-west-2",
    kind: "thing",
    name,
    parentArn: null,
    status: "ACTIVE",
    message: null,
    createdAt: now,
    modifiedAt: now,
    attrs: {},
    ...fields,
  };
}
