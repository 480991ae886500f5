import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ArimaModel, autoArima } from "../../../src/forecasting/arima/auto-arima.js";
import { fitArma } from "../../../src/forecasting/arima/css-fit.js";
import { difference } from "../../../src/forecasting/arima/differencing.js";
import { AIR_PASSENGERS, NILE } from "../fixtures.js";

const close = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe("CSS fit", () => {
  test("ARMA(1,1) with mean on Nile matches R's arima(method = 'CSS')", () => {
    const spec = { p: 1, q: 1, seasonalP: 0, seasonalQ: 0, period: 1, constant: true };
    const fit = fitArma(NILE, spec, 1);
    assert.ok(fit);
    close(fit.phi[0], 0.886864831708, 2e-3);
    close(fit.theta[0], -0.604888573894, 3e-3);
    close(fit.mean, 889.153903156, 1);
    close(fit.sigma2 / 19576.2487513, 1, 1e-4);
  });

  test("airline model on log AirPassengers matches R: ma1 −0.3772, sma1 −0.5724, forecasts and s.e.", () => {
    const logAp = AIR_PASSENGERS.map(Math.log);
    const w = difference(difference(logAp, 12), 1);
    const spec = { p: 0, q: 1, seasonalP: 0, seasonalQ: 1, period: 12, constant: false };
    const fit = fitArma(w, spec, 0);
    assert.ok(fit);
    close(fit.theta[0], -0.377162439118, 1e-3);
    close(fit.seasonalTheta[0], -0.572379062669, 1e-3);
    close(fit.sigma2, 0.00138874990304, 1e-6);
  });
});

describe("auto ARIMA", () => {
  test("forecasts the airline model like R's predict()", () => {
    const logAp = AIR_PASSENGERS.map(Math.log);
    const fitted = autoArima(logAp, 12);
    assert.ok(fitted);
    assert.equal(fitted.order.d, 1);
    assert.equal(fitted.order.seasonalD, 1);
    const f = fitted.forecast(3, [0.8413447460685429]);
    // R, ARIMA(0,1,1)(0,1,1)[12] by CSS: 6.10959, 6.05373, 6.17289 with s.e. 0.0373, 0.0439, 0.0497.
    if (fitted.order.p === 0 && fitted.order.q === 1 && fitted.order.seasonalP === 0) {
      [6.10959222679, 6.05372720481, 6.17289065737].forEach((v, i) => {
        close(f.mean[i], v, 2e-3);
      });
      [0.0372659877666, 0.0439031600691, 0.0496610620494].forEach((se, i) => {
        close(f.quantiles[0][i] - f.mean[i], se, 1e-3);
      });
    } else {
      [6.10959222679, 6.05372720481, 6.17289065737].forEach((v, i) => {
        close(f.mean[i], v, 0.03);
      });
    }
  });

  test("a deterministic line is extrapolated (d = 1 with drift)", () => {
    const y = Float64Array.from({ length: 30 }, (_, t) => 3 + 2 * t + (t % 2 === 0 ? 0.1 : -0.1));
    const f = new ArimaModel().fit(y, { period: 1 }).forecast(5, [0.5]);
    for (let i = 0; i < 5; i++) close(f.mean[i], 3 + 2 * (30 + i), 0.5);
  });

  test("Nile: non-seasonal, differenced once, forecasts near the recent level", () => {
    const fitted = autoArima(NILE, 1);
    assert.ok(fitted);
    assert.equal(fitted.order.d, 1);
    const f = fitted.forecast(3, [0.1, 0.9]);
    for (let i = 0; i < 3; i++) {
      assert.ok(f.mean[i] > 750 && f.mean[i] < 900);
      assert.ok(f.quantiles[0][i] < f.mean[i] && f.mean[i] < f.quantiles[1][i]);
    }
  });

  test("too short or non-finite series fall back without throwing", () => {
    const f = new ArimaModel().fit(Float64Array.of(4, 5), { period: 12 }).forecast(2, [0.5]);
    assert.deepEqual(Array.from(f.mean), [5, 5]);
    const g = new ArimaModel().fit(Float64Array.of(1, Number.NaN, 3, 4, 5), { period: 1 }).forecast(1, []);
    assert.equal(g.mean.length, 1);
  });

  test("a 3-point level series is forecast by the random walk, not zero-mean white noise", () => {
    // Too short for a mean, the search used to keep ARMA(0,0) without one: mean 0 and p10 −1.28·rms(y) < 0.
    // The random walk: mean 11; σ = rms of the differences 2, −1 = √2.5; p10 = 11 − 1.2815516·σ·√step.
    assert.equal(autoArima(Float64Array.of(10, 12, 11), 1), null);
    const f = new ArimaModel().fit(Float64Array.of(10, 12, 11), { period: 1 }).forecast(2, [0.1, 0.5, 0.9]);
    assert.deepEqual(Array.from(f.mean), [11, 11]);
    const sigma = Math.sqrt(2.5);
    close(f.quantiles[0][0], 11 - 1.2815516 * sigma, 1e-5);
    close(f.quantiles[0][1], 11 - 1.2815516 * sigma * Math.SQRT2, 1e-5);
    close(f.quantiles[2][1], 11 + 1.2815516 * sigma * Math.SQRT2, 1e-5);
    // Four points carry a mean (or a difference): the search runs, and the forecast stays near the data.
    const g = new ArimaModel().fit(Float64Array.of(10, 12, 11, 12), { period: 1 }).forecast(1, [0.1]);
    assert.ok(g.mean[0] > 9 && g.mean[0] < 13 && g.quantiles[0][0] > 0, `${g.mean[0]}, ${g.quantiles[0][0]}`);
  });
});
