import assert from "node:assert/strict";
import { test } from "node:test";
import type { PreparedSeries } from "../../src/forecasting/series-set.js";
import { packForecasts } from "../../src/jobs/forecast-transfer.js";
import { packSeries, sliceSeries, unpackSeries } from "../../src/jobs/series-transfer.js";
import { decodeTaskValue, encodeTaskValue } from "../../src/queue/task-codec.js";

const series = (i: number, n: number): PreparedSeries => ({
  key: [`item_${i}`],
  timestamps: Float64Array.from({ length: n }, (_, t) => t * 86_400_000),
  target: Float64Array.from({ length: n }, (_, t) => i * 100 + t),
  metadata: Float64Array.of(i),
  related: [Float64Array.from({ length: n }, (_, t) => -t)],
  holidays: [],
});

test("a chunk of packed series crosses as bytes holding only its own series, and unpacks to the same values", async () => {
  const all = Array.from({ length: 200 }, (_, i) => series(i, 100));
  const packed = await packSeries(all, { keyWidth: 1, related: 1, holidays: 0 });
  const chunk = sliceSeries(packed, 50, 60);
  const bytes = encodeTaskValue({ series: chunk, options: { members: ["ETS"] } });
  // 10 series × (100 + 100 + 1 + 100) floats ≈ 24 KB; the whole set would be 200 × that.
  assert.ok(bytes.length < 40_000, `the chunk's payload is ${bytes.length} bytes`);
  const back = decodeTaskValue<{ series: typeof chunk; options: { members: string[] } }>(bytes);
  assert.deepEqual(back.options, { members: ["ETS"] });
  const unpacked = unpackSeries(back.series);
  assert.equal(unpacked.length, 10);
  for (let i = 0; i < 10; i++) {
    const want = all[50 + i] as PreparedSeries;
    const got = unpacked[i] as PreparedSeries;
    assert.deepEqual(got.key, want.key);
    assert.deepEqual(Array.from(got.target), Array.from(want.target));
    assert.deepEqual(Array.from(got.timestamps), Array.from(want.timestamps));
    assert.deepEqual(Array.from(got.metadata), Array.from(want.metadata));
    assert.deepEqual(Array.from(got.related[0] as Float64Array), Array.from(want.related[0] as Float64Array));
  }
});

test("typed arrays on shared memory cross as copies of their own range", () => {
  const forecasts = packForecasts(
    [{ mean: Float64Array.of(1, 2), quantiles: [Float64Array.of(0.5, 1.5)] }],
    2,
    1,
  );
  const view = forecasts.values.subarray(2, 4);
  const back = decodeTaskValue<{ view: Float64Array; packed: typeof forecasts }>(
    encodeTaskValue({ view, packed: forecasts }),
  );
  assert.deepEqual(Array.from(back.view), [0.5, 1.5]);
  assert.deepEqual(Array.from(back.packed.values), [1, 2, 0.5, 1.5]);
  assert.equal(back.packed.count, 1);
});
