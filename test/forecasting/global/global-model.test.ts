import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  fitGlobalModel,
  forecastGlobal,
  type GlobalModelJson,
  globalModelFromJson,
  globalModelToJson,
} from "../../../src/forecasting/global/index.js";
import { mase } from "../../../src/forecasting/metrics.js";
import type { SeriesSet } from "../../../src/forecasting/series-set.js";
import { demandData } from "./demand-data.js";

const QUANTILES = [0.1, 0.5, 0.9];
const HORIZON = 14;
const data = demandData({ nSeries: 60, n: 200, horizon: HORIZON, seed: 1 });
const model = fitGlobalModel(data.set, {
  quantiles: QUANTILES,
  maxTrainingRows: 12_000,
  params: { nTrees: 80 },
});
const forecasts = forecastGlobal(model, data.set);

/** A small, quick fit for the tests that fit more than once. */
const quick = (set: SeriesSet, extra: { seed?: number; cutoff?: number } = {}) =>
  fitGlobalModel(set, { quantiles: QUANTILES, maxTrainingRows: 3_000, params: { nTrees: 15 }, ...extra });

/** The set with the last `k` history points cut off (their related values and timestamps with them). */
function truncated(set: SeriesSet, k: number): SeriesSet {
  return {
    ...set,
    series: set.series.map((s) => {
      const n = s.target.length - k;
      const full = n + set.horizon;
      return {
        ...s,
        target: s.target.slice(0, n),
        timestamps: s.timestamps.slice(0, full),
        related: s.related.map((x) => x.slice(0, full)),
        holidays: s.holidays.map((x) => x.slice(0, full)),
      };
    }),
  };
}

describe("global GBDT model", () => {
  test("beats seasonal naive on the held-out horizon (MASE), with calibrated 80% intervals", () => {
    let model = 0;
    let naive = 0;
    let inside = 0;
    data.set.series.forEach((s, i) => {
      const y = s.target;
      const n = y.length;
      const seasonalNaive = Float64Array.from({ length: HORIZON }, (_, k) => y[n - 7 + (k % 7)]);
      model += mase(data.future[i], forecasts[i].mean, y, 7) / data.set.series.length;
      naive += mase(data.future[i], seasonalNaive, y, 7) / data.set.series.length;
      for (let k = 0; k < HORIZON; k++) {
        const v = data.future[i][k];
        if (v >= forecasts[i].quantiles[0][k] && v <= forecasts[i].quantiles[2][k]) inside++;
      }
    });
    // Measured: 0.53 against 0.93 (data seeds 1–6: 0.51–0.59 against 0.87–0.95). Price and promo are known
    // ahead; the naive forecast cannot use them.
    assert.ok(model < 0.7 * naive, `MASE ${model.toFixed(3)} vs seasonal naive ${naive.toFixed(3)}`);
    const coverage = inside / (HORIZON * data.set.series.length);
    assert.ok(coverage > 0.65 && coverage < 0.92, `80% interval covers ${coverage.toFixed(3)}`);
  });

  test("one forecast per series, horizon long, quantiles in order, non-negative demand floored at 0", () => {
    assert.equal(forecasts.length, 60);
    assert.ok(model.nonNegative);
    for (const f of forecasts) {
      assert.equal(f.mean.length, HORIZON);
      assert.equal(f.quantiles.length, 3);
      for (let k = 0; k < HORIZON; k++) {
        assert.ok(f.quantiles[0][k] <= f.quantiles[1][k] && f.quantiles[1][k] <= f.quantiles[2][k]);
        assert.ok(f.quantiles[0][k] >= 0 && Number.isFinite(f.mean[k]));
      }
    }
  });

  test("a JSON round trip forecasts identically", () => {
    const json = JSON.parse(JSON.stringify(globalModelToJson(model))) as GlobalModelJson;
    assert.deepEqual(forecastGlobal(globalModelFromJson(json), data.set), forecasts);
    assert.throws(() => globalModelFromJson({ ...json, version: 2 } as unknown as GlobalModelJson), /v1/);
  });

  test("the same seed gives the same model; another seed another", () => {
    const a = forecastGlobal(quick(data.set, { seed: 3 }), data.set);
    const b = forecastGlobal(quick(data.set, { seed: 3 }), data.set);
    const c = forecastGlobal(quick(data.set, { seed: 4 }), data.set);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  test("a cutoff sees exactly what a shorter history would", () => {
    const short = truncated(data.set, 20);
    const viaCutoff = quick(data.set, { cutoff: 20 });
    const direct = quick(short);
    assert.deepEqual(globalModelToJson(viaCutoff), globalModelToJson(direct));
    assert.deepEqual(forecastGlobal(viaCutoff, data.set, { cutoff: 20 }), forecastGlobal(direct, short));
  });

  test("missing targets are skipped in training and tolerated as inputs", () => {
    const holes = {
      ...data.set,
      series: data.set.series.map((s, i) => {
        const target = s.target.slice();
        for (let t = i % 5; t < target.length; t += 9) target[t] = Number.NaN;
        if (i === 0) target.fill(Number.NaN, target.length - 10);
        return { ...s, target };
      }),
    };
    for (const f of forecastGlobal(quick(holes), holes)) {
      for (const a of [f.mean, ...f.quantiles]) assert.ok(a.every(Number.isFinite));
    }
  });

  test("a target with negative values is not floored", () => {
    const shifted = {
      ...data.set,
      series: data.set.series.map((s) => ({ ...s, target: s.target.map((v) => v - 300) })),
    };
    const m = quick(shifted);
    assert.equal(m.nonNegative, false);
    assert.ok(forecastGlobal(m, shifted).some((f) => f.mean.some((v) => v < 0)));
  });

  test("refuses a set of another shape, and bad options", () => {
    assert.throws(
      () => forecastGlobal(model, { ...data.set, relatedNames: ["price", "promo", "x"] }),
      /related/,
    );
    assert.throws(() => forecastGlobal(model, { ...data.set, horizon: 7 }), /horizon/);
    assert.throws(() => quick(data.set, { cutoff: -1 }), /cutoff/);
    assert.throws(() => fitGlobalModel(data.set, { quantiles: [1.2] }), /quantile/);
    assert.throws(() => fitGlobalModel(data.set, { quantiles: [], includeMean: false }), /nothing to fit/);
  });

  test("an aborted signal stops the fit", () => {
    const controller = new AbortController();
    controller.abort();
    assert.throws(() => fitGlobalModel(data.set, { quantiles: QUANTILES, signal: controller.signal }), {
      name: "AbortError",
    });
  });
});
