/**
 * Task objects through the task queue, on real parts (pg-boss on the test PostgreSQL, the embedded S3 endpoint, a
 * real thread pool): a training chunk with its spill in object storage leaves its component forecasts under its
 * key, stored by the worker's executor before the result, and the result that reaches the caller carries neither
 * the forecasts nor the bytes; a key an earlier attempt wrote is not written again.
 */
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { after, before, test } from "node:test";
import { pino } from "pino";
import { LEARNED_MEMBERS } from "../../src/forecasting/auto/members.js";
import { chunkKey, restoreBacktests, type SpillInfo } from "../../src/jobs/backtest-spill.js";
import { packSeries, sliceSeries } from "../../src/jobs/series-transfer.js";
import type { ThreadPool } from "../../src/jobs/worker-pool.js";
import type { QueuedTaskPool } from "../../src/queue/queued-task-pool.js";
import type { TaskPayloads } from "../../src/queue/task-payloads.js";
import type { ObjectStore } from "../../src/storage/object-store.js";
import { type QueueFixture, startQueueFixture, testSeries } from "./queue-fixture.js";

const KEY = {
  accessKeyId: "AKIATASKOBJECTSTEST1",
  secretAccessKey: "task-objects-test-secret-0123456789abcd",
};
const BUCKET = "task-objects-test";

let fixture: QueueFixture;
let dir: string;
let objects: ObjectStore;
let threads: ThreadPool;
let payloads: TaskPayloads;
let pool: QueuedTaskPool;
const logs: Record<string, unknown>[] = [];

before(async () => {
  const sink = new Writable({
    write(line, _encoding, done) {
      logs.push(JSON.parse(String(line)) as Record<string, unknown>);
      done();
    },
  });
  const log = pino({ level: "info" }, sink);
  fixture = await startQueueFixture({ key: KEY, bucket: BUCKET, label: "task-objects", log });
  ({ dir, objects, threads, payloads, pool } = fixture);
});

after(async () => {
  await fixture?.close();
});

async function chunkInput(prefix: string) {
  const packed = await packSeries(
    Array.from({ length: 8 }, (_, i) => testSeries(i, 70, 7)),
    { keyWidth: 1, related: 0, holidays: 0 },
  );
  return {
    grid: { horizon: 7, period: 7 },
    series: sliceSeries(packed, 2, 6),
    options: {
      quantiles: [0.1, 0.5, 0.9],
      metric: "WAPE" as const,
      backtestWindows: 2,
      nonNegative: true,
      learnedMembers: [...LEARNED_MEMBERS],
    },
    external: {},
    spill: { prefix, chunk: 4 },
  };
}

async function objectBytes(key: string): Promise<Buffer> {
  const file = path.join(dir, `read-${Math.random()}`);
  await objects.downloadToFile(BUCKET, key, file);
  try {
    return await fs.readFile(file);
  } finally {
    await fs.rm(file, { force: true });
  }
}

test("a chunk's spill goes to object storage by key from the worker; the caller gets the sums alone", {
  timeout: 300_000,
}, async () => {
  const prefix = "resources/1/r/predictor/p/scratch/run-a/backtest-parts/";
  const input = await chunkInput(prefix);
  const queued = await pool.run("backtestChunk", input);
  // What the thread computes, with the bytes it hands its process to store.
  const local = await threads.run("backtestChunk", input);
  const key = chunkKey(prefix, 4);
  assert.deepEqual(Object.keys(local.objects ?? {}), [key]);

  assert.equal(queued.objects, undefined, "the bytes did not come back with the result");
  assert.ok(queued.spill, "the result says how to read the chunk back");
  assert.ok(queued.backtests.length > 0);
  assert.ok(queued.backtests.every((b) => b.parts === undefined && b.others === undefined));
  const stored = await objectBytes(key);
  assert.deepEqual(new Uint8Array(stored), local.objects?.[key]);
  // Read back onto the records, the chunk gives every component's forecast.
  restoreBacktests(queued.backtests, stored, queued.spill as SpillInfo);
  assert.equal(queued.backtests[0]?.parts?.length, queued.spill?.components);

  const finished = logs.filter((l) => l.msg === "task finished" && l.task === "backtestChunk");
  assert.equal(finished.at(-1)?.objects, 1, "the executor stored the task's object");
});

test("a key an earlier attempt already wrote is not written again", { timeout: 300_000 }, async () => {
  const prefix = "resources/1/r/predictor/p/scratch/run-b/backtest-parts/";
  const key = chunkKey(prefix, 4);
  // As if an earlier attempt had stored the chunk and died before its result: the same bytes in real life, marked
  // bytes here so that a second write would show.
  const mark = Buffer.from("written by the earlier attempt");
  await payloads.put(key, mark);
  const queued = await pool.run("backtestChunk", await chunkInput(prefix));
  assert.ok(queued.spill);
  assert.deepEqual(await objectBytes(key), mark);
  const finished = logs.filter((l) => l.msg === "task finished" && l.task === "backtestChunk");
  assert.equal(finished.at(-1)?.objects, 0);
});
