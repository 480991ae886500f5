import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type AutoPredictorOptions,
  backtestAutoPredictor,
  forecastCombined,
} from "../../../src/forecasting/auto/auto-predictor.js";
import { seriesWeights } from "../../../src/forecasting/auto/combined-model.js";
import { learnedCombination } from "../../../src/forecasting/auto/learned-combination.js";
import { bridgeGaps, LEARNED_OBJECTIVE, pointAdjustmentFor } from "../../../src/forecasting/auto/members.js";
import type { SeriesForecast } from "../../../src/forecasting/model.js";
import type { PreparedSeries } from "../../../src/forecasting/series-set.js";

const DAY = 86_400_000;
const H = 6;
const LEVELS = [0.1, 0.5, 0.9];

function series(values: number[]): PreparedSeries {
  return {
    key: ["x"],
    timestamps: Float64Array.from({ length: values.length + H }, (_, i) => Date.UTC(2024, 0, 1) + i * DAY),
    target: Float64Array.from(values),
    related: [],
    metadata: new Float64Array(0),
    holidays: [],
  };
}

/** Noisy walks the statistical members cannot foresee. */
const data = Array.from({ length: 6 }, (_, k) => {
  let v = 100 + 10 * k;
  return Array.from({ length: 60 }, (_, i) => (v += ((i * 7919 + k * 104729) % 13) - 6));
});
const set = data.map(series);
const exact = (k: number, w: number): SeriesForecast => {
  const cut = 60 - (w + 1) * H;
  const y = Float64Array.from((data[k] as number[]).slice(cut, cut + H));
  return { mean: y, quantiles: LEVELS.map(() => Float64Array.from(y)) };
};
const options: AutoPredictorOptions = {
  quantiles: LEVELS,
  metric: "WAPE",
  backtestWindows: 2,
  nonNegative: true,
  learnedMembers: ["theta", "naive"],
};

/** learnedCombination's input besides the chunks, without external members or the switch. */
const statisticalOnly = {
  externalAt: () => undefined,
  historyOf: (i: number) => bridgeGaps((set[i] as PreparedSeries).target),
  period: 1,
  levels: LEVELS,
  nonNegative: true,
  metric: "WAPE" as const,
  switching: false,
};

function run(chunks: number[][], switching = false) {
  const results = chunks.map((idx) => ({
    offset: idx[0] as number,
    result: backtestAutoPredictor(
      { horizon: H, period: 1 },
      idx.map((i) => set[i] as PreparedSeries),
      { ...options, ...(switching ? { switchMembers: ["snaive" as const] } : {}) },
      { oracle: (w) => (i) => exact((idx[0] as number) + i, w) },
    ),
  }));
  return learnedCombination({
    results,
    externalAt: (_m, w, i) => exact(i, w),
    historyOf: (i) => bridgeGaps((set[i] as PreparedSeries).target),
    period: 1,
    levels: LEVELS,
    nonNegative: true,
    metric: "WAPE",
    switching,
  });
}

