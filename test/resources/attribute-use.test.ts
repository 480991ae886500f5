import assert from "node:assert/strict";
import { test } from "node:test";
import { seriesContexts } from "../../src/forecasting/global/index.js";
import {
  attributeUseMessage,
  attributeUseOf,
  NO_ATTRIBUTE_MODEL,
} from "../../src/resources/attribute-use.js";
import { attributeKinds, attributePoints } from "../../src/resources/attribute-values.js";
import type { PredictorModel } from "../../src/resources/predictor-training.js";
import { demandData } from "../forecasting/global/demand-data.js";

const model = (choices: Record<string, string>, global = true): PredictorModel => ({
  version: 1,
  choices,
  nonNegative: true,
  ...(global ? { globalModelFile: "/nowhere/global-model.json" } : {}),
});

test("a series uses attributes when its forecast comes from the global model, else says which member", () => {
  const m = model({ '["a"]': "global", '["b"]': "ets", '["c"]': "combination" });
  assert.deepEqual(attributeUseOf(m, '["a"]'), { uses: true });
  const b = attributeUseOf(m, '["b"]');
  assert.ok(!b.uses && /ETS, which uses no attribute/.test(b.reason), JSON.stringify(b));
  const c = attributeUseOf(m, '["c"]');
  assert.ok(!c.uses && /combination/.test(c.reason));
  const none = attributeUseOf(model({ '["a"]': "ets" }, false), '["a"]');
  assert.deepEqual(none, { uses: false, reason: NO_ATTRIBUTE_MODEL });
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
