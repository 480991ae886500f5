/**
 * The task queue on real parts: pg-boss 10 on the test PostgreSQL (test/setup/postgres.ts), task payloads on the
 * embedded S3 endpoint, tasks computed on a real thread pool. A task through the queue gives what the threads
 * give; a task that throws fails once (not retried); a task whose result an earlier attempt already wrote is
 * completed without running again (each result written once).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { pino } from "pino";
import { packSeries, sliceSeries } from "../../src/jobs/series-transfer.js";
import type { ThreadPool } from "../../src/jobs/worker-pool.js";
import type { PgBoss } from "../../src/queue/pg-boss.js";
import type { QueuedTaskPool } from "../../src/queue/queued-task-pool.js";
import { encodeTaskValue } from "../../src/queue/task-codec.js";
import type { TaskPayloads } from "../../src/queue/task-payloads.js";
import { TASK_QUEUE } from "../../src/queue/task-queue.js";
import { type QueueFixture, startQueueFixture, testSeries } from "./queue-fixture.js";

const KEY = {
  accessKeyId: "AKIATASKQUEUETEST001",
  secretAccessKey: "task-queue-test-secret-0123456789abcdef",
};
const log = pino({ level: "silent" });

let fixture: QueueFixture;
let threads: ThreadPool;
let payloads: TaskPayloads;
let boss: PgBoss;
let pool: QueuedTaskPool;

before(async () => {
  fixture = await startQueueFixture({ key: KEY, bucket: "queue-test", label: "queue-test", log });
  ({ threads, payloads, boss, pool } = fixture);
});

after(async () => {
  await fixture?.close();
});

test("a backtest chunk through the queue gives exactly what the thread pool gives", {
  timeout: 300_000,
}, async () => {
  const packed = await packSeries(
    Array.from({ length: 12 }, (_, i) => testSeries(i, 70, 7)),
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