describe("learned combination of statistical components", () => {
  test("components are the statistical members then the external ones; the exact member gets weight 1", () => {
    const learned = run([[0, 1, 2, 3, 4, 5]]);
    assert.deepEqual(learned.combination.components, ["theta", "naive", "oracle"]);
    assert.deepEqual(learned.combination.weights, [0, 0, 1]);
    for (const w of learned.windows) assert.ok((w.ErrorMetrics[0]?.WAPE as number) < 1e-12);
    assert.equal(learned.windows.length, 2);
    assert.equal(learned.windows[0]?.itemCount, 6);
  });

  test("chunks give the same weights and accuracy as one chunk", () => {
    const one = run([[0, 1, 2, 3, 4, 5]]);
    const three = run([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    one.combination.weights.forEach((w, m) => {
      assert.ok(Math.abs(w - (three.combination.weights[m] as number)) < 1e-12);
    });
    const mae = (l: typeof one) => l.windows.map((w) => w.ErrorMetrics[0]?.WAPE as number);
    mae(one).forEach((v, w) => {
      assert.ok(Math.abs(v - (mae(three)[w] as number)) < 1e-12);
    });
  });

  test("without the oracle the weights mix the statistical members, and forecasts use them", () => {
    const results = [
      {
        offset: 0,
        result: backtestAutoPredictor({ horizon: H, period: 1 }, set, options),
      },
    ];
    const learned = learnedCombination({ results, ...statisticalOnly });
    const w = learned.combination.weights;
    assert.equal(w.length, 2);
    assert.ok(Math.abs((w[0] as number) + (w[1] as number) - 1) < 1e-12);
    // The record forecasts every series as Σ w·f: check against the members forecast apart.
    const [f] = forecastCombined(
      { horizon: H, period: 1 },
      [set[0] as PreparedSeries],
      [""],
      learned.combination,
      LEVELS,
      true,
    );
    const parts = ["theta", "naive"].map(
      (m) =>
        forecastCombined(
          { horizon: H, period: 1 },
          [set[0] as PreparedSeries],
          [""],
          { components: [m], weights: [1] },
          LEVELS,
          true,
        )[0] as SeriesForecast,
    );
    for (let t = 0; t < H; t++) {
      const expected =
        (w[0] as number) * (parts[0]?.mean[t] as number) + (w[1] as number) * (parts[1]?.mean[t] as number);
      assert.ok(Math.abs((f?.mean[t] as number) - expected) < 1e-9);
    }
  });

  test("a series that switches gives the statistical weight to its member and keeps the external member's", () => {
    const record = { components: ["theta", "naive", "global"], weights: [0.3, 0.2, 0.5] };
    assert.deepEqual(
      [...seriesWeights(record, "")],
      [
        ["theta", 0.3],
        ["naive", 0.2],
        ["global", 0.5],
      ],
    );
    assert.deepEqual(
      [...seriesWeights(record, "snaive")],
      [
        ["snaive", 0.5],
        ["global", 0.5],
      ],
    );
    // With switching on, every series still has a choice ("" or a member) and the accuracy covers every series.
    const learned = run([[0, 1, 2, 3, 4, 5]], true);
    assert.equal(learned.choices.length, 6);
    assert.equal(learned.windows[0]?.itemCount, 6);
  });

  test("the Gram's error scale follows the optimization metric, and the record names the objective", () => {
    for (const metric of ["MAPE", "MASE", "WAPE", "RMSE", "AverageWeightedQuantileLoss"] as const) {
      const result = backtestAutoPredictor({ horizon: H, period: 1 }, set.slice(0, 2), {
        ...options,
        metric,
      });
      assert.equal(result.gram?.scale, LEARNED_OBJECTIVE[metric]);
      const learned = learnedCombination({
        results: [{ offset: 0, result }],
        externalAt: () => undefined,
        historyOf: (i) => bridgeGaps((set[i] as PreparedSeries).target),
        period: 1,
        levels: LEVELS,
        nonNegative: true,
        metric,
        switching: false,
      });
      assert.match(learned.combination.learned?.metric ?? "", new RegExp(`OptimizationMetric ${metric}\\b`));
    }
    const scaled = backtestAutoPredictor({ horizon: H, period: 1 }, set.slice(0, 2), {
      ...options,
      metric: "MAPE",
      errorScale: "actual",
    });
    assert.equal(scaled.gram?.scale, "actual");
    const plain = backtestAutoPredictor({ horizon: H, period: 1 }, set.slice(0, 2), {
      ...options,
      metric: "MAPE",
      errorScale: "none",
    });
    assert.notDeepEqual(scaled.gram?.gram, plain.gram?.gram);
  });

  test("a MAPE predictor's point is the median in its backtests and accuracy; without it, the mean as before", () => {
    // An external member skewed to the right (its mean above its median), as a model in logs forecasts.
    const skewed = (k: number, w: number): SeriesForecast => {
      const y = exact(k, w).mean;
      return {
        mean: Float64Array.from(y, (v) => 1.05 * v),
        quantiles: [0.9, 1, 1.2].map((c) => Float64Array.from(y, (v) => c * v)),
      };
    };
    const result = backtestAutoPredictor(
      { horizon: H, period: 1 },
      set,
      { ...options, metric: "MAPE" },
      { skewed: (w) => (i) => skewed(i, w) },
    );
    const input = {
      results: [{ offset: 0, result }],
      externalAt: (_m: number, w: number, i: number) => skewed(i, w),
      historyOf: (i: number) => bridgeGaps((set[i] as PreparedSeries).target),
      period: 1,
      levels: LEVELS,
      nonNegative: true,
      metric: "MAPE" as const,
      switching: false,
    };
    const plain = learnedCombination(input);
    const point = pointAdjustmentFor("MAPE", LEVELS);
    assert.ok(point);
    const median = learnedCombination({ ...input, point });
    assert.deepEqual(median.combination.weights, plain.combination.weights);
    let differs = 0;
    for (const b of result.backtests) {
      const p = plain.forecastOf(0, b) as SeriesForecast;
      const m = median.forecastOf(0, b) as SeriesForecast;
      // The plain mean is the weighted sum of the members' means (the forecast as before).
      const w = plain.combination.weights;
      const parts = [...(b.parts ?? []), skewed(b.series, b.window)];
      const expected = Float64Array.from(p.mean, (_, t) =>
        parts.reduce((a, part, k) => a + (w[k] as number) * (part?.mean[t] as number), 0),
      );
      expected.forEach((v, t) => {
        assert.ok(Math.abs(v - (p.mean[t] as number)) < 1e-9);
      });
      assert.deepEqual(m.quantiles, p.quantiles, "the quantiles are not touched");
      assert.deepEqual(Array.from(m.mean), Array.from(m.quantiles[1] as Float64Array));
      for (let t = 0; t < H; t++) if (m.mean[t] !== p.mean[t]) differs++;
    }
    assert.ok(differs > 0, "the mean and the median differ somewhere");
    // The forecasts: the median with the point, the weighted means without it.
    const external = { skewed: () => skewed(0, 0) };
    const forecast = (withPoint: boolean) =>
      forecastCombined(
        { horizon: H, period: 1 },
        [set[0] as PreparedSeries],
        [""],
        median.combination,
        LEVELS,
        true,
        external,
        undefined,
        withPoint ? point : undefined,
      )[0] as SeriesForecast;
    const [withMedian, withMean] = [forecast(true), forecast(false)];
    assert.deepEqual(Array.from(withMedian.mean), Array.from(withMedian.quantiles[1] as Float64Array));
    assert.deepEqual(withMedian.quantiles, withMean.quantiles);
    assert.notDeepEqual(withMedian.mean, withMean.mean);
    // The reported accuracy: the mean forecast type's MAPE is the median's, and the quantile losses are unchanged.
    median.windows.forEach((win, k) => {
      const [mean, , p50] = win.ErrorMetrics;
      assert.equal(mean?.MAPE, p50?.MAPE);
      assert.equal(mean?.ForecastType, "mean");
      assert.equal(p50?.ForecastType, "0.5");
      assert.deepEqual(win.WeightedQuantileLosses, plain.windows[k]?.WeightedQuantileLosses);
      assert.notEqual(mean?.MAPE, plain.windows[k]?.ErrorMetrics[0]?.MAPE);
    });
  });

  test("windows weighted by recency: r = 1 is the default bit for bit, r = 0 the latest window alone", () => {
    const three = { ...options, backtestWindows: 3 };
    const learn = (opts: AutoPredictorOptions, chunks: number[][]) =>
      learnedCombination({
        results: chunks.map((idx) => ({
          offset: idx[0] as number,
          result: backtestAutoPredictor(
            { horizon: H, period: 1 },
            idx.map((i) => set[i] as PreparedSeries),
            opts,
          ),
        })),
        ...statisticalOnly,
      }).combination;
    const all = [[0, 1, 2, 3, 4, 5]];
    const base = learn(three, all);
    assert.deepEqual(learn({ ...three, windowRecency: 1 }, all), base);
    const latest = learn({ ...three, windowRecency: 0 }, all);
    const alone = learn({ ...three, backtestWindows: 1 }, all);
    assert.deepEqual(latest.weights, alone.weights);
    assert.deepEqual(latest.learned?.gram?.matrix, alone.learned?.gram?.matrix);
    assert.notDeepEqual(latest.weights, base.weights);
    // Chunks merge the weighted sums as they merge the plain ones.
    const half = learn({ ...three, windowRecency: 0.5 }, all);
    const chunked = learn({ ...three, windowRecency: 0.5 }, [
      [0, 1],
      [2, 3, 4, 5],
    ]);
    half.weights.forEach((w, m) => {
      assert.ok(Math.abs(w - (chunked.weights[m] as number)) < 1e-12);
    });
  });
});
