import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { onSharedMemory } from "../../src/data/shared-floats.js";
import type { PreparedSeries, SeriesSet } from "../../src/forecasting/series-set.js";
import {
  concatForecastsAt,
  forecastAt,
  packForecasts,
  sliceForecasts,
} from "../../src/jobs/forecast-transfer.js";
import { packSeriesSet, sliceSeries, unpackSeries, unpackSeriesSet } from "../../src/jobs/series-transfer.js";
import {
  backtestChunk,
  backtestGlobal,
  explainWithGlobal,
  fitGlobal,
  forecastChunk,
  forecastWithGlobal,
} from "../../src/jobs/worker-tasks.js";

const DAY_MS = 86_400_000;
const N = Number.NaN;

/** Daily series with gaps, a related price, one numeric metadata field and a holiday calendar, on plain memory. */
function sampleSet(count: number, days: number, horizon: number): SeriesSet {
  const start = Date.UTC(2024, 0, 1);
  // One grid for all, each series a view from its own first day, as prepareSeries does.
  const grid = Float64Array.from({ length: days + horizon + count }, (_, t) => start + t * DAY_MS);
  const holidays = Float64Array.from(grid, (_, t) => (t % 30 === 0 ? 1 : 0));
  const series: PreparedSeries[] = Array.from({ length: count }, (_, i) => {
    const n = days - (i % 3);
    const offset = count - 1 - i;
    const target = Float64Array.from({ length: n }, (_, t) =>
      t % 17 === 5 ? N : 10 + i + 3 * Math.sin((2 * Math.PI * t) / 7) + ((i * 7 + t * 13) % 5),
    );
    return {
      key: [`item_${i}`, `store_${i % 2}`],
      timestamps: grid.subarray(offset, offset + n + horizon),
      target,
      related: [Float64Array.from({ length: n + horizon }, (_, t) => 2 + ((t + i) % 4))],
      metadata: Float64Array.of(i % 2 === 0 ? i : N),
      holidays: [holidays.subarray(offset, offset + n + horizon)],
    };
  });
  return {
    frequency: "D",
    period: 7,
    horizon,
    keyNames: ["item_id", "store"],
    relatedNames: ["price"],
    metadataNames: ["size"],
    metadataLevels: [[]],
    holidayCountries: ["US"],
    series,
  };
}

/** Every array of a series, in a fixed order, as plain numbers (NaN compares equal to NaN in deepEqual). */
const arraysOf = (s: PreparedSeries): number[][] =>
  [s.timestamps, s.target, s.metadata, ...s.related, ...s.holidays].map((a) => Array.from(a));

describe("series crossing to the workers", () => {
  test("a packed set round-trips exactly, its arrays on shared memory", async () => {
    const set = sampleSet(5, 40, 7);
    // structuredClone stands for the worker hand-off: SharedArrayBuffers cross by reference.
    const packed = structuredClone(await packSeriesSet(set));
    const back = unpackSeriesSet(packed);
    const { series: _a, ...header } = set;
    const { series: _b, ...headerBack } = back;
    assert.deepEqual(headerBack, header);
    assert.equal(back.series.length, set.series.length);
    back.series.forEach((s, i) => {
      const original = set.series[i] as PreparedSeries;
      assert.deepEqual(s.key, original.key);
      assert.deepEqual(arraysOf(s), arraysOf(original));
      for (const a of [s.timestamps, s.target, s.metadata, ...s.related, ...s.holidays]) {
        assert.ok(onSharedMemory(a), `series ${i}: an array is not on shared memory`);
      }
    });
    assert.ok(Number.isNaN(back.series[0]?.target[5]));
    assert.ok(Number.isNaN(back.series[1]?.metadata[0]));
    // Views that shared a buffer still do: the grid is copied once, not once per series.
    assert.equal(back.series[0]?.timestamps.buffer, back.series[4]?.timestamps.buffer);
    assert.equal(packed.series.blocks.length, 1);
  });

  test("arrays already on shared memory are referenced, not copied", async () => {
    const packed = await packSeriesSet(unpackSeriesSet(await packSeriesSet(sampleSet(3, 20, 2))));
    const again = await packSeriesSet(unpackSeriesSet(packed));
    assert.deepEqual(again.series.blocks, packed.series.blocks);
    assert.equal(again.series.blocks[0], packed.series.blocks[0]);
  });

  test("a range of series is a view of the description", async () => {
    const set = sampleSet(6, 30, 3);
    const packed = await packSeriesSet(set);
    const part = sliceSeries(packed.series, 2, 5);
    assert.ok(onSharedMemory(part.spans));
    const series = unpackSeries(structuredClone(part));
    assert.deepEqual(
      series.map((s) => s.key),
      set.series.slice(2, 5).map((s) => s.key),
    );
    assert.deepEqual(series.map(arraysOf), set.series.slice(2, 5).map(arraysOf));
  });

  test("a set whose series do not match its header is refused", async () => {
    const set = sampleSet(2, 10, 2);
    await assert.rejects(packSeriesSet({ ...set, relatedNames: [] }), /1 related .* the set has 2, 0 and 1/);
  });
});

