import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  empiricalQuantile,
  ResidualQuantiles,
  residualLevels,
  seriesScale,
} from "../../bench/accuracy/residual-intervals.js";

describe("residual (conformal) intervals", () => {
  test("empirical quantile interpolates between order statistics (R's type 7)", () => {
    // 1..5: position τ·4; τ = 0.1 → 1.4, 0.5 → 3, 0.9 → 4.6.
    assert.ok(Math.abs(empiricalQuantile([5, 1, 3, 2, 4], 0.1) - 1.4) < 1e-12);
    assert.equal(empiricalQuantile([5, 1, 3, 2, 4], 0.5), 3);
    assert.ok(Math.abs(empiricalQuantile([5, 1, 3, 2, 4], 0.9) - 4.6) < 1e-12);
    assert.ok(Number.isNaN(empiricalQuantile([], 0.5)));
  });

  test("scale: mean absolute value of the last h points, 1 when they are all 0", () => {
    assert.equal(seriesScale([100, 2, -4], 2), 3);
    assert.equal(seriesScale([5, 0, 0], 2), 1);
  });

  test("errors are scaled per series and the levels put back at each series' own scale", () => {
    // Two windows of one step: series of scale 10 misses by +10 (scaled +1), series of scale 100 by −300 (−3).
    const r = new ResidualQuantiles(2);
    r.add([110, 0], [100, 0], 10);
    r.add([700], [1000], 100);
    const q = r.quantiles([0.1, 0.9]);
    // Step 0: errors {−3, 1}: τ = 0.1 → −3 + 0.1·4 = −2.6, τ = 0.9 → −3 + 0.9·4 = 0.6. Step 1: {0}.
    assert.ok(Math.abs((q[0]?.[0] as number) + 2.6) < 1e-12);
    assert.ok(Math.abs((q[1]?.[0] as number) - 0.6) < 1e-12);
    assert.deepEqual([q[0]?.[1], q[1]?.[1]], [0, 0]);
    // A forecast of centre 50 at scale 5: p10 50 − 13, p90 50 + 3 at step 0; the centre itself at step 1.
    const [p10, p90] = residualLevels([50, 50], 5, q) as [Float64Array, Float64Array];
    assert.ok(Math.abs((p10[0] as number) - 37) < 1e-9);
    assert.ok(Math.abs((p90[0] as number) - 53) < 1e-9);
    assert.equal(p10[1], 50);
  });
});
