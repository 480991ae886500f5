import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EtsModel, FittedEts } from "../../../src/forecasting/ets/auto-ets.js";
import { type EtsFit, fitEts } from "../../../src/forecasting/ets/fit.js";
import {
  type EtsRun,
  type EtsState,
  pointForecast,
  runFilter,
  simulatePaths,
} from "../../../src/forecasting/ets/recursion.js";
import { candidateSpecs, type EtsSpec, specName } from "../../../src/forecasting/ets/spec.js";
import { AIR_PASSENGERS, NILE } from "../fixtures.js";

const spec = (name: string): EtsSpec => ({
  error: name[0] as "A" | "M",
  trend: name[1] as "N" | "A",
  damped: name.includes("d"),
  season: name[name.length - 1] as "N" | "A" | "M",
});
const relClose = (a: number, b: number, tol: number) =>
  assert.ok(Math.abs(a - b) <= tol * Math.abs(b), `${a} vs ${b}`);
const EXACT = { optimizeSeasonalStates: true, maxEvaluations: 5000, tolerance: 1e-10, restarts: 5 };

describe("ETS recursion", () => {
  test("ANA by hand: two steps of the filter and the forecast", () => {
    const initial: EtsState = { level: 10, trend: 0, seasonal: Float64Array.of(1, -1) };
    const work: EtsState = { level: 0, trend: 0, seasonal: new Float64Array(2) };
    const run: EtsRun = { sse: 0, logForecasts: 0 };
    const params = { alpha: 0.5, beta: 0, gamma: 0.2, phi: 1 };
    assert.ok(runFilter(spec("ANA"), params, initial, work, Float64Array.of(12, 8), run));
    // t0: ŷ 11, e 1, ℓ 10.5, s0 1.2; t1: ŷ 9.5, e −1.5, ℓ 9.75, s1 −1.3
    assert.ok(Math.abs(run.sse - 3.25) < 1e-12);
    assert.ok(Math.abs(work.level - 9.75) < 1e-12);
    assert.deepEqual(
      Array.from(work.seasonal).map((v) => Math.round(v * 1e12) / 1e12),
      [1.2, -1.3],
    );
    const f = pointForecast(spec("ANA"), params, work, 2, 3);
    assert.deepEqual(
      Array.from(f).map((v) => Math.round(v * 1e12) / 1e12),
      [10.95, 8.45, 10.95],
    );
  });

  test("damped trend forecasts add φ + φ² + … of the trend", () => {
    const st: EtsState = { level: 100, trend: 10, seasonal: new Float64Array(1) };
    const f = pointForecast(spec("AAdN"), { alpha: 0.5, beta: 0.1, gamma: 0, phi: 0.5 }, st, 0, 3);
    assert.deepEqual(Array.from(f), [105, 107.5, 108.75]);
  });

  test("candidates follow R's restrictions", () => {
    assert.deepEqual(candidateSpecs(false, false).map(specName), ["ANN", "AAN", "AAdN"]);
    const all = candidateSpecs(true, true).map(specName);
    assert.equal(all.length, 15);
    assert.ok(!all.includes("AAM") && all.includes("MAdM") && all.includes("AAdA"));
  });
});

