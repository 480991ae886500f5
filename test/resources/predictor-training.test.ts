import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { chunkSize, chunks } from "../../src/pipelines/predictor-training.js";

describe("predictor training tasks", () => {
  test("a few hundred series spread over the threads in several chunks each", () => {
    assert.equal(chunkSize(366, 2), 46);
    assert.equal(chunks(Array.from({ length: 366 }), chunkSize(366, 2)).length, 8);
  });

  test("large sets go in chunks of at most 250, small ones in chunks of at least one", () => {
    assert.equal(chunkSize(100_000, 2), 250);
    assert.equal(chunkSize(3, 2), 1);
    assert.equal(chunkSize(0, 2), 1);
  });
});
