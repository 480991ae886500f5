import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateAutoPredictorCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateExplainabilityExportCommand,
  CreateForecastCommand,
  CreateForecastExportJobCommand,
  CreatePredictorBacktestExportJobCommand,
  DescribeDatasetImportJobCommand,
  DescribeForecastCommand,
  type ForecastClient,
  ListDatasetImportJobsCommand,
  ListExplainabilityExportsCommand,
  ListForecastExportJobsCommand,
  ListForecastsCommand,
  ListPredictorBacktestExportJobsCommand,
} from "@aws-sdk/client-forecast";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { generateDriverData, setupDriverPredictor } from "./driver-data.js";
import {
  createDailyDataset,
  eventually,
  type Harness,
  importDailyDataset,
  startHarness,
  waitForImport,
} from "./harness.js";

const FOREIGN = "account-one-private";
const SECRET_ROWS = "item_id,timestamp,demand\nsecret_item,2024-01-01 00:00:00,42\n";

async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await call;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new assert.AssertionError({ message: "the call succeeded but should have been refused" });
}

function assertAccessDenied(refused: { name: string; message: string }, use: "read" | "write") {
  assert.equal(refused.name, "InvalidInputException");
  assert.match(refused.message, /^AccessDenied: account 444455556666 may not /);
  assert.match(refused.message, new RegExp(`${use} s3://${FOREIGN}/`));
  assert.match(refused.message, /belongs to another account/);
}

describe("Forecast imports and exports into a bucket of another account", () => {
  let h: Harness;
  let owner: S3Client;
  let fc: ForecastClient;
  let predictorArn = "";
  let explainabilityArn = "";
  let forecastArn = "";

  /** What account one's bucket holds: it must never change. */
  const foreignKeys = async () =>
    ((await owner.send(new ListObjectsV2Command({ Bucket: FOREIGN }))).Contents ?? []).map((o) => o.Key);

  before(async () => {
    h = await startHarness();
    owner = h.s3(0);
    await owner.send(new CreateBucketCommand({ Bucket: FOREIGN }));
    await owner.send(new PutObjectCommand({ Bucket: FOREIGN, Key: "secret.csv", Body: SECRET_ROWS }));
    fc = h.forecast(1);
    ({ predictorArn, explainabilityArn } = await setupDriverPredictor(
      fc,
      h.s3(1),
      h.roleArn(1),
      "account-two-own",
    ));
    forecastArn = (
      await fc.send(new CreateForecastCommand({ ForecastName: "two_forecast", PredictorArn: predictorArn }))
    ).ForecastArn as string;
    await eventually(
      async () => {
        const d = await fc.send(new DescribeForecastCommand({ ForecastArn: forecastArn }));
        if (d.Status === "CREATE_FAILED") throw new Error(`forecast failed: ${d.Message}`);
        return d.Status === "ACTIVE" ? d : undefined;
      },
      240_000,
      "the forecast",
    );
  });
  after(async () => h.close());

  test("an import from another account's bucket is refused at create time and reads nothing", async () => {
    const DatasetArn = await createDailyDataset(fc, {
      name: "stolen_demand",
      type: "TARGET_TIME_SERIES",
      fields: ["demand:float"],
    });
    for (const path of [`s3://${FOREIGN}/secret.csv`, `s3://${FOREIGN}/`]) {
      const refused = await refusal(
        fc.send(
          new CreateDatasetImportJobCommand({
            DatasetImportJobName: "stolen_import",
            DatasetArn,
            DataSource: { S3Config: { Path: path, RoleArn: h.roleArn(1) } },
          }),
        ),
      );
      assertAccessDenied(refused, "read");
    }
    // No job exists, so no job holds the foreign rows; the dataset has no data.
    const jobs = await fc.send(
      new ListDatasetImportJobsCommand({
        Filters: [{ Key: "DatasetArn", Value: DatasetArn, Condition: "IS" }],
      }),
    );
    assert.deepEqual(jobs.DatasetImportJobs, []);
    assert.equal((await h.service.services.store.get(DatasetArn as string))?.attrs.DataFile, undefined);
  });

  test("a forecast whose series list is in another account's bucket is refused", async () => {
    const refused = await refusal(
      fc.send(
        new CreateForecastCommand({
          ForecastName: "stolen_series",
          PredictorArn: predictorArn,
          TimeSeriesSelector: {
            TimeSeriesIdentifiers: {
              DataSource: { S3Config: { Path: `s3://${FOREIGN}/secret.csv`, RoleArn: h.roleArn(1) } },
              Schema: { Attributes: [{ AttributeName: "item_id", AttributeType: "string" }] },
              Format: "CSV",
            },
          },
        }),
      ),
    );
    assertAccessDenied(refused, "read");
    const forecasts = await fc.send(new ListForecastsCommand({}));
    assert.deepEqual(
      (forecasts.Forecasts ?? []).map((f) => f.ForecastName),
      ["two_forecast"],
    );
  });

  test("forecast, backtest and explainability exports into another account's bucket are refused and write nothing", async () => {
    const destination = { S3Config: { Path: `s3://${FOREIGN}/out/`, RoleArn: h.roleArn(1) } };
    assertAccessDenied(
      await refusal(
        fc.send(
          new CreateForecastExportJobCommand({
            ForecastExportJobName: "stolen_forecast_export",
            ForecastArn: forecastArn,
            Destination: destination,
          }),
        ),
      ),
      "write",
    );
    assertAccessDenied(
      await refusal(
        fc.send(
          new CreatePredictorBacktestExportJobCommand({
            PredictorBacktestExportJobName: "stolen_backtest_export",
            PredictorArn: predictorArn,
            Destination: destination,
          }),
        ),
      ),
      "write",
    );
    assertAccessDenied(
      await refusal(
        fc.send(
          new CreateExplainabilityExportCommand({
            ExplainabilityExportName: "stolen_explainability_export",
            ExplainabilityArn: explainabilityArn,
            Destination: destination,
          }),
        ),
      ),
      "write",
    );
    assert.deepEqual((await fc.send(new ListForecastExportJobsCommand({}))).ForecastExportJobs, []);
    assert.deepEqual(
      (await fc.send(new ListPredictorBacktestExportJobsCommand({}))).PredictorBacktestExportJobs,
      [],
    );
    assert.deepEqual((await fc.send(new ListExplainabilityExportsCommand({}))).ExplainabilityExports, []);
    assert.deepEqual(await foreignKeys(), ["secret.csv"]);

    // The same export into the account's own bucket is accepted: the refusal is about the bucket's owner.
    await h.s3(1).send(new CreateBucketCommand({ Bucket: "account-two-exports" }));
    const own = await fc.send(
      new CreateForecastExportJobCommand({
        ForecastExportJobName: "own_forecast_export",
        ForecastArn: forecastArn,
        Destination: { S3Config: { Path: "s3://account-two-exports/out/", RoleArn: h.roleArn(1) } },
      }),
    );
    assert.ok(own.ForecastExportJobArn);
  });
});

