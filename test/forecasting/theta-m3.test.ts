import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fitThetaLines, leastSquaresLine, ThetaM3Model } from "../../src/forecasting/theta-m3.js";
import { AIR_PASSENGERS } from "./fixtures.js";

const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

// Hand computation on y = 1, 3, 2, 4, 3, 5 (Assimakopoulos & Nikolopoulos 2000): the theta = 0 line is
// 0.8 + 0.628571·t; the theta = 2 line is 2y − that line; SES with α = 0.5 and its least-squares starting
// level 1.941099 ends at 4.058901; the forecast averages the two lines' extrapolations.
const Y = Float64Array.of(1, 3, 2, 4, 3, 5);

describe("M3 Theta", () => {
  test("theta = 0 line by least squares over t = 1..n", () => {
    const line = leastSquaresLine(Y);
    close(line.intercept, 0.8);
    close(line.slope, 0.6285714285714286);
  });

  test("SES on the theta = 2 line with α = 0.5: level 4.058901, σ² 6.823535", () => {
    const lines = fitThetaLines(Y, 0.5);
    close(lines.level, 4.058901098901099);
    close(lines.sigma2, 6.823535321821037);
  });

  test("forecast = ½·line(n + j) + ½·SES level, sd = ½·σ·√(1 + (j − 1)α²)", () => {
    const lines = fitThetaLines(Y, 0.5);
    const expected = [4.629450549450549, 4.943736263736264, 5.2580219780219775];
    const sds = [1.3060948780449524, 1.4602584661864058, 1.5996330034363782];
    for (let j = 1; j <= 3; j++) {
      close(0.5 * (lines.intercept + lines.slope * (6 + j)) + 0.5 * lines.level, expected[j - 1]);
      close(0.5 * Math.sqrt(lines.sigma2) * Math.sqrt(1 + (j - 1) * 0.25), sds[j - 1]);
    }
  });

  test("the member's non-seasonal forecast is the two lines' average, with the optimised α", () => {
    const lines = fitThetaLines(Y);
    const f = new ThetaM3Model().fit(Y, { period: 1 }).forecast(3, [0.1, 0.5, 0.9]);
    for (let j = 1; j <= 3; j++) {
      close(f.mean[j - 1], 0.5 * (lines.intercept + lines.slope * (6 + j)) + 0.5 * lines.level);
      close(f.quantiles[1][j - 1], f.mean[j - 1]);
      assert.ok(f.quantiles[0][j - 1] < f.mean[j - 1] && f.mean[j - 1] < f.quantiles[2][j - 1]);
    }
  });

  test("AirPassengers is deseasonalised multiplicatively: the forecast keeps its summer peak", () => {
    const f = new ThetaM3Model().fit(AIR_PASSENGERS, { period: 12 }).forecast(12, [0.5]);
    // 1961: July (index 6) well above November (index 10), as every year of the data.
    assert.ok(f.mean[6] > 1.3 * f.mean[10], `${f.mean[6]} vs ${f.mean[10]}`);
    // Without the test passing (period 1) the forecast is a straight line plus a level.
    const flat = new ThetaM3Model().fit(AIR_PASSENGERS, { period: 1 }).forecast(3, [0.5]);
    close(flat.mean[2] - flat.mean[1], flat.mean[1] - flat.mean[0], 1e-9);
  });
});
