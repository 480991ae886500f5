import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  combineForecasts,
  combineValues,
  fitGlobalArEnsemble,
  forecastGlobalArEnsemble,
  isGlobalArEnsemble,
} from "../../../src/forecasting/global-ar/ensemble.js";
import {
  fitGlobalAr,
  forecastGlobalAr,
  type GlobalArOptions,
  type GlobalArSeries,
} from "../../../src/forecasting/global-ar/global-ar.js";
import { forecastGlobalArSet, globalArOptionsOf } from "../../../src/forecasting/global-ar/index.js";
import { close, PLAIN, turningSeries } from "./fixtures.js";

const BASE: GlobalArOptions = { ...PLAIN, horizon: 3, lags: 1, scalePoints: 1, log: true, minHistory: 1 };

describe("combineValues", () => {
  test("geometric mean, mean and median of known values", () => {
    close(combineValues([1, 4], "logmean"), 2, 1e-12);
    close(combineValues([2, 8, 4], "logmean"), 4, 1e-12);
    assert.equal(combineValues([1, 4], "mean"), 2.5);
    assert.equal(combineValues([1, 4], "median"), 2.5);
    assert.equal(combineValues([10, 1, 2], "median"), 2);
    assert.equal(combineValues([7], "median"), 7);
  });

  test("the geometric mean falls back to the mean where a value is not positive; no values give NaN", () => {
    assert.equal(combineValues([0, 4], "logmean"), 2);
    assert.equal(combineValues([-2, 4], "logmean"), 1);
    assert.ok(Number.isNaN(combineValues([], "mean")));
  });
});

describe("combineForecasts", () => {
  test("combines the mean and every quantile level step by step", () => {
    const f = (m: number[], q: number[][]) => ({
      mean: Float64Array.from(m),
      quantiles: q.map((r) => Float64Array.from(r)),
    });
    const out = combineForecasts(
      [
        f(
          [1, 10],
          [
            [1, 1],
            [2, 2],
          ],
        ),
        f(
          [4, 40],
          [
            [4, 9],
            [8, 2],
          ],
        ),
      ],
      "logmean",
    );
    assert.deepEqual(
      Array.from(out.mean).map((v) => Number(v.toFixed(9))),
      [2, 20],
    );
    assert.deepEqual(
      out.quantiles.map((q) => Array.from(q).map((v) => Number(v.toFixed(9)))),
      [
        [2, 3],
        [4, 2],
      ],
    );
  });
});

describe("fitGlobalArEnsemble / forecastGlobalArEnsemble", () => {
  const series = turningSeries(20, 30, 24);
  const target: GlobalArSeries = { y: Float64Array.from([100]), phase: 0 };

  test("each member learns its own recent growth; the ensemble is their geometric mean, mean or median", () => {
    // Trained on the latest 3 origins (targets after the turn: 2% a step) and on every origin (mostly 10%).
    const recent = { ...BASE, recent: 3 };
    const all = { ...BASE, recent: 0 };
    const a = forecastGlobalAr(fitGlobalAr(series, recent), target);
    const b = forecastGlobalAr(fitGlobalAr(series, all), target);
    close(a.quantiles[1]?.[0] as number, 102, 0.6, "recent member, step 1 p50");
    assert.ok((b.quantiles[1]?.[0] as number) > 106, "the all-origins member grows faster");
    const geometric = forecastGlobalArEnsemble(fitGlobalArEnsemble(series, [recent, all], "logmean"), target);
    const arithmetic = forecastGlobalArEnsemble(fitGlobalArEnsemble(series, [recent, all], "mean"), target);
    for (let k = 0; k < 3; k++) {
      close(
        geometric.mean[k] as number,
        Math.sqrt((a.mean[k] as number) * (b.mean[k] as number)),
        1e-9,
        `geometric step ${k}`,
      );
      close(arithmetic.mean[k] as number, ((a.mean[k] as number) + (b.mean[k] as number)) / 2, 1e-9);
      for (let l = 0; l < 3; l++)
        close(
          geometric.quantiles[l]?.[k] as number,
          Math.sqrt((a.quantiles[l]?.[k] as number) * (b.quantiles[l]?.[k] as number)),
          1e-9,
        );
    }
    // The median of three members is the middle one.
    const middle = { ...BASE, recent: 8 };
    const c = forecastGlobalAr(fitGlobalAr(series, middle), target);
    const median = forecastGlobalArEnsemble(
      fitGlobalArEnsemble(series, [all, recent, middle], "median"),
      target,
    );
    for (let k = 0; k < 3; k++) {
      const expected = [a.mean[k], b.mean[k], c.mean[k]].sort((x, y) => (x as number) - (y as number))[1];
      assert.equal(median.mean[k], expected);
    }
  });

  test("an ensemble of one member forecasts as that member; it survives JSON", () => {
    const single = fitGlobalAr(series, BASE);
    const ensemble = fitGlobalArEnsemble(series, [BASE], "mean");
    assert.deepEqual(ensemble.members[0], single);
    const again = JSON.parse(JSON.stringify(ensemble));
    assert.ok(isGlobalArEnsemble(again));
    assert.ok(!isGlobalArEnsemble(single));
    assert.deepEqual(forecastGlobalArEnsemble(again, target), forecastGlobalAr(single, target));
  });

  test("refuses no members, members of different horizons or levels, and an unknown combination", () => {
    assert.throws(() => fitGlobalArEnsemble(series, [], "mean"), RangeError);
    assert.throws(() => fitGlobalArEnsemble(series, [BASE, { ...BASE, horizon: 2 }], "mean"), RangeError);
    assert.throws(() => fitGlobalArEnsemble(series, [BASE, { ...BASE, levels: [0.5] }], "mean"), RangeError);
    assert.throws(() => fitGlobalArEnsemble(series, [BASE], "max" as "mean"), RangeError);
  });

  test("forecastGlobalArSet reads a single model and an ensemble alike", () => {
    const set = {
      frequency: "Y",
      period: 1,
      horizon: 3,
      series: series
        .slice(0, 3)
        .map((s) => ({ target: s.y, timestamps: Float64Array.from(s.y, (_, t) => t) })),
    } as unknown as Parameters<typeof forecastGlobalArSet>[1];
    const single = fitGlobalAr(series, BASE);
    const ensemble = fitGlobalArEnsemble(series, [BASE, { ...BASE, recent: 3 }], "logmean");
    assert.equal(globalArOptionsOf(ensemble).horizon, 3);
    assert.deepEqual(globalArOptionsOf(single).levels, BASE.levels);
    const fill = (y: Float64Array) => y;
    const fromSingle = forecastGlobalArSet(single, set, 0, fill);
    const fromEnsemble = forecastGlobalArSet(ensemble, set, 0, fill);
    series.slice(0, 3).forEach((s, i) => {
      assert.deepEqual(fromSingle[i], forecastGlobalAr(single, s));
      assert.deepEqual(fromEnsemble[i], forecastGlobalArEnsemble(ensemble, s));
    });
  });
});