describe("ETS fits against R's forecast::ets", () => {
  test("ETS(A,N,N) on Nile: α 0.2455, forecast 805.38, 95% upper 1088.07 / 1096.47 / 1104.63", () => {
    const fit = fitEts(NILE, spec("ANN"), 1, EXACT);
    assert.ok(fit);
    assert.ok(Math.abs(fit.params.alpha - 0.245533862697) < 0.005);
    relClose(fit.sigma2, 20802.8010256, 0.02);
    const f = new FittedEts(fit, NILE.length, 1000, 1).forecast(3, [0.975]);
    for (let i = 0; i < 3; i++) relClose(f.mean[i], 805.381282859, 2e-3);
    [1088.07034083, 1096.46686305, 1104.62788099].forEach((v, i) => {
      relClose(f.quantiles[0][i], v, 3e-3);
    });
  });

  test("ETS(A,A,A) on log AirPassengers: R's likelihood (n·log SSE = −241.17) or better, forecasts within 0.5%", () => {
    const y = AIR_PASSENGERS.map(Math.log);
    const fit = fitEts(y, spec("AAA"), 12, EXACT);
    assert.ok(fit);
    const work: EtsState = { level: 0, trend: 0, seasonal: new Float64Array(12) };
    const run: EtsRun = { sse: 0, logForecasts: 0 };
    assert.ok(runFilter(fit.spec, fit.params, fit.initial, work, y, run));
    assert.ok(144 * Math.log(run.sse) <= -241.17);
    const f = new FittedEts(fit, 144, 1000, 1).forecast(12, [0.975]);
    const rMean = [
      6.10933527444, 6.0925417448, 6.23662627842, 6.21853080522, 6.22673440211, 6.35973406694, 6.47037908884,
      6.47071442726, 6.33240209694, 6.20774678493, 6.07623964718, 6.2027095423,
    ];
    rMean.forEach((v, i) => {
      relClose(f.mean[i], v, 5e-3);
    });
  });

  test("ETS(M,A,M) on AirPassengers reaches at least R's likelihood (R: n·log SSE + 2Σlog ŷ = 1364.81)", () => {
    const fit = fitEts(AIR_PASSENGERS, spec("MAM"), 12, EXACT) as EtsFit;
    const work: EtsState = { level: 0, trend: 0, seasonal: new Float64Array(12) };
    const run: EtsRun = { sse: 0, logForecasts: 0 };
    assert.ok(runFilter(fit.spec, fit.params, fit.initial, work, AIR_PASSENGERS, run));
    assert.ok(144 * Math.log(run.sse) + 2 * run.logForecasts <= 1364.81);
  });

  test("model selection: multiplicative season for AirPassengers, M,N,N for Nile (as R)", () => {
    const ap = new EtsModel().search(AIR_PASSENGERS, 12);
    assert.equal(ap?.spec.season, "M");
    assert.equal(ap?.spec.error, "M");
    const nile = new EtsModel().search(NILE, 1);
    assert.equal(nile && specName(nile.spec), "MNN");
  });
});

describe("ETS intervals", () => {
  const fit: EtsFit = {
    spec: spec("AAN"),
    period: 1,
    params: { alpha: 0.5, beta: 0.1, gamma: 0, phi: 1 },
    initial: { level: 0, trend: 0, seasonal: new Float64Array(1) },
    final: { level: 100, trend: 2, seasonal: new Float64Array(1) },
    sigma2: 4,
    aicc: 0,
    parameterCount: 5,
  };

  test("class 1: σ²·(1 + Σ (α + βj)²)", () => {
    const f = new FittedEts(fit, 10, 1000, 1).forecast(3, [0.8413447460685429]);
    assert.deepEqual(Array.from(f.mean), [102, 104, 106]);
    const sd = [2, 2 * Math.sqrt(1 + 0.36), 2 * Math.sqrt(1 + 0.36 + 0.49)];
    sd.forEach((s, i) => {
      assert.ok(Math.abs(f.quantiles[0][i] - f.mean[i] - s) < 1e-6);
    });
  });

  test("multiplicative models are simulated: reproducible, ordered, widening", () => {
    const mnn: EtsFit = { ...fit, spec: spec("MNN"), sigma2: 0.01 };
    const a = new FittedEts(mnn, 10, 2000, 3).forecast(6, [0.05, 0.5, 0.95]);
    const b = new FittedEts(mnn, 10, 2000, 3).forecast(6, [0.05, 0.5, 0.95]);
    assert.deepEqual(a, b);
    for (let j = 0; j < 6; j++)
      assert.ok(a.quantiles[0][j] < a.quantiles[1][j] && a.quantiles[1][j] < a.quantiles[2][j]);
    assert.ok(a.quantiles[2][5] - a.quantiles[0][5] > a.quantiles[2][0] - a.quantiles[0][0]);
    // one step ahead: 100·(1 ± 1.645·0.1)
    assert.ok(Math.abs(a.quantiles[2][0] - 116.45) < 1.5);
  });

  test("simulated paths without noise follow the point forecast (MAdM)", () => {
    const madm = spec("MAdM");
    const params = { alpha: 0.3, beta: 0.1, gamma: 0.2, phi: 0.9 };
    const from: EtsState = { level: 50, trend: 2, seasonal: Float64Array.of(0.8, 1, 1.2) };
    const paths = new Float64Array(4 * 7);
    simulatePaths(madm, params, from, 10, 7, 0, new Float64Array(4 * 7), paths);
    const expected = Array.from(pointForecast(madm, params, from, 10, 7));
    for (let s = 0; s < 4; s++) {
      Array.from(paths.subarray(s * 7, s * 7 + 7)).forEach((v, j) => {
        assert.ok(Math.abs(v - (expected[j] as number)) < 1e-9, `path ${s} step ${j}`);
      });
    }
  });

  test("too short series fall back to naive", () => {
    const f = new EtsModel().fit(Float64Array.of(3, 4), { period: 1 }).forecast(2, [0.5]);
    assert.deepEqual(Array.from(f.mean), [4, 4]);
  });
});
