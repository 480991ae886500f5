import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CreateAutoPredictorCommand,
  CreateDatasetGroupCommand,
  DescribeAutoPredictorCommand,
  UpdateDatasetGroupCommand,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { type Harness, importDailyDataset, startHarness } from "./harness.js";

const DAY = 86_400_000;
const ITEMS = 600;
const DAYS = 120;

/** Enough series that training takes several seconds, in several chunks per worker thread. */
function demandCsv(): string {
  const lines: string[] = [];
  for (let item = 0; item < ITEMS; item++) {
    for (let d = 0; d < DAYS; d++) {
      const day = new Date(Date.UTC(2024, 0, 1) + d * DAY).toISOString().slice(0, 10);
      const value = 30 + (item % 17) + 6 * Math.sin((2 * Math.PI * d) / 7) + ((item * 7 + d * 13) % 5);
      lines.push(`item_${item},${day} 00:00:00,${value.toFixed(2)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

describe("training progress", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.close());

  test("DescribeAutoPredictor estimates the minutes left while training, and 0 once ACTIVE", async () => {
    const fc = h.forecast();
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: "progress" }));
    await s3.send(new PutObjectCommand({ Bucket: "progress", Key: "demand.csv", Body: demandCsv() }));
    const { DatasetGroupArn } = await fc.send(
      new CreateDatasetGroupCommand({ DatasetGroupName: "progress", Domain: "RETAIL" }),
    );
    const DatasetArn = await importDailyDataset(fc, {
      name: "progress_demand",
      type: "TARGET_TIME_SERIES",
      fields: ["demand:float"],
      path: "s3://progress/demand.csv",
      roleArn: h.roleArn(),
    });
    await fc.send(new UpdateDatasetGroupCommand({ DatasetGroupArn, DatasetArns: [DatasetArn] }));
    const { PredictorArn } = await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: "progress",
        ForecastHorizon: 14,
        ForecastFrequency: "D",
        DataConfig: { DatasetGroupArn },
      }),
    );

    const estimates: number[] = [];
    const deadline = Date.now() + 240_000;
    let status = "";
    let last: number | undefined;
    while (Date.now() < deadline) {
      const d = await fc.send(new DescribeAutoPredictorCommand({ PredictorArn }));
      status = d.Status as string;
      last = d.EstimatedTimeRemainingInMinutes;
      if (status !== "CREATE_IN_PROGRESS" && status !== "CREATE_PENDING") break;
      if (status === "CREATE_IN_PROGRESS" && last !== undefined) estimates.push(last);
      await sleep(100);
    }
    assert.equal(status, "ACTIVE");
    assert.equal(last, 0, "no time left once trained");
    assert.ok(estimates.length > 0, "an estimate is given while training");
    assert.ok(
      estimates.every((m) => Number.isInteger(m) && m >= 0 && m <= 10),
      `whole minutes, and few of them for a few seconds of training: ${[...new Set(estimates)].join(", ")}`,
    );
    assert.ok(
      estimates.some((m) => m >= 1),
      "a training still running has at least a minute to go",
    );
  });
});
