import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { AutoPredictorResult } from "../../src/forecasting/auto/auto-predictor.js";
import type { SeriesForecast } from "../../src/forecasting/model.js";
import {
  chunkKey,
  openSpill,
  releaseBacktests,
  restoreBacktests,
  type SpillInfo,
  spillBacktests,
} from "../../src/jobs/backtest-spill.js";
import { takeTaskObjects } from "../../src/jobs/task-objects.js";
import { BlobStore, jobScratchPrefix, jobScratchRoot } from "../../src/storage/blob-store.js";
import { type EmbeddedS3, startEmbeddedS3 } from "../../src/storage/embedded-s3.js";
import { internalKey } from "../../src/storage/internal-bucket.js";
import { ObjectStore } from "../../src/storage/object-store.js";

const f = (base: number): SeriesForecast => ({
  mean: Float64Array.from([base, base + 1]),
  quantiles: [Float64Array.from([base - 1, base]), Float64Array.from([base + 2, base + 3])],
});

const sample = (): AutoPredictorResult => ({
  choices: ["", ""],
  components: ["ets-mseason", "theta", "global"],
  statisticalComponents: 2,
  memberWindows: {},
  backtests: [
    { window: 0, series: 0, offset: 5, actual: Float64Array.from([1, 2]), parts: [f(10), f(20)] },
    {
      window: 1,
      series: 1,
      offset: 3,
      actual: Float64Array.from([3, 4]),
      parts: [undefined, f(40)],
      scores: { npts: 1 },
      others: { npts: f(50) },
    },
  ],
});

test("a chunk's component forecasts go to the spill and come back as they were", async () => {
  const root = mkdtempSync(path.join(tmpdir(), "spill-"));
  try {
    const dir = path.join(root, "backtest-parts");
    const spill = openSpill({ dir });
    const result = sample();
    const { info, bytes } = spillBacktests(result, 3, ["npts"], 2, 2);
    await spill.write(info.chunk, bytes);
    assert.equal(info.chunk, 3);
    assert.deepEqual(readdirSync(dir), ["chunk-3.bin"]);
    assert.deepEqual(info.members, ["ets-mseason", "theta", "npts"]);
    // What the worker returns carries no forecasts, only the records' places, actuals and scores.
    assert.equal(result.backtests[0]?.parts, undefined);
    assert.equal(result.backtests[1]?.others, undefined);
    assert.deepEqual(result.backtests[1]?.scores, { npts: 1 });

    // The coordinator opens the same spill from the location alone, as it does with a worker's.
    restoreBacktests(result.backtests, await openSpill({ dir }).read(3), info);
    const [a, b] = result.backtests;
    assert.deepEqual(Array.from(a?.parts?.[1]?.mean ?? []), [20, 21]);
    assert.deepEqual(Array.from(a?.parts?.[0]?.quantiles[1] ?? []), [12, 13]);
    // A member that had no forecast comes back as NaN, which the combination leaves out.
    assert.ok(b?.parts?.[0]?.mean.every(Number.isNaN));
    assert.deepEqual(Array.from(b?.others?.npts?.quantiles[0] ?? []), [49, 50]);
    // Records without switch candidates in the chunk still get theirs (NaN when absent).
    assert.ok(a?.others?.npts?.mean.every(Number.isNaN));
    releaseBacktests(result.backtests);
    assert.equal(result.backtests[0]?.parts, undefined);

    await spill.dispose();
    assert.equal(existsSync(dir), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the layout does not depend on where the chunks are kept", async () => {
  const result = sample();
  const { info, bytes } = spillBacktests(result, 0, ["npts"], 2, 2);
  // 2 records x 3 members x (mean + 2 quantiles) x 2 steps, 8 bytes each.
  assert.equal(bytes.byteLength, 2 * 3 * 3 * 2 * 8);
  // Bytes that come back at an odd offset of a larger buffer (a pooled Buffer) read the same.
  const pooled = new Uint8Array(bytes.byteLength + 3);
  pooled.set(bytes, 3);
  restoreBacktests(result.backtests, pooled.subarray(3), info);
  assert.deepEqual(Array.from(result.backtests[1]?.parts?.[1]?.mean ?? []), [40, 41]);
  // A chunk that does not match its records is refused, naming the chunk and no file.
  assert.throws(
    () => restoreBacktests(result.backtests.slice(0, 1), bytes, info),
    /^RangeError: Backtest chunk 0:/,
  );
});

describe("the spill in object storage (the internal bucket on the embedded endpoint)", () => {
  let root: string;
  let s3: EmbeddedS3;
  let objects: ObjectStore;
  let blobs: BlobStore;
  const own = internalKey();

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), "spill-objects-"));
    s3 = await startEmbeddedS3({ host: "127.0.0.1", port: 0, directory: path.join(root, "s3"), keys: [own] });
    objects = new ObjectStore({
      endpoint: s3.endpoint,
      region: "us-east-1",
      credentials: own,
      forcePathStyle: true,
    });
    blobs = new BlobStore({ objects, bucket: "openforecast-internal", scratchRoot: path.join(root, "tmp") });
    await blobs.start();
  });
  after(async () => {
    objects?.close();
    await s3?.close();
    rmSync(root, { recursive: true, force: true });
  });

  test("a worker's chunk leaves as a task object under its key; the coordinator reads it back; dispose deletes them", async () => {
    const scope = { accountId: "111122223333", region: "us-west-2" };
    const prefix = `${jobScratchPrefix(scope, "predictor", "p", "run-1")}backtest-parts/`;
    assert.equal(prefix, "resources/111122223333/us-west-2/predictor/p/scratch/run-1/backtest-parts/");
    const expected = sample();
    const one = await backtestChunkOf(sample(), 0);
    const two = await backtestChunkOf(sample(), 1);
    // The embedded process stores a thread's task objects as the scale-out executor does: before the result
    // returns, and out of it.
    const stored: string[] = [];
    for (const r of [one, two])
      for (const [key, bytes] of takeTaskObjects(r)) {
        await blobs.putBytes(key, bytes);
        stored.push(key);
      }
    assert.deepEqual(stored, [chunkKey(prefix, 0), chunkKey(prefix, 1)]);
    assert.equal((one as { objects?: unknown }).objects, undefined);
    assert.deepEqual(
      (await blobs.list(prefix)).map((o) => o.key),
      [chunkKey(prefix, 0), chunkKey(prefix, 1)],
    );

    const spill = openSpill({ prefix }, blobs);
    restoreBacktests(one.backtests, await spill.read(0), one.spill as SpillInfo);
    assert.deepEqual(one.backtests[0]?.parts, expected.backtests[0]?.parts);
    assert.deepEqual(one.backtests[1]?.others?.npts, expected.backtests[1]?.others?.npts);
    // Nothing of the spill goes through the fetch cache (each chunk is read once).
    assert.equal(blobs.cacheSize, 0);
    await spill.dispose();
    assert.deepEqual(await blobs.list(jobScratchRoot(scope, "predictor", "p")), []);

    async function backtestChunkOf(result: AutoPredictorResult, chunk: number) {
      const { info, bytes } = spillBacktests(result, chunk, ["npts"], 2, 2);
      return { ...result, spill: info, objects: { [chunkKey(prefix, chunk)]: bytes } };
    }
  });
});
