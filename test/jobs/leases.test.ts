import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import { JobRunner } from "../../src/jobs/job-runner.js";
import { STATUS } from "../../src/jobs/statuses.js";
import { openStateStore, type StateStore } from "../../src/store/state-store.js";
import { testDatabaseUrl } from "../setup/postgres.js";
import { record } from "../store/stores.js";

const log = pino({ level: "silent" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Two job runners on one PostgreSQL database, each with its own connection pool as two processes would have.
 * Runner A stalls (its heartbeat never comes within the test, as in a long pause or a dead host); runner B must
 * leave A's job alone while the lease holds, take it over once it expires, and A's late result must be refused.
 */
describe("leases between two runners on one PostgreSQL", () => {
  const LEASE_MS = 1_500;
  let dataDir: string;
  let stateA: StateStore;
  let stateB: StateStore;

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "of-leases-"));
    const databaseUrl = await testDatabaseUrl();
    stateA = await openStateStore({ dataDir, databaseUrl });
    stateB = await openStateStore({ dataDir, databaseUrl });
  });
  after(async () => {
    await stateA.close();
    await stateB.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  test("a job is taken over only after its lease expires, and the stalled runner's late result is refused", async () => {
    const runnerA = new JobRunner(stateA.resources, 1, log, {
      leaseMs: LEASE_MS,
      heartbeatMs: 600_000,
      sweepMs: 600_000,
    });
    const runnerB = new JobRunner(stateB.resources, 1, log, {
      leaseMs: LEASE_MS,
      heartbeatMs: 300,
      sweepMs: 100,
    });
    let releaseA: (() => void) | undefined;
    let startedA: (() => void) | undefined;
    const aStarted = new Promise<void>((r) => {
      startedA = r;
    });
    let cleanupsA = 0;
    let runsB = 0;
    runnerA.register("job", {
      run: async () => {
        startedA?.();
        await new Promise<void>((r) => {
          releaseA = r;
        });
        return { By: "A" };
      },
      cleanup: async () => {
        cleanupsA++;
      },
    });
    runnerB.register("job", {
      run: async () => {
        runsB++;
        return { By: "B" };
      },
    });
    const job = record("leased", { kind: "job", status: STATUS.CREATE_PENDING });
    await stateA.resources.insert({ record: job });
    try {
      await runnerA.start();
      await aStarted;
      const claimedAt = Date.now();
      assert.equal((await stateA.resources.lease(job.arn))?.owner, runnerA.owner);
      await runnerB.start();

      // While the lease holds, B's sweeps leave the job to A.
      await sleep(LEASE_MS / 2);
      assert.equal(runsB, 0);
      assert.equal(runnerB.recovered, 0);
      assert.equal((await stateB.resources.get(job.arn))?.status, STATUS.CREATE_IN_PROGRESS);

      // After it expires, B takes the job back to waiting, claims it under its own lease and finishes it.
      await waitFor(
        "B to finish the job",
        async () => (await stateB.resources.get(job.arn))?.status === STATUS.ACTIVE,
      );
      assert.ok(Date.now() - claimedAt >= LEASE_MS, "not taken over before the lease expired");
      assert.equal(runnerB.recovered, 1, "the takeover branch ran");
      assert.equal(runsB, 1);
      assert.equal((await stateB.resources.lease(job.arn))?.owner, runnerB.owner);
      assert.equal((await stateB.resources.get(job.arn))?.attrs.By, "B");

      // A wakes up and finishes: its result, its stop handling and its cleanup are all refused.
      releaseA?.();
      await runnerA.settled(job.arn);
      const after = await stateA.resources.get(job.arn);
      assert.equal(after?.status, STATUS.ACTIVE);
      assert.equal(after?.attrs.By, "B");
      assert.equal(cleanupsA, 0, "A did not remove the output of the runner that took over");
    } finally {
      await runnerA.close();
      await runnerB.close();
    }
  });

  test("StopResource through one process stops a job running on another, at that runner's next heartbeat", async () => {
    const api = new JobRunner(stateA.resources, 1, log, { leaseMs: 60_000, sweepMs: 600_000 });
    const worker = new JobRunner(stateB.resources, 1, log, {
      leaseMs: 60_000,
      heartbeatMs: 200,
      sweepMs: 100,
    });
    let cleanups = 0;
    let running: (() => void) | undefined;
    const started = new Promise<void>((r) => {
      running = r;
    });
    worker.register("stoppable", {
      run: (ctx) =>
        new Promise((_, reject) => {
          running?.();
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
        }),
      cleanup: async () => {
        cleanups++;
      },
    });
    const job = record("stopped", { kind: "stoppable", status: STATUS.CREATE_PENDING });
    await stateB.resources.insert({ record: job });
    try {
      await worker.start();
      await started;
      await api.stop(job.arn);
      assert.equal((await stateA.resources.get(job.arn))?.status, STATUS.CREATE_STOPPING);
      await waitFor(
        "the worker to stop the job",
        async () => (await stateA.resources.get(job.arn))?.status === STATUS.CREATE_STOPPED,
        5_000,
      );
      assert.equal(cleanups, 1);
    } finally {
      await api.close();
      await worker.close();
    }
  });
});
