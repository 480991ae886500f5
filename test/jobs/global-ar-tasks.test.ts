import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { targetSet } from "../../bench/e2e/daily-data.js";
import { forecastGlobalArEnsemble, isGlobalArEnsemble } from "../../src/forecasting/global-ar/ensemble.js";
import { fitGlobalAr, forecastGlobalAr } from "../../src/forecasting/global-ar/global-ar.js";
import {
  globalArEnsembleSettings,
  globalArSeries,
  globalArSettings,
  seasonalPosition,
} from "../../src/forecasting/global-ar/index.js";
import type { SeriesSet } from "../../src/forecasting/series-set.js";
import { forecastAt } from "../../src/jobs/forecast-transfer.js";
import { packSeriesSet } from "../../src/jobs/series-transfer.js";
import { backtestGlobalAr, fitGlobalArModel, forecastWithGlobalAr } from "../../src/jobs/worker-tasks.js";

/** Monthly series with a shared seasonal pattern and growth, each from its own first month. */
function monthlySet(count: number, months: number, horizon: number, bump = 0): SeriesSet {
  const targets = Array.from({ length: count }, (_, i) => {
    const n = months - (i % 4);
    return Float64Array.from(
      { length: n },
      (_, t) =>
        (50 + 10 * i) * 1.004 ** t * (1 + 0.3 * Math.sin((2 * Math.PI * (i + t)) / 12)) +
        ((i * 7 + t * 13) % 5) +
        (t >= n - horizon ? bump : 0),
    );
  });
  return targetSet("M", 12, horizon, targets, (i, t) => Date.UTC(2010, (i % 12) + t, 1));
}

describe("the pooled autoregression's worker tasks", () => {
  test("a backtest forecast depends on the history before its cutoff only", async () => {
    const quantiles = [0.1, 0.5, 0.9];
    const horizon = 6;
    const plain = await packSeriesSet(monthlySet(30, 90, horizon));
    // The same data with every value of the last horizon raised: the window the backtest forecasts.
    const bumped = await packSeriesSet(monthlySet(30, 90, horizon, 1000));
    const [a] = backtestGlobalAr({ set: plain, quantiles, cutoffs: [horizon] });
    const [b] = backtestGlobalAr({ set: bumped, quantiles, cutoffs: [horizon] });
    assert.ok(a && b);
    assert.deepEqual(Array.from(a.values), Array.from(b.values));
    assert.ok(a.values.every(Number.isFinite));
    // The final fit sees the raised values, and its forecasts move up.
    const before = forecastWithGlobalAr({ model: fitGlobalArModel({ set: plain, quantiles }), set: plain });
    const after = forecastWithGlobalAr({ model: fitGlobalArModel({ set: bumped, quantiles }), set: bumped });
    assert.ok((forecastAt(after, 0).mean[0] as number) > (forecastAt(before, 0).mean[0] as number) + 100);
  });

  test("a fitted model is plain data that survives JSON, and forecasts the same after it", async () => {
    const quantiles = [0.1, 0.5, 0.9];
    const set = await packSeriesSet(monthlySet(12, 60, 4));
    const model = fitGlobalArModel({ set, quantiles });
    const again = JSON.parse(JSON.stringify(model));
    assert.deepEqual(
      Array.from(forecastWithGlobalAr({ model: again, set }).values),
      Array.from(forecastWithGlobalAr({ model, set }).values),
    );
  });
});

