import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import type { AutoPredictorResult } from "../../src/forecasting/auto/auto-predictor.js";
import type { SeriesForecast } from "../../src/forecasting/model.js";
import {
  type ChunkSpill,
  openSpill,
  releaseBacktests,
  restoreBacktests,
  spillBacktests,
} from "../../src/jobs/backtest-spill.js";

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
    const info = await spillBacktests(result, spill, 3, ["npts"], 2, 2);
    assert.equal(info.chunk, 3);
    assert.deepEqual(readdirSync(dir), ["chunk-3.bin"]);
    assert.deepEqual(info.members, ["ets-mseason", "theta", "npts"]);
    // What the worker returns carries no forecasts, only the records' places, actuals and scores.
    assert.equal(result.backtests[0]?.parts, undefined);
    assert.equal(result.backtests[1]?.others, undefined);
    assert.deepEqual(result.backtests[1]?.scores, { npts: 1 });

    // The coordinator opens the same spill from the location alone, as it does with a worker's.
    await restoreBacktests(result.backtests, openSpill({ dir }), info);
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
  // Any write-chunk/read-chunk store will do (a bucket by key, later): here one in memory.
  const kept = new Map<number, Uint8Array>();
  const memory: ChunkSpill = {
    async write(chunk, bytes) {
      kept.set(chunk, Uint8Array.from(bytes));
    },
    async read(chunk) {
      const bytes = kept.get(chunk);
      if (!bytes) throw new Error(`no chunk ${chunk}`);
      return bytes;
    },
    async dispose() {
      kept.clear();
    },
  };
  const result = sample();
  const info = await spillBacktests(result, memory, 0, ["npts"], 2, 2);
  // 2 records x 3 members x (mean + 2 quantiles) x 2 steps, 8 bytes each.
  assert.equal(kept.get(0)?.byteLength, 2 * 3 * 3 * 2 * 8);
  await restoreBacktests(result.backtests, memory, info);
  assert.deepEqual(Array.from(result.backtests[1]?.parts?.[1]?.mean ?? []), [40, 41]);
  // A chunk that does not match its records is refused, naming the chunk and no file.
  await assert.rejects(
    restoreBacktests(result.backtests.slice(0, 1), memory, info),
    /^RangeError: Backtest chunk 0:/,
  );
});
