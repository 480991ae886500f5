import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateDatasetImportJobCommand,
  DeleteResourceTreeCommand,
  DescribeDatasetCommand,
  DescribeDatasetImportJobCommand,
  type ForecastClient,
  ResumeResourceCommand,
  StopResourceCommand,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { createDailyDataset, eventually, type Harness, startHarness, waitForImport } from "./harness.js";

describe("DeleteResourceTree, StopResource and ResumeResource rules", () => {
  let h: Harness;
  let fc: ForecastClient;
  before(async () => {
    h = await startHarness();
    fc = h.forecast();
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: "tree" }));
    await s3.send(new PutObjectCommand({ Bucket: "tree", Key: "d.csv", Body: "a,2020-01-01 00:00:00,1\n" }));
  });
  after(async () => h.close());

  test("deleting a dataset's tree removes the dataset and its import jobs", async () => {
    const DatasetArn = await createDailyDataset(fc, {
      name: "tree_ds",
      type: "TARGET_TIME_SERIES",
      fields: ["target_value:float"],
      domain: "CUSTOM",
    });
    const jobs: string[] = [];
    for (const name of ["one", "two"]) {
      const { DatasetImportJobArn } = await fc.send(
        new CreateDatasetImportJobCommand({
          DatasetImportJobName: name,
          DatasetArn,
          DataSource: { S3Config: { Path: "s3://tree/d.csv", RoleArn: h.roleArn() } },
        }),
      );
      assert.equal((await waitForImport(fc, DatasetImportJobArn as string)).Status, "ACTIVE");
      jobs.push(DatasetImportJobArn as string);
    }
    await assert.rejects(fc.send(new StopResourceCommand({ ResourceArn: DatasetArn })), {
      name: "InvalidInputException",
    });
    await assert.rejects(fc.send(new ResumeResourceCommand({ ResourceArn: DatasetArn })), {
      name: "InvalidInputException",
    });
    await fc.send(new DeleteResourceTreeCommand({ ResourceArn: DatasetArn }));
    await eventually(async () => {
      try {
        await fc.send(new DescribeDatasetCommand({ DatasetArn }));
        return undefined;
      } catch (error) {
        return (error as Error).name === "ResourceNotFoundException" ? true : undefined;
      }
    }, 10_000);
    for (const arn of jobs) {
      await assert.rejects(fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn: arn })), {
        name: "ResourceNotFoundException",
      });
    }
    await assert.rejects(fc.send(new DeleteResourceTreeCommand({ ResourceArn: DatasetArn })), {
      name: "ResourceNotFoundException",
    });
  });
});
