import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  formatLevel,
  WindowAccumulator,
  type WindowAccuracy,
} from "../../../src/forecasting/auto/accuracy.js";
import {
  backtestAutoPredictor,
  chooseMember,
  forecastCombined,
} from "../../../src/forecasting/auto/auto-predictor.js";
import { SERIES_CHOICE, soleComponent } from "../../../src/forecasting/auto/combined-model.js";
import { bridgeGaps } from "../../../src/forecasting/auto/members.js";
import { learnWeights } from "../../../src/forecasting/auto/weights.js";
import type { PreparedSeries } from "../../../src/forecasting/series-set.js";

const DAY = 86_400_000;

function series(values: number[], horizon: number): PreparedSeries {
  const n = values.length;
  return {
    key: ["x"],
    timestamps: Float64Array.from({ length: n + horizon }, (_, i) => Date.UTC(2024, 0, 1) + i * DAY),
    target: Float64Array.from(values),
    related: [],
    metadata: new Float64Array(0),
    holidays: [],
  };
}

describe("AutoPredictor engine", () => {
  test("accuracy of a window, computed by hand", () => {
    const acc = new WindowAccumulator([0.5], 0, 1);
    // actual 10, 20; mean 12, 18; p50 11, 19
    acc.add(
      Float64Array.of(10, 20),
      { mean: Float64Array.of(12, 18), quantiles: [Float64Array.of(11, 19)] },
      Float64Array.of(1, 2, 3, 4),
      1,
    );
    const r = acc.result();
    assert.equal(r.itemCount, 1);
    // wQL(0.5) = 2·(0.5·1 + 0.5·1) / 30
    assert.ok(Math.abs((r.WeightedQuantileLosses[0]?.LossValue ?? 0) - 2 / 30) < 1e-12);
    const mean = r.ErrorMetrics[0];
    assert.equal(mean?.ForecastType, "mean");
    assert.ok(Math.abs((mean?.WAPE ?? 0) - 4 / 30) < 1e-12);
    assert.ok(Math.abs((mean?.RMSE ?? 0) - 2) < 1e-12);
    assert.ok(Math.abs((mean?.MAPE ?? 0) - (0.2 + 0.1) / 2) < 1e-12);
    // MASE: MAE 2 over the naive scale 1 of the history 1,2,3,4
    assert.ok(Math.abs((mean?.MASE ?? 0) - 2) < 1e-12);
    assert.equal(r.ErrorMetrics[1]?.ForecastType, "0.5");
  });

  test("merging two chunks gives the metrics of the whole", () => {
    const whole = new WindowAccumulator([0.1, 0.9], 0, 1);
    const a = new WindowAccumulator([0.1, 0.9], 0, 1);
    const b = new WindowAccumulator([0.1, 0.9], 0, 1);
    const f = (m: number) => ({
      mean: Float64Array.of(m, m),
      quantiles: [Float64Array.of(m - 1, m - 1), Float64Array.of(m + 1, m + 1)],
    });
    whole.add(Float64Array.of(3, 5), f(4), Float64Array.of(1, 2, 3), 1);
    whole.add(Float64Array.of(30, 50), f(41), Float64Array.of(10, 20, 30), 1);
    a.add(Float64Array.of(3, 5), f(4), Float64Array.of(1, 2, 3), 1);
    b.add(Float64Array.of(30, 50), f(41), Float64Array.of(10, 20, 30), 1);
    const round = (o: unknown) =>
      JSON.parse(JSON.stringify(o, (_k, v) => (typeof v === "number" ? Number(v.toFixed(12)) : v)));
    assert.deepEqual(round(WindowAccumulator.combine([a.state(), b.state()])), round(whole.result()));
  });

  test("a pure weekly season is forecast almost exactly and its member chosen accordingly", () => {
    const pattern = [5, 9, 12, 8, 7, 20, 25];
    const values = Array.from({ length: 84 }, (_, i) => pattern[i % 7] as number);
    const s = series(values, 7);
    const result = backtestAutoPredictor({ horizon: 7, period: 7 }, [s], {
      quantiles: [0.1, 0.5, 0.9],
      metric: "WAPE",
      backtestWindows: 2,
      nonNegative: true,
    });
    const choice = result.choices[0] as string;
    const window = learnWeights([result.weights as NonNullable<typeof result.weights>], "WAPE")
      .windows[0] as WindowAccuracy;
    assert.ok(
      (window.ErrorMetrics[0]?.WAPE ?? 1) < 0.02,
      `chosen ${choice} has WAPE ${window.ErrorMetrics[0]?.WAPE}`,
    );
    const [f] = forecastCombined(
      { horizon: 7, period: 7 },
      [s],
      result.choices,
      soleComponent(SERIES_CHOICE),
      [0.1, 0.5, 0.9],
      true,
    );
    for (let t = 0; t < 7; t++) {
      assert.ok(Math.abs((f?.mean[t] as number) - (pattern[t] as number)) < 1, `step ${t}`);
      assert.ok((f?.quantiles[0]?.[t] as number) <= (f?.quantiles[1]?.[t] as number));
      assert.ok((f?.quantiles[1]?.[t] as number) <= (f?.quantiles[2]?.[t] as number));
    }
    assert.equal(result.backtests.length, 2);
  });

  test("an external member that knows the future gets all the weight, and the combination forecasts with it", () => {
    // A noisy random walk the statistical members cannot foresee; the external member forecasts it exactly.
    let v = 100;
    const values = Array.from({ length: 90 }, (_, i) => (v += ((i * 7919) % 13) - 6));
    const s = series(values, 7);
    const exact = (cut: number) => ({
      mean: Float64Array.from(values.slice(cut, cut + 7)),
      quantiles: [0, 1, 2].map(() => Float64Array.from(values.slice(cut, cut + 7))),
    });
    const result = backtestAutoPredictor(
      { horizon: 7, period: 1 },
      [s],
      { quantiles: [0.1, 0.5, 0.9], metric: "WAPE", backtestWindows: 2, nonNegative: true },
      { oracle: (w) => () => exact(90 - (w + 1) * 7) },
    );
    assert.deepEqual(result.components, [SERIES_CHOICE, "oracle"]);
    const learned = learnWeights([result.weights as NonNullable<typeof result.weights>], "WAPE");
    assert.deepEqual(learned.weights, [0, 1]);
    assert.ok((learned.windows[0]?.ErrorMetrics[0]?.WAPE as number) < 1e-12);
    // Forecasting with a record: 0.25 of the series' own member, 0.75 of the external member.
    const record = { components: [SERIES_CHOICE, "oracle"], weights: [0.25, 0.75] };
    const external = {
      mean: new Float64Array(7).fill(1000),
      quantiles: [0, 1, 2].map(() => new Float64Array(7).fill(1000)),
    };
    const [own] = forecastCombined(
      { horizon: 7, period: 1 },
      [s],
      result.choices,
      soleComponent(SERIES_CHOICE),
      [0.1, 0.5, 0.9],
      true,
    );
    const [both] = forecastCombined(
      { horizon: 7, period: 1 },
      [s],
      result.choices,
      record,
      [0.1, 0.5, 0.9],
      true,
      {
        oracle: () => external,
      },
    );
    for (let t = 0; t < 7; t++) {
      const expected = 0.25 * (own?.mean[t] as number) + 0.75 * 1000;
      assert.ok(Math.abs((both?.mean[t] as number) - expected) < 1e-9, `step ${t}`);
    }
  });

  test("another member replaces the combination only by winning every window by the margin", () => {
    const choose = (scores: Record<string, number[]>) =>
      chooseMember(new Map(Object.entries(scores)), "combination");
    // Better in total by far, but not in window 2: the combination stays.
    assert.equal(choose({ combination: [1, 1, 1], ets: [0.1, 0.1, 1.2] }), "combination");
    // 5% better in every window is inside the 10% margin.
    assert.equal(choose({ combination: [1, 1, 1], ets: [0.95, 0.95, 0.95] }), "combination");
    // Winning every window by more than 10%: the lowest total of such members.
    assert.equal(
      choose({
        combination: [1, 1, 1],
        ets: [0.8, 0.8, 0.8],
        theta: [0.85, 0.5, 0.85],
        arima: [0.1, 0.1, 2],
      }),
      "theta",
    );
    // A combination that could not be scored gives way to the best scored member.
    assert.equal(choose({ combination: [Number.POSITIVE_INFINITY, 1], ets: [2, 2], theta: [1, 1] }), "theta");
    assert.equal(choose({ combination: [1, 1] }), "combination");
  });

  test("gaps are bridged linearly for the statistical members", () => {
    assert.deepEqual(
      [...bridgeGaps(Float64Array.of(Number.NaN, 2, Number.NaN, 6, Number.NaN))],
      [2, 2, 4, 6, 6],
    );
    assert.equal(formatLevel(0.1), "0.1");
    assert.equal(formatLevel(0.05), "0.05");
  });

  test("with outlier cleaning the members fit the cleaned history, the backtest keeps the raw actuals", () => {
    // A line 10, 11, …, 29 with a spike at the last point before the window (index 17); horizon 2, one window.
    const values = Array.from({ length: 20 }, (_, t) => 10 + t);
    values[17] = 100;
    const s = series(values, 2);
    const options = {
      quantiles: [0.5],
      metric: "MASE" as const,
      backtestWindows: 1,
      nonNegative: true,
      learnedMembers: ["naive" as const],
    };
    const raw = backtestAutoPredictor({ horizon: 2, period: 1 }, [s], options).backtests[0];
    const cleaned = backtestAutoPredictor({ horizon: 2, period: 1 }, [s], {
      ...options,
      outliers: { k: 3, maxShare: 0.1 },
    }).backtests[0];
    assert.deepEqual(Array.from(raw?.actual ?? []), [28, 29]);
    assert.deepEqual(Array.from(cleaned?.actual ?? []), [28, 29]);
    // The naive forecast repeats the last point: the spike raw, the line's value (27) once cleaned.
    assert.equal(raw?.parts?.[0]?.mean[0], 100);
    assert.ok(Math.abs((cleaned?.parts?.[0]?.mean[0] as number) - 27) < 1, `${cleaned?.parts?.[0]?.mean[0]}`);
  });
});
