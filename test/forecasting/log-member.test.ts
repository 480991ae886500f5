import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isStrictlyPositive, LogMemberModel } from "../../src/forecasting/log-member.js";
import { createMember } from "../../src/forecasting/members.js";
import type { FitContext, FittedSeries, SeriesForecast, SeriesModel } from "../../src/forecasting/model.js";
import { normalQuantile } from "../../src/forecasting/normal.js";
import { AIR_PASSENGERS } from "./fixtures.js";

/** A member that extrapolates the least-squares line, with Gaussian quantiles of a fixed spread `sd`. */
class LineModel implements SeriesModel {
  readonly name = "line";
  fitted: Float64Array[] = [];
  constructor(private readonly sd = 0) {}
  fit(y: Float64Array, _ctx: FitContext): FittedSeries {
    this.fitted.push(y);
    const n = y.length;
    const tMean = (n - 1) / 2;
    const yMean = y.reduce((a, v) => a + v, 0) / n;
    let sxy = 0;
    let sxx = 0;
    for (let t = 0; t < n; t++) {
      sxy += (t - tMean) * ((y[t] as number) - yMean);
      sxx += (t - tMean) ** 2;
    }
    const slope = sxy / sxx;
    const sd = this.sd;
    return {
      forecast(h: number, levels: readonly number[]): SeriesForecast {
        const mean = Float64Array.from({ length: h }, (_, j) => yMean + slope * (n + j - tMean));
        return { mean, quantiles: levels.map((p) => mean.map((m) => m + normalQuantile(p) * sd)) };
      },
    };
  }
}

const close = (a: number, b: number, rel = 1e-10) =>
  assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} against ${b}`);

describe("a member fitted in logs", () => {
  test("exp(a + b·t) is forecast exactly by the log wrapper of a line", () => {
    const a = 4.2;
    const b = 0.035;
    const y = Float64Array.from({ length: 30 }, (_, t) => Math.exp(a + b * t));
    const f = new LogMemberModel(new LineModel(), "line-log")
      .fit(y, { period: 1 })
      .forecast(8, [0.1, 0.5, 0.9]);
    for (let j = 0; j < 8; j++) {
      const expected = Math.exp(a + b * (30 + j));
      close(f.mean[j] as number, expected);
      for (const q of f.quantiles) close(q[j] as number, expected);
    }
    // The raw line misses the curve: the test can tell the two apart.
    const raw = new LineModel().fit(y, { period: 1 }).forecast(8, [0.5]);
    assert.ok(Math.abs((raw.mean[7] as number) - Math.exp(a + b * 37)) > 1);
  });

  test("the point is exp of the log-space point, or the lognormal mean exp(m + s²/2) from the quantiles", () => {
    const y = Float64Array.from({ length: 24 }, (_, t) => Math.exp(2 + 0.1 * t));
    const s = 0.3;
    const levels = [0.1, 0.5, 0.9];
    const median = new LogMemberModel(new LineModel(s), "m").fit(y, { period: 1 }).forecast(4, levels);
    const mean = new LogMemberModel(new LineModel(s), "m", "lognormal-mean")
      .fit(y, { period: 1 })
      .forecast(4, levels);
    for (let j = 0; j < 4; j++) {
      const m = 2 + 0.1 * (24 + j);
      close(median.mean[j] as number, Math.exp(m));
      // Φ(±1) and the normal quantile function agree to about 1e-8, not to the last digit.
      close(mean.mean[j] as number, Math.exp(m + (s * s) / 2), 1e-7);
      close(median.quantiles[0]?.[j] as number, Math.exp(m + normalQuantile(0.1) * s));
      close(median.quantiles[2]?.[j] as number, Math.exp(m + normalQuantile(0.9) * s));
      // The quantiles do not depend on the point's choice.
      for (let l = 0; l < levels.length; l++)
        close(mean.quantiles[l]?.[j] as number, median.quantiles[l]?.[j] as number);
    }
    assert.equal(mean.quantiles.length, levels.length);
  });

  test("quantiles stay monotone after the map, in the order the levels were asked", () => {
    const levels = [0.9, 0.1, 0.5, 0.99, 0.01];
    for (const name of ["arima-log", "theta-log", "otm-log", "ces-log"] as const) {
      const f = createMember(name).fit(AIR_PASSENGERS, { period: 12 }).forecast(24, levels);
      for (let j = 0; j < 24; j++) {
        const at = (p: number) => f.quantiles[levels.indexOf(p)]?.[j] as number;
        assert.ok(at(0.01) > 0, name);
        assert.ok(
          at(0.01) <= at(0.1) && at(0.1) <= at(0.5) && at(0.5) <= at(0.9) && at(0.9) <= at(0.99),
          name,
        );
      }
    }
  });

  test("a series with a zero or a negative value falls back to the raw member, bit for bit", () => {
    for (const bad of [0, -3]) {
      const y = AIR_PASSENGERS.slice();
      y[7] = bad;
      assert.equal(isStrictlyPositive(y), false);
      for (const name of ["arima", "theta", "otm", "ces"] as const) {
        const logged = createMember(`${name}-log`).fit(y, { period: 12 }).forecast(12, [0.1, 0.5, 0.9]);
        const raw = createMember(name).fit(y, { period: 12 }).forecast(12, [0.1, 0.5, 0.9]);
        assert.deepStrictEqual(logged, raw, name);
      }
    }
    // The wrapper hands the raw values themselves to the member.
    const line = new LineModel();
    const y = Float64Array.from([3, 0, 5, 6]);
    new LogMemberModel(line, "line-log").fit(y, { period: 1 });
    assert.equal(line.fitted[0], y);
  });

  test("a positive series is fitted in logs: arima-log differs from arima on AirPassengers", () => {
    const logged = createMember("arima-log").fit(AIR_PASSENGERS, { period: 12 }).forecast(12, [0.5]);
    const raw = createMember("arima").fit(AIR_PASSENGERS, { period: 12 }).forecast(12, [0.5]);
    assert.notDeepStrictEqual(logged.mean, raw.mean);
    assert.ok(isStrictlyPositive(AIR_PASSENGERS));
  });
});
