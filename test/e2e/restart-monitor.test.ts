import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import {
  CreateAutoPredictorCommand,
  CreateDatasetImportJobCommand,
  CreateForecastCommand,
  DescribeAutoPredictorCommand,
  DescribeDatasetImportJobCommand,
  DescribeForecastCommand,
  DescribeMonitorCommand,
  type ForecastClient,
  ListMonitorEvaluationsCommand,
} from "@aws-sdk/client-forecast";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import {
  ACCOUNTS,
  type ChildService,
  eventually,
  forecastClient,
  forecastqueryClient,
  importDemandGroup,
  s3Client,
  startChild,
  untilActive,
} from "./harness.js";
import { demandCsv, evaluationsIdle, expectedMetrics, forecastValues, HORIZON } from "./monitor-data.js";

const ROLE = `arn:aws:iam::${ACCOUNTS[0].accountId}:role/r`;
const DATASET = `arn:aws:forecast:us-west-2:${ACCOUNTS[0].accountId}:dataset/d`;

describe("kill -9 during a monitor evaluation", () => {
  let child: ChildService | undefined;
  let dataDir = "";
  after(async () => {
    await child?.kill();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  test("an evaluation interrupted by kill -9 is done after the restart, exactly once", async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-restart-monitor-"));
    child = await startChild(dataDir);
    let fc: ForecastClient = forecastClient(child.forecastEndpoint);
    const s3 = s3Client(child.s3Endpoint);
    const group = await importDemandGroup(fc, s3, {
      group: "g",
      dataset: "d",
      bucket: "monitor-restart",
      key: "d60.csv",
      csv: demandCsv(60),
      roleArn: ROLE,
    });
    const { PredictorArn } = await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: "p",
        ForecastHorizon: HORIZON,
        ForecastFrequency: "D",
        ForecastTypes: ["0.1", "0.5", "0.9", "mean"],
        DataConfig: { DatasetGroupArn: group },
        MonitorConfig: { MonitorName: "m" },
      }),
    );
    const predictor = await untilActive(
      () => fc.send(new DescribeAutoPredictorCommand({ PredictorArn })),
      "predictor",
    );
    const MonitorArn = predictor.MonitorInfo?.MonitorArn as string;
    const { ForecastArn } = await fc.send(new CreateForecastCommand({ ForecastName: "f", PredictorArn }));
    await untilActive(() => fc.send(new DescribeForecastCommand({ ForecastArn })), "forecast");
    const query = forecastqueryClient(child.forecastEndpoint);
    const values = await forecastValues(query, ForecastArn as string);
    query.destroy();
    await evaluationsIdle(fc, MonitorArn);

    await s3.send(
      new PutObjectCommand({ Bucket: "monitor-restart", Key: "d67.csv", Body: demandCsv(67, 6000) }),
    );
    const { DatasetImportJobArn } = await fc.send(
      new CreateDatasetImportJobCommand({
        DatasetImportJobName: "more",
        DatasetArn: DATASET,
        DataSource: { S3Config: { Path: "s3://monitor-restart/d67.csv", RoleArn: ROLE } },
      }),
    );
    s3.destroy();
    // The evaluation is queued in the transaction that makes the import ACTIVE: kill the service as soon as the
    // monitor reports it waiting or running. The 6,000 items the forecast does not know make the evaluation read
    // a dataset big enough to take a while, so the kill lands while it runs.
    await eventually(
      async () => {
        const d = await fc.send(new DescribeMonitorCommand({ MonitorArn }));
        return (d.EstimatedEvaluationTimeRemainingInMinutes ?? 0) > 0 ? true : undefined;
      },
      120_000,
      "the evaluation to be queued",
      10,
    );
    await child.kill("SIGKILL");
    fc.destroy();

    child = await startChild(dataDir);
    fc = forecastClient(child.forecastEndpoint);
    const imported = await fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn }));
    assert.equal(imported.Status, "ACTIVE");
    await evaluationsIdle(fc, MonitorArn);
    const list = await fc.send(new ListMonitorEvaluationsCommand({ MonitorArn }));
    assert.equal(list.PredictorMonitorEvaluations?.length, 1, "one evaluation, not none and not two");
    const evaluation = list.PredictorMonitorEvaluations?.[0];
    assert.equal(evaluation?.EvaluationState, "SUCCESS");
    assert.equal(evaluation?.MonitorDataSource?.DatasetImportJobArn, DatasetImportJobArn);
    const expected = expectedMetrics(values, 60);
    const got = Object.fromEntries(
      (evaluation?.MetricResults ?? []).map((m) => [m.MetricName, m.MetricValue]),
    );
    for (const [name, value] of Object.entries(expected)) {
      assert.ok(Math.abs((got[name] as number) - value) <= 1e-6 * Math.max(1, value), name);
    }
    fc.destroy();
  });
});
