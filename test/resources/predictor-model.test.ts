import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { readPredictorModel, seriesWeightsOf } from "../../src/forecasting/auto/predictor-model.js";

/** Model files of a data dir from before keys are absolute paths, which the blob layer reads in place. */
const localFiles = { readText: (file: string) => fs.readFile(file, "utf8") };

test("a version-1 model.json (one member per series) reads as the combination of each series' choice", async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "predictor-model-"));
  try {
    const file = path.join(dir, "model.json");
    const v1 = {
      version: 1,
      choices: { '["a"]': "global", '["b"]': "theta" },
      nonNegative: true,
      globalModelFile: path.join(dir, "global-model.json"),
    };
    await fs.writeFile(file, JSON.stringify(v1));
    const model = await readPredictorModel(localFiles, file);
    assert.equal(model.version, 2);
    assert.deepEqual(model.memberFiles, { global: v1.globalModelFile });
    assert.deepEqual([...seriesWeightsOf(model, '["a"]')], [["global", 1]]);
    assert.deepEqual([...seriesWeightsOf(model, '["b"]')], [["theta", 1]]);
    // A series unknown at training: the median combination.
    assert.deepEqual([...seriesWeightsOf(model, '["new"]')], [["combination", 1]]);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test("version 2: the dataset-level weights with each series' own member", async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "predictor-model-"));
  try {
    const file = path.join(dir, "model.json");
    const v2 = {
      version: 2,
      choices: { '["a"]': "arima" },
      combination: { components: ["choice", "global"], weights: [0.2, 0.8] },
      nonNegative: false,
      memberFiles: { global: "g.json" },
    };
    await fs.writeFile(file, JSON.stringify(v2));
    const model = await readPredictorModel(localFiles, file);
    assert.deepEqual(
      [...seriesWeightsOf(model, '["a"]')],
      [
        ["arima", 0.2],
        ["global", 0.8],
      ],
    );
    assert.deepEqual(
      [...seriesWeightsOf(model, '["new"]')],
      [
        ["combination", 0.2],
        ["global", 0.8],
      ],
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
