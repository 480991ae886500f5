import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isSeasonal } from "../../src/forecasting/decompose.js";
import { fitSes } from "../../src/forecasting/ses.js";
import { ThetaModel } from "../../src/forecasting/theta.js";
import { AIR_PASSENGERS, NILE } from "./fixtures.js";

const relClose = (a: number, b: number, tol: number) =>
  assert.ok(Math.abs(a - b) <= tol * Math.abs(b), `${a} vs ${b}`);

describe("SES", () => {
  test("matches R's ses(Nile): alpha 0.2457, level after the data 805.34", () => {
    const fit = fitSes(NILE);
    assert.ok(Math.abs(fit.alpha - 0.245668153653) < 1e-3);
    relClose(fit.level, 805.336329326, 1e-4);
    relClose(fit.initialLevel, 1110.73409658, 1e-3);
  });
});

describe("Theta", () => {
  test("AirPassengers is seasonal at 90%, Nile has no season", () => {
    assert.equal(isSeasonal(AIR_PASSENGERS, 12, 0.9), true);
    assert.equal(isSeasonal(NILE, 1, 0.9), false);
  });

  test("matches R's thetaf(AirPassengers, h = 12), mean and 95% upper bound", () => {
    const rMean = [
      440.078191082, 428.384280557, 489.70709867, 475.704627661, 479.670388669, 545.366272154, 602.752001822,
      601.100763091, 523.951492159, 456.627144913, 397.953734666, 447.644908743,
    ];
    const rUpper = [
      461.159663594, 455.885936645, 522.391249139, 512.855217108, 520.80527533, 590.132235842, 650.875843203,
      652.362997861, 578.170762883, 513.650314959, 457.649249794, 509.898158705,
    ];
    const f = new ThetaModel().fit(AIR_PASSENGERS, { period: 12 }).forecast(12, [0.975]);
    for (let i = 0; i < 12; i++) {
      relClose(f.mean[i], rMean[i], 1e-3);
      relClose(f.quantiles[0][i], rUpper[i], 2e-3);
    }
  });

  test("matches R's thetaf(Nile, h = 3)", () => {
    const f = new ThetaModel().fit(NILE, { period: 1 }).forecast(3, [0.975]);
    [799.811996216, 798.454843501, 797.097690785].forEach((v, i) => {
      relClose(f.mean[i], v, 1e-4);
    });
    [1082.50104987, 1089.54947381, 1096.36189936].forEach((v, i) => {
      relClose(f.quantiles[0][i], v, 1e-3);
    });
  });
});