describe("an import whose bucket changes hands between create and run", () => {
  let h: Harness;
  after(async () => h?.close());

  test("fails with AccessDenied at run time and holds none of the new owner's rows", async () => {
    // One job at a time, so that a training holds the import back while the bucket changes hands.
    h = await startHarness({ OPENFORECAST_JOB_CONCURRENCY: "1" });
    const fc = h.forecast(1);
    const two = h.s3(1);
    const owner = h.s3(0);
    const data = generateDriverData();
    await two.send(new CreateBucketCommand({ Bucket: "two-training" }));
    await two.send(new PutObjectCommand({ Bucket: "two-training", Key: "target.csv", Body: data.target }));
    const target = await importDailyDataset(fc, {
      name: "busy_target",
      type: "TARGET_TIME_SERIES",
      fields: ["demand:float"],
      path: "s3://two-training/target.csv",
      roleArn: h.roleArn(1),
    });
    const { DatasetGroupArn } = await fc.send(
      new CreateDatasetGroupCommand({ DatasetGroupName: "busy", Domain: "RETAIL", DatasetArns: [target] }),
    );
    await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: "busy_predictor",
        ForecastHorizon: 14,
        ForecastFrequency: "D",
        DataConfig: { DatasetGroupArn },
      }),
    );

    await two.send(new CreateBucketCommand({ Bucket: "changing-hands" }));
    await two.send(
      new PutObjectCommand({ Bucket: "changing-hands", Key: "data.csv", Body: "item_id,timestamp,demand\n" }),
    );
    const DatasetArn = await createDailyDataset(fc, {
      name: "late_demand",
      type: "TARGET_TIME_SERIES",
      fields: ["demand:float"],
    });
    const { DatasetImportJobArn } = await fc.send(
      new CreateDatasetImportJobCommand({
        DatasetImportJobName: "late_import",
        DatasetArn,
        DataSource: { S3Config: { Path: "s3://changing-hands/data.csv", RoleArn: h.roleArn(1) } },
      }),
    );
    const queued = await fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn }));
    assert.equal(queued.Status, "CREATE_PENDING", "the training should hold the import back");

    await two.send(new DeleteObjectCommand({ Bucket: "changing-hands", Key: "data.csv" }));
    await two.send(new DeleteBucketCommand({ Bucket: "changing-hands" }));
    await owner.send(new CreateBucketCommand({ Bucket: "changing-hands" }));
    await owner.send(new PutObjectCommand({ Bucket: "changing-hands", Key: "data.csv", Body: SECRET_ROWS }));

    const done = await waitForImport(fc, DatasetImportJobArn as string);
    assert.equal(done.Status, "CREATE_FAILED");
    assert.match(done.Message ?? "", /Access denied to .*changing-hands/);
    assert.equal((await h.service.services.store.get(DatasetArn as string))?.attrs.DataFile, undefined);
    const kept = await owner.send(new GetObjectCommand({ Bucket: "changing-hands", Key: "data.csv" }));
    assert.equal(await kept.Body?.transformToString(), SECRET_ROWS);
  });
});
