import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { explainGlobal, explainGlobalBruteForce } from "../../src/explain/index.js";
import {
  baselineRows,
  featureRows,
  fitGlobalModel,
  forecastGlobal,
  layoutFor,
  seriesContexts,
} from "../../src/forecasting/global/index.js";
import { demandData } from "../forecasting/global/demand-data.js";

const HORIZON = 14;
const data = demandData({ nSeries: 60, n: 200, horizon: HORIZON, seed: 2 });
const { set } = data;
const model = fitGlobalModel(set, {
  quantiles: [0.1, 0.5, 0.9],
  maxTrainingRows: 12_000,
  params: { nTrees: 80 },
});
const steps = Array.from({ length: HORIZON }, (_, k) => k);
const everything = set.series.map((_, series) => ({ series, steps }));
const mean = explainGlobal(model, set, everything, { quantile: "mean" });
const K = mean.attributes.length;
const impact = (e: typeof mean, row: number, player: number) => e.raw[row * K + player];
const [PRICE, PROMO, TEMPERATURE, CATEGORY] = [0, 1, 2, 3];

function meanAbs(e: typeof mean, player: number): number {
  let s = 0;
  for (let r = 0; r < e.rows.length; r++) s += Math.abs(impact(e, r, player));
  return s / e.rows.length;
}

