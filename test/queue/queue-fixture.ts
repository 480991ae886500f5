/**
 * The task queue on real parts, for the queue tests: the embedded S3 endpoint holding the task payloads in a
 * bucket of its own, pg-boss 10 on a fresh database of the test PostgreSQL (test/setup/postgres.ts), one real
 * thread behind a started TaskExecutor, and a QueuedTaskPool that enqueues onto it.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Logger } from "pino";
import type { PreparedSeries } from "../../src/forecasting/series-set.js";
import { ThreadPool } from "../../src/jobs/worker-pool.js";
import type { PgBoss } from "../../src/queue/pg-boss.js";
import { QueuedTaskPool } from "../../src/queue/queued-task-pool.js";
import { TaskExecutor } from "../../src/queue/task-executor.js";
import { TaskPayloads } from "../../src/queue/task-payloads.js";
import { openTaskQueue } from "../../src/queue/task-queue.js";
import { type EmbeddedS3, startEmbeddedS3 } from "../../src/storage/embedded-s3.js";
import { ObjectStore } from "../../src/storage/object-store.js";
import { testDatabaseUrl } from "../setup/postgres.js";

export interface QueueFixture {
  /** The fixture's temporary folder (the endpoint's files, the payloads' scratch); removed by close(). */
  dir: string;
  s3: EmbeddedS3;
  objects: ObjectStore;
  boss: PgBoss;
  threads: ThreadPool;
  payloads: TaskPayloads;
  executor: TaskExecutor;
  pool: QueuedTaskPool;
  close(): Promise<void>;
}

export async function startQueueFixture(options: {
  key: { accessKeyId: string; secretAccessKey: string };
  bucket: string;
  /** Names the temporary folder, so that a leftover one says which test made it. */
  label: string;
  /** The executor's and the pool's log. */
  log: Logger;
}): Promise<QueueFixture> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `openforecast-${options.label}-`));
  const s3 = await startEmbeddedS3({
    host: "127.0.0.1",
    port: 0,
    directory: path.join(dir, "s3"),
    keys: [options.key],
  });
  const objects = new ObjectStore({
    endpoint: s3.endpoint,
    region: "us-east-1",
    credentials: options.key,
    forcePathStyle: true,
  });
  await objects.createBucket(options.bucket);
  const payloads = new TaskPayloads(objects, options.bucket, path.join(dir, "scratch"));
  const boss = await openTaskQueue({ databaseUrl: await testDatabaseUrl(), taskLeaseSeconds: 60 });
  const threads = new ThreadPool(1);
  const executor = new TaskExecutor(boss, payloads, threads, 1, options.log);
  executor.start();
  const pool = new QueuedTaskPool(boss, payloads, 2, options.log);
  return {
    dir,
    s3,
    objects,
    boss,
    threads,
    payloads,
    executor,
    pool,
    async close() {
      await executor.close();
      await threads.close();
      await boss.stop({ graceful: false, wait: true });
      objects.close();
      await s3.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Daily series i: n history points with a weekly wave and a 5-step pattern, timestamps over the horizon too. */
export const testSeries = (i: number, n: number, horizon: number): PreparedSeries => ({
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
