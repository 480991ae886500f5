/**
 * The AutoPredictor's backtest spill in the embedded deployment (one process, worker threads, the embedded S3
 * endpoint): the chunks' component forecasts go by key to the internal bucket as in scale-out (the threads return
 * them, this process stores them), and none is left once the predictor is ACTIVE.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CreateAutoPredictorCommand, DescribeAutoPredictorCommand } from "@aws-sdk/client-forecast";
import { jobScratchRoot } from "../../src/storage/blob-store.js";
import {
  ACCOUNTS,
  eventually,
  type Harness,
  importDemandGroup,
  REGION,
  startHarness,
  untilActive,
} from "./harness.js";

const SERIES = 200;
const DAYS = 160;

let h: Harness;

before(async () => {
  h = await startHarness();
});

after(async () => {
  await h?.close();
});

test("an embedded training spills its chunks by key and leaves none once ACTIVE", {
  timeout: 600_000,
}, async () => {
  const fc = h.forecast();
  const lines = ["item_id,timestamp,demand"];
  for (let i = 0; i < SERIES; i++)
    for (let d = 0; d < DAYS; d++)
      lines.push(
        `item_${i},${new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10)},${(12 + (i % 9) + 4 * Math.sin(d) + ((i * 31 + d * 7) % 5)).toFixed(2)}`,
      );
  const group = await importDemandGroup(fc, h.s3(), {
    group: "spill_embedded",
    dataset: "spill_embedded_demand",
    bucket: "spill-embedded",
    key: "d.csv",
    csv: `${lines.join("\n")}\n`,
    roleArn: h.roleArn(),
  });
  const arn = (
    await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: "spill_embedded",
        ForecastHorizon: 7,
        ForecastFrequency: "D",
        DataConfig: { DatasetGroupArn: group },
      }),
    )
  ).PredictorArn as string;
  const { blobs } = h.service.services;
  const scratch = jobScratchRoot(
    { accountId: ACCOUNTS[0].accountId, region: REGION },
    "predictor",
    "spill_embedded",
  );
  const seen = await eventually(
    async () => {
      const keys = (await blobs.list(scratch)).map((o) => o.key);
      return keys.length > 0 ? keys : undefined;
    },
    600_000,
    "spilled chunks in the internal bucket",
    50,
  );
  assert.ok(seen.every((k) => k.includes("/backtest-parts/chunk-")));
  await untilActive(
    () => fc.send(new DescribeAutoPredictorCommand({ PredictorArn: arn })),
    "predictor",
    600_000,
  );
  assert.deepEqual(await blobs.list(scratch), []);
});
