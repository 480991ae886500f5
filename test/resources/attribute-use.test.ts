import assert from "node:assert/strict";
import { test } from "node:test";
import type { PredictorModel } from "../../src/forecasting/auto/predictor-model.js";
import { seriesContexts } from "../../src/forecasting/global/index.js";
import {
  attributeUseMessage,
  attributeUseOf,
  NO_ATTRIBUTE_MODEL,
  ZERO_WEIGHT,
} from "../../src/resources/attribute-use.js";
import { attributeKinds, attributePoints } from "../../src/resources/attribute-values.js";
import { demandData } from "../forecasting/global/demand-data.js";

const model = (
  choices: Record<string, string>,
  components: string[],
  weights: number[],
  global = true,
): PredictorModel => ({
  version: 2,
  choices,
  combination: { components, weights },
  nonNegative: true,
  memberFiles: global ? { global: "/nowhere/global-model.json" } : {},
});

test("a series uses attributes when the global model has weight in its combination, else says why", () => {
  const keys = { '["a"]': "ets", '["b"]': "combination" };
  const blended = model(keys, ["choice", "global"], [0.4, 0.6]);
  assert.deepEqual(attributeUseOf(blended, '["a"]'), { uses: true });
  assert.deepEqual(attributeUseOf(blended, '["b"]'), { uses: true });
  // The global model took part but its learned weight is 0.
  assert.deepEqual(attributeUseOf(model(keys, ["choice", "global"], [1, 0]), '["a"]'), {
    uses: false,
    reason: ZERO_WEIGHT,
  });
  // No model with attributes at all.
  assert.deepEqual(attributeUseOf(model(keys, ["choice"], [1], false), '["a"]'), {
    uses: false,
    reason: NO_ATTRIBUTE_MODEL,
  });
  // A model with attributes was fitted but is not a component (legacy single-algorithm predictors).
  const own = attributeUseOf(model(keys, ["choice"], [1]), '["a"]');
  assert.ok(!own.uses && /ETS, which uses no attribute/.test(own.reason), JSON.stringify(own));
  const combined = attributeUseOf(model(keys, ["choice"], [1]), '["b"]');
  assert.ok(!combined.uses && /combination/.test(combined.reason));
});

test("the message counts the series without attributes and groups their reasons", () => {
  assert.equal(attributeUseMessage([], 5), undefined);
  assert.equal(
    attributeUseMessage(["r1", "r1"], 5),
    "2 of 5 explained series use no attribute, so their impact scores are empty (not 0) in the export: r1.",
  );
  assert.match(attributeUseMessage(["r1", "r2", "r1"], 3) as string, /^3 of 3 .*: 2: r1; 1: r2\.$/);
});

test("values and baselines at explained points match the global model's baseline definition", () => {
  const { set } = demandData({ nSeries: 4, n: 120, horizon: 7, seed: 3 });
  set.series[1]?.related[0]?.fill(Number.NaN, 0, 10);
  assert.deepEqual(attributeKinds(set), ["numeric", "numeric", "numeric", "categorical", "categorical"]);
  for (const cutoff of [0, 7]) {
    const contexts = seriesContexts(set, cutoff);
    const points = attributePoints(set, [2], cutoff);
    const value = new Float64Array(5);
    const baseline = new Float64Array(5);
    for (let i = 0; i < set.series.length; i++) {
      const s = set.series[i];
      assert.ok(s);
      points.at(i, 3, value, baseline);
      const t = s.target.length - cutoff + 3;
      for (let r = 0; r < 3; r++) {
        assert.ok(Math.abs((baseline[r] as number) - (contexts[i]?.relatedMean[r] as number)) < 1e-12);
        assert.equal(value[r], s.related[r]?.[t]);
      }
      assert.deepEqual([value[3], baseline[3]], [s.metadata[0], 2]);
      assert.deepEqual([value[4], baseline[4]], [s.holidays[0]?.[t], 0]);
    }
  }
});
