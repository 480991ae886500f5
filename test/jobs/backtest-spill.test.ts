import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import type { AutoPredictorResult } from "../../src/forecasting/auto/auto-predictor.js";
import type { SeriesForecast } from "../../src/forecasting/model.js";
import { releaseBacktests, restoreBacktests, spillBacktests } from "../../src/jobs/backtest-spill.js";

const f = (base: number): SeriesForecast => ({
  mean: Float64Array.from([base, base + 1]),
  quantiles: [Float64Array.from([base - 1, base]), Float64Array.from([base + 2, base + 3])],
});

test("a chunk's component forecasts go to a file and come back as they were", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "spill-"));
  try {
    const result: AutoPredictorResult = {
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
    };
    const file = path.join(dir, "chunk-0.bin");
    const spill = spillBacktests(result, file, ["npts"], 2, 2);
    assert.ok(existsSync(file));
    assert.deepEqual(spill.members, ["ets-mseason", "theta", "npts"]);
    // What the worker returns carries no forecasts, only the records' places, actuals and scores.
    assert.equal(result.backtests[0]?.parts, undefined);
    assert.equal(result.backtests[1]?.others, undefined);
    assert.deepEqual(result.backtests[1]?.scores, { npts: 1 });

    await restoreBacktests(result.backtests, spill);
    const [a, b] = result.backtests;
    assert.deepEqual(Array.from(a?.parts?.[1]?.mean ?? []), [20, 21]);
    assert.deepEqual(Array.from(a?.parts?.[0]?.quantiles[1] ?? []), [12, 13]);
    // A member that had no forecast comes back as NaN, which the combination leaves out.
    assert.ok(b?.parts?.[0]?.mean.every(Number.isNaN));
    assert.deepEqual(Array.from(b?.others?.npts?.quantiles[0] ?? []), [49, 50]);
    // Records without switch candidates in the file still get theirs (NaN when absent).
    assert.ok(a?.others?.npts?.mean.every(Number.isNaN));
    releaseBacktests(result.backtests);
    assert.equal(result.backtests[0]?.parts, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
