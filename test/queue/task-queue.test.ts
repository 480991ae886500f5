/**
 * The task queue on real parts: pg-boss 10 on the test PostgreSQL (test/setup/postgres.ts), task payloads on the
 * embedded S3 endpoint, tasks computed on a real thread pool. A task through the queue gives what the threads
 * give; a task that throws fails once (not retried); a task whose result an earlier attempt already wrote is
 * completed without running again (each result written once).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { pino } from "pino";
import type { PreparedSeries } from "../../src/forecasting/series-set.js";
import { packSeries, sliceSeries } from "../../src/jobs/series-transfer.js";
import { ThreadPool } from "../../src/jobs/worker-pool.js";
import type { PgBoss } from "../../src/queue/pg-boss.js";
import { QueuedTaskPool } from "../../src/queue/queued-task-pool.js";
import { encodeTaskValue } from "../../src/queue/task-codec.js";
import { TaskExecutor } from "../../src/queue/task-executor.js";
import { TaskPayloads } from "../../src/queue/task-payloads.js";
import { openTaskQueue, TASK_QUEUE } from "../../src/queue/task-queue.js";
import { type EmbeddedS3, startEmbeddedS3 } from "../../src/storage/embedded-s3.js";
import { ObjectStore } from "../../src/storage/object-store.js";
import { testDatabaseUrl } from "../setup/postgres.js";

const KEY = {
  accessKeyId: "AKIATASKQUEUETEST001",
  secretAccessKey: "task-queue-test-secret-0123456789abcdef",
};
const log = pino({ level: "silent" });

let dir: string;
let s3: EmbeddedS3;
let objects: ObjectStore;
let boss: PgBoss;
let threads: ThreadPool;
let payloads: TaskPayloads;
let executor: TaskExecutor;
let pool: QueuedTaskPool;

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-queue-test-"));
  s3 = await startEmbeddedS3({ host: "127.0.0.1", port: 0, directory: path.join(dir, "s3"), keys: [KEY] });
  objects = new ObjectStore({
    endpoint: s3.endpoint,
    region: "us-east-1",
    credentials: KEY,
    forcePathStyle: true,
  });
  await objects.createBucket("queue-test");
  payloads = new TaskPayloads(objects, "queue-test", path.join(dir, "scratch"));
  boss = await openTaskQueue({ databaseUrl: await testDatabaseUrl(), taskLeaseSeconds: 60 });
  threads = new ThreadPool(1);
  executor = new TaskExecutor(boss, payloads, threads, 1, log);
  executor.start();
  pool = new QueuedTaskPool(boss, payloads, 2, log);
});

after(async () => {
  await executor?.close();
  await threads?.close();
  await boss?.stop({ graceful: false, wait: true });
  objects?.close();
  await s3?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const series = (i: number, n: number, horizon: number): PreparedSeries => ({
  key: [`item_${i}`],
  timestamps: Float64Array.from({ length: n + horizon }, (_, t) => t * 86_400_000),
  target: Float64Array.from(
    { length: n },
    (_, t) => 10 + i + 3 * Math.sin((2 * Math.PI * t) / 7) + ((t * 7) % 5),
  ),
  metadata: new Float64Array(0),
  related: [],
  holidays: [],
});

test("a backtest chunk through the queue gives exactly what the thread pool gives", {
  timeout: 300_000,
}, async () => {
  const packed = await packSeries(
    Array.from({ length: 12 }, (_, i) => series(i, 70, 7)),
    { keyWidth: 1, related: 0, holidays: 0 },
  );
  const input = {
    grid: { horizon: 7, period: 7 },
    series: sliceSeries(packed, 4, 10),
    options: { quantiles: [0.1, 0.5, 0.9], metric: "WAPE" as const, backtestWindows: 1, nonNegative: true },
    external: {},
  };
  const queued = await pool.run("backtestChunk", input);
  const local = await threads.run("backtestChunk", input);
  assert.equal(queued.choices.length, 6);
  assert.deepEqual(queued, local);
});

test("a task that throws fails its caller once, with its message, and is not retried", {
  timeout: 120_000,
}, async () => {
  await assert.rejects(
    pool.run("noSuchTask" as "fitGlobal", {} as never),
    (error: Error) => error.message.length > 0,
  );
});

test("an attempt that finds the result already written completes without running the task", {
  timeout: 120_000,
}, async () => {
  const taskId = randomUUID();
  // As if an earlier attempt had written the result and died before telling the queue.
  await payloads.put(payloads.resultKey(taskId), encodeTaskValue({ answer: 42 }));
  // A task name no worker can run: had the attempt computed, it would have failed.
  const jobId = (await boss.send(TASK_QUEUE, { taskId, name: "noSuchTask" })) as string;
  const job = await (async () => {
    for (let i = 0; i < 600; i++) {
      const j = await boss.getJobById(TASK_QUEUE, jobId, { includeArchive: true });
      if (j && j.state !== "created" && j.state !== "active") return j;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the task did not end");
  })();
  assert.equal(job.state, "completed");
  assert.equal((job.output as { error?: unknown } | null)?.error, undefined);
  await payloads.deleteTask(taskId);
});
