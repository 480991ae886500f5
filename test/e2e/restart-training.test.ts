import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import {
  CreateAutoPredictorCommand,
  DescribeAutoPredictorCommand,
  type ForecastClient,
  GetAccuracyMetricsCommand,
  StopResourceCommand,
} from "@aws-sdk/client-forecast";
import {
  ACCOUNTS,
  type ChildService,
  eventually,
  forecastClient,
  importDemandGroup,
  s3Client,
  startChild,
} from "./harness.js";

const DAY = 86_400_000;

function demand(items: number, days: number): string {
  const lines: string[] = [];
  for (let i = 0; i < items; i++) {
    for (let d = 0; d < days; d++) {
      const day = new Date(Date.UTC(2024, 0, 1) + d * DAY).toISOString().slice(0, 10);
      lines.push(
        `item_${i},${day} 00:00:00,${(20 + i + 5 * Math.sin((2 * Math.PI * d) / 7) + ((i + d) % 3)).toFixed(2)}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

async function status(fc: ForecastClient, PredictorArn: string, wanted: string[], timeoutMs = 240_000) {
  return eventually(
    async () => {
      const d = await fc.send(new DescribeAutoPredictorCommand({ PredictorArn }));
      return wanted.includes(d.Status as string) ? d : undefined;
    },
    timeoutMs,
    `predictor in ${wanted.join(" or ")}`,
  );
}

describe("a stopped predictor, and kill -9 during training", () => {
  let child: ChildService | undefined;
  let dataDir = "";
  after(async () => {
    await child?.kill();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  test("StopResource ends training CREATE_STOPPED; a killed training runs again after restart", async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-restart-training-"));
    child = await startChild(dataDir);
    let fc = forecastClient(child.forecastEndpoint);
    const s3 = s3Client(child.s3Endpoint);
    const group = await importDemandGroup(fc, s3, {
      group: "g",
      dataset: "d",
      bucket: "training",
      key: "d.csv",
      csv: demand(30, 100),
      roleArn: `arn:aws:iam::${ACCOUNTS[0].accountId}:role/r`,
    });
    s3.destroy();
    const create = (name: string) =>
      fc.send(
        new CreateAutoPredictorCommand({
          PredictorName: name,
          ForecastHorizon: 14,
          ForecastFrequency: "D",
          DataConfig: { DatasetGroupArn: group },
        }),
      );

    const stopped = (await create("stopped")).PredictorArn as string;
    await status(fc, stopped, ["CREATE_IN_PROGRESS"], 30_000);
    await fc.send(new StopResourceCommand({ ResourceArn: stopped }));
    const afterStop = await status(fc, stopped, ["CREATE_STOPPED", "ACTIVE", "CREATE_FAILED"]);
    assert.equal(afterStop.Status, "CREATE_STOPPED");
    await assert.rejects(fc.send(new GetAccuracyMetricsCommand({ PredictorArn: stopped })), {
      name: "ResourceInUseException",
    });

    const killed = (await create("killed")).PredictorArn as string;
    await status(fc, killed, ["CREATE_IN_PROGRESS"], 30_000);
    await child.kill("SIGKILL");
    fc.destroy();
    child = await startChild(dataDir);
    fc = forecastClient(child.forecastEndpoint);
    const resumed = await status(fc, killed, ["ACTIVE", "CREATE_FAILED"]);
    assert.equal(resumed.Status, "ACTIVE", resumed.Message);
    const metrics = await fc.send(new GetAccuracyMetricsCommand({ PredictorArn: killed }));
    assert.ok((metrics.PredictorEvaluationResults?.[0]?.TestWindows?.length ?? 0) >= 2);
    assert.equal(
      (await fc.send(new DescribeAutoPredictorCommand({ PredictorArn: stopped }))).Status,
      "CREATE_STOPPED",
      "a stopped predictor stays stopped across the restart",
    );
    fc.destroy();
  });
});
