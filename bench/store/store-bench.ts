import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { openStateStore, type StateStore } from "../../src/store/state-store.js";
import { testDatabaseUrl } from "../../test/setup/postgres.js";

/**
 * The state store alone, SQLite against PostgreSQL side by side in one run: the calls behind Describe (get) and
 * List (a page of 100 newest first) with 1,000 resources stored, sequential and with 32 calls in flight. Uses
 * the test PostgreSQL (test/setup/postgres.ts). `npm run bench:store`.
 */
const RESOURCES = 1_000;
const CALLS = 2_000;
const scope = { accountId: "111122223333", region: "us-west-2" };

async function fill(store: StateStore): Promise<string[]> {
  const arns: string[] = [];
  for (let i = 0; i < RESOURCES; i++) {
    const arn = `arn:aws:forecast:us-west-2:111122223333:dataset-group/g${i}`;
    arns.push(arn);
    await store.resources.insert({
      record: {
        arn,
        ...scope,
        kind: "dataset-group",
        name: `g${i}`,
        parentArn: null,
        status: "ACTIVE",
        message: null,
        createdAt: 1_700_000_000_000 + i,
        modifiedAt: 1_700_000_000_000 + i,
        attrs: { Domain: "RETAIL", DatasetArns: [] },
      },
    });
  }
  return arns;
}

async function timed(
  calls: number,
  inFlight: number,
  call: (i: number) => Promise<unknown>,
): Promise<number> {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < calls) await call(next++);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e6 / calls;
}

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "of-store-bench-"));
const engines: [string, StateStore][] = [
  ["sqlite", await openStateStore({ dataDir })],
  ["postgres", await openStateStore({ dataDir, databaseUrl: await testDatabaseUrl() })],
];
const results: Record<string, Record<string, number>> = {};
for (const [name, store] of engines) {
  const arns = await fill(store);
  const get = (i: number) => store.resources.get(arns[i % arns.length] as string);
  const list = () => store.resources.list({ kind: "dataset-group", scope, conditions: [], limit: 100 });
  results[name] = {
    "get ms (1 in flight)": await timed(CALLS, 1, get),
    "get ms (32 in flight)": await timed(CALLS, 32, get),
    "list 100 ms (1 in flight)": await timed(CALLS / 10, 1, list),
    "list 100 ms (32 in flight)": await timed(CALLS / 10, 32, list),
  };
  await store.close();
}
await fs.rm(dataDir, { recursive: true, force: true });
console.table(results);
