import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createMember, loadMembers, MEMBER_NAMES } from "../../src/forecasting/members.js";

await loadMembers(MEMBER_NAMES);

// Series a predictor meets in practice that break naive implementations: every member must return finite,
// ordered forecasts for them instead of throwing.
const awkward: Record<string, Float64Array> = {
  single: Float64Array.of(5),
  two: Float64Array.of(5, 7),
  constant: new Float64Array(30).fill(3),
  zeros: new Float64Array(30),
  intermittent: Float64Array.from({ length: 60 }, (_, t) => (t % 7 === 0 ? 4 : 0)),
  negative: Float64Array.from({ length: 50 }, (_, t) => -100 + Math.sin(t) * 5 - t),
  huge: Float64Array.from({ length: 50 }, (_, t) => 1e12 * (1 + 0.1 * Math.sin(t / 2))),
  shortSeasonal: Float64Array.from({ length: 15 }, (_, t) => 10 + (t % 12)),
  step: Float64Array.from({ length: 48 }, (_, t) => (t < 24 ? 1 : 1000)),
};

describe("members on awkward series", () => {
  for (const [label, y] of Object.entries(awkward)) {
    test(label, () => {
      for (const name of MEMBER_NAMES) {
        const f = createMember(name).fit(y, { period: 12 }).forecast(13, [0.05, 0.5, 0.95]);
        assert.equal(f.mean.length, 13, `${name}`);
        for (let t = 0; t < 13; t++) {
          assert.ok(Number.isFinite(f.mean[t]), `${name} mean[${t}] = ${f.mean[t]}`);
          assert.ok(
            f.quantiles[0][t] <= f.quantiles[1][t] && f.quantiles[1][t] <= f.quantiles[2][t],
            `${name} order`,
          );
          assert.ok(
            Number.isFinite(f.quantiles[0][t]) && Number.isFinite(f.quantiles[2][t]),
            `${name} finite`,
          );
        }
      }
    });
  }

  test("a constant series is forecast as that constant by every member", () => {
    for (const name of MEMBER_NAMES) {
      const f = createMember(name).fit(awkward.constant, { period: 12 }).forecast(3, [0.5]);
      for (const v of f.mean) assert.ok(Math.abs(v - 3) < 1e-6, `${name}: ${v}`);
    }
  });
});