describe("the worker fit is the engine's ensemble", () => {
  test("its forecast is the geometric mean of the members' forecasts, each fitted on its own recent origins", async () => {
    const quantiles = [0.1, 0.5, 0.9];
    const plain = monthlySet(24, 80, 6);
    const model = fitGlobalArModel({ set: await packSeriesSet(plain), quantiles });
    assert.ok(isGlobalArEnsemble(model));
    assert.deepEqual(
      model.members.map((m) => m.options.recent),
      [12, 18, 24],
    );
    const series = globalArSeries(plain, 0, (y) => y).filter((s) => s !== undefined);
    const singles = globalArEnsembleSettings(12, 6, quantiles).members.map((o) => fitGlobalAr(series, o));
    const target = series[3] as (typeof series)[number];
    const f = forecastGlobalArEnsemble(model, target);
    const parts = singles.map((m) => forecastGlobalAr(m, target));
    for (let k = 0; k < 6; k++) {
      const expected = Math.cbrt(parts.reduce((a, p) => a * (p.mean[k] as number), 1));
      assert.ok(Math.abs((f.mean[k] as number) - expected) <= 1e-9 * expected, `step ${k}`);
    }
    // Members trained on different origins differ, so the ensemble is not one of them.
    assert.notDeepEqual(parts[0]?.mean, parts[2]?.mean);
  });
});

describe("globalArSettings and seasonalPosition", () => {
  test("seasonal data: four seasons of lags (at most 48), the last season's scale, four horizons of origins", () => {
    const monthly = globalArSettings(12, 24, [0.5]);
    assert.deepEqual(
      [monthly.lags, monthly.scalePoints, monthly.minHistory, monthly.recent, monthly.calendar, monthly.log],
      [48, 12, 12, 96, true, true],
    );
    const quarterly = globalArSettings(4, 8, [0.5]);
    assert.deepEqual([quarterly.lags, quarterly.scalePoints, quarterly.recent], [16, 4, 32]);
    const hourly = globalArSettings(24, 48, [0.5]);
    assert.equal(hourly.lags, 48);
    assert.equal(globalArSettings(288, 12, [0.5]).calendar, false);
    const yearly = globalArSettings(1, 4, [0.5]);
    assert.deepEqual([yearly.lags, yearly.recent, yearly.calendar], [1, 3, false]);
  });

  test("the engine's ensemble: the single setting over 2, 3, 4 horizons of origins (yearly 2, 3, 4, 6), logmean", () => {
    const monthly = globalArEnsembleSettings(12, 24, [0.5]);
    assert.equal(monthly.combine, "logmean");
    assert.deepEqual(
      monthly.members.map((o) => o.recent),
      [48, 72, 96],
    );
    for (const o of monthly.members) assert.deepEqual({ ...o, recent: 96 }, globalArSettings(12, 24, [0.5]));
    assert.deepEqual(
      globalArEnsembleSettings(4, 8, [0.5]).members.map((o) => [o.lags, o.recent]),
      [
        [16, 16],
        [16, 24],
        [16, 32],
      ],
    );
    const yearly = globalArEnsembleSettings(1, 4, [0.5]);
    assert.deepEqual(
      yearly.members.map((o) => [o.lags, o.recent]),
      [
        [1, 2],
        [1, 3],
        [1, 4],
        [1, 6],
      ],
    );
  });

  test("positions: month of year, quarter, day of week, hour; yearly 0", () => {
    assert.equal(seasonalPosition("M", 12, Date.UTC(2020, 2, 1)), (2020 * 12 + 2) % 12);
    assert.equal(
      seasonalPosition("M", 12, Date.UTC(2021, 2, 1)),
      seasonalPosition("M", 12, Date.UTC(2020, 2, 1)),
    );
    assert.equal(
      (seasonalPosition("3M", 4, Date.UTC(2020, 3, 1)) -
        seasonalPosition("3M", 4, Date.UTC(2020, 0, 1)) +
        4) %
        4,
      1,
    );
    const monday = Date.UTC(2024, 0, 1);
    assert.equal(
      (seasonalPosition("D", 7, monday + 86_400_000) - seasonalPosition("D", 7, monday) + 7) % 7,
      1,
    );
    assert.equal(seasonalPosition("D", 7, monday + 7 * 86_400_000), seasonalPosition("D", 7, monday));
    assert.equal(seasonalPosition("H", 24, Date.UTC(2024, 0, 1, 5)), 5);
    assert.equal(seasonalPosition("Y", 1, Date.UTC(2024, 0, 1)), 0);
  });
});
