/**
 * The AutoPredictor's backtest spill in the scale-out deployment (every part a real process: one S3 endpoint, an
 * API process, a worker process, PostgreSQL; scale-out-cluster.ts). The chunks run on the worker, whose disk the
 * training job cannot count on, so their component forecasts go to the internal bucket under the training run's
 * scratch prefix, one key per chunk, and come back by key:
 * - while the predictor trains, its chunks' keys are in the bucket, and the worker's log shows each chunk task
 *   storing its object (the spill branch ran, not the one-pass fallback that returned the forecasts);
 * - once the predictor is ACTIVE, once it is stopped, and once it has failed, none of its scratch keys is left.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CreateAutoPredictorCommand,
  DescribeAutoPredictorCommand,
  type ForecastClient,
  StopResourceCommand,
} from "@aws-sdk/client-forecast";
import { DeleteObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { DEFAULT_BLOB_BUCKET } from "../../src/config/config.js";
import { jobScratchRoot } from "../../src/storage/blob-store.js";
import {
  ACCOUNTS,
  eventually,
  forecastClient,
  importDemandGroup,
  REGION,
  s3Client,
  settled,
  untilActive,
} from "./harness.js";
import { type Cluster, startCluster } from "./scale-out-cluster.js";
import { weeklyDemandCsv } from "./weekly-demand.js";

const ROLE = "arn:aws:iam::111122223333:role/ForecastRole";
const SERIES = 240;
const DAYS = 200;
const LONG = 600_000;

let cluster: Cluster;
let fc: ForecastClient;
let s3: S3Client;
let groupArn: string;

before(async () => {
  // One worker with one thread: its queued chunks wait for it, which the failure test relies on.
  cluster = await startCluster({
    apis: 1,
    workers: 1,
    workerThreads: 1,
    taskParallelism: 2,
    taskLeaseSeconds: 90,
    jobLeaseSeconds: 6,
  });
  fc = forecastClient(cluster.apis[0]?.endpoint as string);
  s3 = s3Client(cluster.s3Endpoint);
  groupArn = await importDemandGroup(fc, s3, {
    group: "spill",
    dataset: "spill_demand",
    bucket: "spill-input",
    key: "demand.csv",
    csv: weeklyDemandCsv({ series: SERIES, days: DAYS, seed: 3, base: 15, spread: 13, amplitude: 5 }),
    roleArn: ROLE,
  });
});

after(async () => {
  s3?.destroy();
  fc?.destroy();
  await cluster?.close();
});

const scratchOf = (name: string) =>
  jobScratchRoot({ accountId: ACCOUNTS[0].accountId, region: REGION }, "predictor", name);

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: DEFAULT_BLOB_BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key as string);
}

async function startPredictor(name: string): Promise<string> {
  const created = await fc.send(
    new CreateAutoPredictorCommand({
      PredictorName: name,
      ForecastHorizon: 7,
      ForecastFrequency: "D",
      DataConfig: { DatasetGroupArn: groupArn },
    }),
  );
  return created.PredictorArn as string;
}

/** The spilled chunks' keys of a training, once there are some (polled while it trains). */
const spilledChunks = (name: string) =>
  eventually(
    async () => {
      const keys = await keysUnder(scratchOf(name));
      return keys.length > 0 ? keys : undefined;
    },
    LONG,
    `spilled chunks of ${name} in the internal bucket`,
    100,
  );

/** Waits until the training's scratch keys are all gone, then checks that none comes back (a late write). */
async function scratchGone(name: string): Promise<void> {
  await eventually(
    async () => ((await keysUnder(scratchOf(name))).length === 0 ? true : undefined),
    30_000,
    `the scratch keys of ${name} to be deleted`,
    200,
  );
  await new Promise((r) => setTimeout(r, 3_000));
  assert.deepEqual(await keysUnder(scratchOf(name)), [], "no scratch key was written after the job ended");
}

const chunkTasksOf = (arn: string) =>
  (cluster.workers[0]?.logs ?? []).filter(
    (l) => l.msg === "task finished" && l.task === "backtestChunk" && l.jobArn === arn,
  );

test("an AutoPredictor trained on a worker spills its chunks by key, and leaves none after it is ACTIVE", {
  timeout: LONG,
}, async () => {
  const name = "spill_active";
  const arn = await startPredictor(name);
  const seen = await spilledChunks(name);
  assert.ok(
    seen.every((k) =>
      /^resources\/111122223333\/us-west-2\/predictor\/spill_active\/scratch\/[^/]+\/backtest-parts\/chunk-\d+\.bin$/.test(
        k,
      ),
    ),
    `keys under the run's scratch prefix: ${seen.join(", ")}`,
  );
  await untilActive(() => fc.send(new DescribeAutoPredictorCommand({ PredictorArn: arn })), name, LONG);
  // Every chunk task of the training stored its object on the worker: the spill branch ran, on every chunk.
  const chunks = chunkTasksOf(arn);
  assert.ok(chunks.length >= 2, `${chunks.length} chunk tasks`);
  assert.deepEqual(
    chunks.map((l) => l.objects),
    chunks.map(() => 1),
  );
  await scratchGone(name);
  // The predictor's own objects stay.
  const own = await keysUnder(`resources/111122223333/us-west-2/predictor/${name}/`);
  assert.ok(own.some((k) => k.endsWith("/model.json")));
});

test("a training stopped while its chunks are spilled leaves none of them", { timeout: LONG }, async () => {
  const name = "spill_stopped";
  const arn = await startPredictor(name);
  await spilledChunks(name);
  await fc.send(new StopResourceCommand({ ResourceArn: arn }));
  const stopped = await settled(
    () => fc.send(new DescribeAutoPredictorCommand({ PredictorArn: arn })),
    name,
    120_000,
  );
  assert.equal(stopped.Status, "CREATE_STOPPED");
  await scratchGone(name);
});

test("a training that fails after chunks were spilled leaves none of them", { timeout: LONG }, async () => {
  const name = "spill_failed";
  const arn = await startPredictor(name);
  await spilledChunks(name);
  // The inputs of the chunk tasks waiting for the worker are lost from the store: the next one it takes fails,
  // and with it the training.
  const inputs = (await keysUnder("tasks/")).filter((k) => k.endsWith("/input"));
  for (const Key of inputs) await s3.send(new DeleteObjectCommand({ Bucket: DEFAULT_BLOB_BUCKET, Key }));
  const failed = await settled(
    () => fc.send(new DescribeAutoPredictorCommand({ PredictorArn: arn })),
    name,
    LONG,
  );
  assert.equal(failed.Status, "CREATE_FAILED", failed.Message);
  await scratchGone(name);
});
