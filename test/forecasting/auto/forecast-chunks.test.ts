import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { forecastCombined } from "../../../src/forecasting/auto/auto-predictor.js";
import type { CombinationRecord } from "../../../src/forecasting/auto/combined-model.js";
import type { IntervalCalibration } from "../../../src/forecasting/auto/interval-calibration.js";
import { LEARNED_MEMBERS } from "../../../src/forecasting/auto/members.js";
import type { SeriesForecast } from "../../../src/forecasting/model.js";
import type { PreparedSeries } from "../../../src/forecasting/series-set.js";

// The forecast job cuts the series into chunks by the worker pool's size (src/pipelines/forecast.ts): that is only
// safe if a series' forecast does not depend on which other series share its chunk.
const H = 8;
const LEVELS = [0.1, 0.5, 0.9];
const MONTH = 30 * 86_400_000;

function seasonal(k: number): PreparedSeries {
  const n = 48 + 6 * k;
  const target = Float64Array.from(
    { length: n },
    (_, i) =>
      100 + 5 * k + 0.8 * i + 20 * Math.sin((2 * Math.PI * i) / 12) + (((i * 7919 + k * 104729) % 17) - 8),
  );
  return {
    key: [`s${k}`],
    timestamps: Float64Array.from({ length: n + H }, (_, i) => i * MONTH),
    target,
    related: [],
    metadata: new Float64Array(0),
    holidays: [],
  };
}

const bytes = (f: SeriesForecast) =>
  Buffer.concat([f.mean, ...f.quantiles].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));

describe("forecastCombined in chunks", () => {
  test("each series' forecast is the same bit for bit whichever chunk it is forecast in", () => {
    const set = Array.from({ length: 5 }, (_, k) => seasonal(k));
    const combination: CombinationRecord = {
      components: [...LEARNED_MEMBERS],
      weights: [0.4, 0, 0.2, 0.16, 0.24],
    };
    const grid = { horizon: H, period: 12 };
    const intervals: IntervalCalibration = {
      levels: LEVELS,
      factors: [1.1, 1, 1.1].map((f) => Array.from({ length: H }, () => f)),
    };
    const run = (series: PreparedSeries[]) =>
      forecastCombined(
        grid,
        series,
        series.map(() => ""),
        combination,
        LEVELS,
        true,
        {},
        intervals,
      );
    const whole = run(set);
    const chunked = [...run(set.slice(0, 2)), ...run(set.slice(2, 3)), ...run(set.slice(3))];
    assert.equal(chunked.length, whole.length);
    whole.forEach((f, i) => {
      assert.ok(bytes(f).equals(bytes(chunked[i] as SeriesForecast)), `series ${i}`);
    });
  });
});
