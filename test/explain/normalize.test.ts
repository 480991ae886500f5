import assert from "node:assert/strict";
import { test } from "node:test";
import { normalizeImpacts } from "../../src/explain/index.js";

test("normalized = raw / max|raw|, in [-1, 1]", () => {
  assert.deepEqual(Array.from(normalizeImpacts([2, -4, 1, 0])), [0.5, -1, 0.25, 0]);
  assert.deepEqual(Array.from(normalizeImpacts([0.3])), [1]);
});

test("all zeros (or nothing) normalize to zeros", () => {
  assert.deepEqual(Array.from(normalizeImpacts([0, 0, -0])), [0, 0, 0]);
  assert.deepEqual(Array.from(normalizeImpacts([])), []);
});

test("infinite raw scores are refused", () => {
  assert.throws(() => normalizeImpacts([1, Number.POSITIVE_INFINITY]), RangeError);
});