describe("global model explanation", () => {
  test("players are the attributes in attributeNames order, one row per (series, step)", () => {
    assert.deepEqual(mean.attributes, ["price", "promo", "temperature", "category", "Holiday_US"]);
    assert.equal(mean.rows.length, 60 * HORIZON);
    assert.deepEqual(mean.rows[HORIZON + 2], { series: 1, step: 2 });
    assert.equal(mean.raw.length, mean.rows.length * K);
  });

  test("efficiency: each row's impacts sum to forecast − baseline forecast (1e-6 relative)", () => {
    for (const quantile of ["mean", 0.1, 0.9] as const) {
      const e = quantile === "mean" ? mean : explainGlobal(model, set, everything, { quantile });
      for (let r = 0; r < e.rows.length; r++) {
        let sum = 0;
        for (let p = 0; p < K; p++) sum += impact(e, r, p);
        const gap = e.forecast[r] - e.baselineForecast[r];
        assert.ok(
          Math.abs(sum - gap) <= 1e-6 * Math.max(1, Math.abs(e.forecast[r])),
          `row ${r}: ${sum} vs ${gap}`,
        );
      }
    }
  });

  test("the explained forecast is the model's: forecastGlobal's mean where no floor applied", () => {
    const f = forecastGlobal(model, set);
    mean.rows.forEach(({ series, step }, r) => {
      if (mean.forecast[r] >= 0) assert.ok(Math.abs(f[series].mean[step] - mean.forecast[r]) < 1e-9);
    });
  });

  test("price above its mean lowers demand, below raises it", () => {
    let high = 0;
    let highNegative = 0;
    let low = 0;
    let lowPositive = 0;
    mean.rows.forEach(({ series, step }, r) => {
      const s = set.series[series];
      const relative = s.related[PRICE][s.target.length + step] / data.meanPrice[series];
      if (relative > 1.1) {
        high++;
        if (impact(mean, r, PRICE) < 0) highNegative++;
      } else if (relative < 0.9) {
        low++;
        if (impact(mean, r, PRICE) > 0) lowPositive++;
      }
    });
    // Measured on data seeds 1–6: at least 96% right on either side; demand moves ≥ 5% with price there.
    assert.ok(high > 50 && low > 50);
    assert.ok(highNegative >= 0.9 * high, `${highNegative} of ${high} high-price rows negative`);
    assert.ok(lowPositive >= 0.9 * low, `${lowPositive} of ${low} low-price rows positive`);
  });

  test("a promotion raises demand", () => {
    let promo = 0;
    let positive = 0;
    let total = 0;
    mean.rows.forEach(({ series, step }, r) => {
      const s = set.series[series];
      if (s.related[PROMO][s.target.length + step] === 1) {
        promo++;
        total += impact(mean, r, PROMO);
        if (impact(mean, r, PROMO) > 0) positive++;
      }
    });
    assert.ok(promo > 30 && positive >= 0.9 * promo, `${positive} of ${promo} promo rows positive`);
    // The generator adds 20 units; the model should credit most of it to the promotion.
    assert.ok(total / promo > 10 && total / promo < 30, `mean promo impact ${total / promo}`);
  });

  test("a holiday raises demand (explaining the forecast made 20 days back, over 2023-07-04)", () => {
    const e = explainGlobal(model, set, everything, { quantile: "mean", cutoff: 20 });
    const HOLIDAY = 4;
    let positive = 0;
    let holidays = 0;
    e.rows.forEach(({ series, step }, r) => {
      const onHoliday = set.series[series].holidays[0][200 - 20 + step] === 1;
      if (onHoliday) {
        holidays++;
        if (impact(e, r, HOLIDAY) > 0) positive++;
      } else assert.equal(impact(e, r, HOLIDAY), 0, "no holiday is the baseline itself");
    });
    assert.equal(holidays, 60);
    assert.ok(positive >= 54, `${positive} of ${holidays} holiday rows positive`);
  });

  test("attributes without effect get little impact", () => {
    const price = meanAbs(mean, PRICE);
    // Measured on data seeds 1–6: price 5.8–9.9, promo 1.6–2.2, temperature 0.4–1.0, category 0.1–0.6.
    for (const idle of [TEMPERATURE, CATEGORY]) {
      const v = meanAbs(mean, idle);
      assert.ok(v < 0.2 * price, `${mean.attributes[idle]} ${v.toFixed(3)} vs price ${price.toFixed(3)}`);
    }
  });

  test("TreeSHAP equals brute-force enumeration of the same game (1e-9)", () => {
    // Rows chosen to include promotions, holiday-free and price-moved points.
    const points = [
      { series: 0, steps: [0, 4, 5, 13] },
      { series: 17, steps: [2, 9] },
      { series: 42, steps: [7] },
    ];
    // Cut 20 points back, step 4 lands on 2023-07-04: the holiday player is then in play too.
    for (const [quantile, cutoff] of [
      ["mean", 0],
      [0.9, 0],
      ["mean", 20],
    ] as const) {
      const fast = explainGlobal(model, set, points, { quantile, cutoff });
      const slow = explainGlobalBruteForce(model, set, points, { quantile, cutoff });
      assert.deepEqual(fast.rows, slow.rows);
      for (let i = 0; i < fast.raw.length; i++) {
        assert.ok(
          Math.abs(fast.raw[i] - slow.raw[i]) <= 1e-9 * Math.max(1, Math.abs(slow.raw[i])),
          `value ${i}`,
        );
      }
    }
  });

  test("the baseline: related at the series' mean, metadata at the most frequent code, holidays at 0", () => {
    const layout = layoutFor(set);
    const contexts = seriesContexts(set, 0);
    const rows = { series: Int32Array.of(5), origin: Int32Array.of(200), step: Int32Array.of(3) };
    const { X } = featureRows(layout, contexts, rows);
    const B = baselineRows(layout, contexts, rows, X, model.typicalMetadata);
    const nF = X.nFeatures;
    const price = set.series[5].related[PRICE];
    let sum = 0;
    for (let t = 0; t < 200; t++) sum += price[t];
    // Columns from the end: price, price_relative, promo, promo_relative, temperature, ..., category,
    // Holiday_US.
    assert.ok(Math.abs(B.data[nF - 8] - sum / 200) < 1e-9);
    assert.equal(B.data[nF - 7], 0);
    const codes = [0, 0, 0];
    for (const s of set.series) codes[s.metadata[0]]++;
    assert.equal(B.data[nF - 2], codes.indexOf(Math.max(...codes)));
    assert.equal(B.data[nF - 1], 0);
    for (let f = 0; f < nF - 8; f++) assert.equal(B.data[f], X.data[f]);
  });

  test("refuses a quantile the model was not fitted for, and points outside the horizon", () => {
    assert.throws(
      () => explainGlobal(model, set, [{ series: 0, steps: [0] }], { quantile: 0.3 }),
      /no quantile/,
    );
    assert.throws(
      () => explainGlobal(model, set, [{ series: 0, steps: [HORIZON] }], { quantile: "mean" }),
      /step/,
    );
    assert.throws(
      () => explainGlobal(model, set, [{ series: 60, steps: [0] }], { quantile: "mean" }),
      /series/,
    );
  });
});