describe("forecasts crossing back", () => {
  const forecast = (i: number) => ({
    mean: Float64Array.of(i, i + 1, N),
    quantiles: [Float64Array.of(i - 1, i, i + 1), Float64Array.of(i + 1, i + 2, i + 3)],
  });

  test("pack, slice and concatenation give back every forecast", () => {
    const all = Array.from({ length: 7 }, (_, i) => forecast(i));
    const packed = structuredClone(packForecasts(all, 3, 2));
    assert.ok(onSharedMemory(packed.values));
    const plain = (f: { mean: Float64Array; quantiles: Float64Array[] }) => [
      Array.from(f.mean),
      ...f.quantiles.map((q) => Array.from(q)),
    ];
    all.forEach((f, i) => {
      assert.deepEqual(plain(forecastAt(packed, i)), plain(f));
    });
    const parts = [sliceForecasts(packed, 0, 3), sliceForecasts(packed, 3, 4), sliceForecasts(packed, 4, 7)];
    const at = concatForecastsAt(parts);
    all.forEach((f, i) => {
      assert.deepEqual(plain(at(i)), plain(f));
    });
    assert.throws(() => at(7), RangeError);
    assert.throws(() => packForecasts([forecast(0)], 3, 1), RangeError);
  });
});

describe("worker tasks leave the shared series as they found them", () => {
  test("training, forecasting and explaining only read the series", { timeout: 120_000 }, async () => {
    const set = sampleSet(24, 80, 7);
    const packed = await packSeriesSet(set);
    const snapshot = packed.series.blocks.map((b) => new Float64Array(b).slice());
    const quantiles = [0.1, 0.5, 0.9];
    const grid = { horizon: set.horizon, period: set.period };

    const [globalBacktest] = backtestGlobal({ set: packed, quantiles, cutoffs: [set.horizon] });
    assert.ok(globalBacktest);
    const chunk = sliceSeries(packed.series, 8, 16);
    const backtest = await backtestChunk({
      grid,
      series: chunk,
      options: { quantiles, metric: "WAPE", backtestWindows: 1, nonNegative: true },
      external: { global: [sliceForecasts(globalBacktest, 8, 16)] },
    });
    assert.equal(backtest.choices.length, 8);
    const model = fitGlobal({ set: packed, quantiles });
    const globalForecasts = forecastWithGlobal({ model, set: packed });
    const forecasts = await forecastChunk({
      grid,
      series: chunk,
      choices: ["combination", "combination", "npts", "snaive", "theta", "arima", "theta", "ets-damped"],
      combination: { components: ["choice", "global"], weights: [0.7, 0.3] },
      quantiles,
      nonNegative: true,
      external: { global: sliceForecasts(globalForecasts, 8, 16) },
    });
    assert.equal(forecasts.count, 8);
    const explanation = explainWithGlobal({
      model,
      set: packed,
      series: Int32Array.of(0, 5),
      steps: [0, 3],
      quantile: "mean",
    });
    assert.deepEqual(Array.from(explanation.rowSeries), [0, 0, 5, 5]);
    assert.deepEqual(Array.from(explanation.rowSteps), [0, 3, 0, 3]);

    packed.series.blocks.forEach((b, i) => {
      assert.deepEqual(Array.from(new Float64Array(b)), Array.from(snapshot[i] as Float64Array));
    });
  });
});
