import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { CreateDatasetImportJobCommand, DescribeDatasetImportJobCommand } from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  ACCOUNTS,
  type ChildService,
  createDailyDataset,
  eventually,
  forecastClient,
  s3Client,
  startChild,
} from "./harness.js";

/** A target CSV big enough that its import takes a while. */
function bigCsv(rows: number): string {
  const parts: string[] = [];
  for (let i = 0; i < rows; i++) {
    const day = new Date(Date.UTC(2015, 0, 1) + (i % 1000) * 86_400_000).toISOString().slice(0, 10);
    parts.push(`item_${Math.floor(i / 1000)},${day} 00:00:00,${i % 1013}`);
  }
  return `${parts.join("\n")}\n`;
}

describe("kill -9 during an import, then restart", () => {
  let child: ChildService | undefined;
  let dataDir = "";
  after(async () => {
    await child?.kill();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  test("the interrupted import runs again and ends ACTIVE with all rows, never half-written", async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-restart-"));
    child = await startChild(dataDir);
    let fc = forecastClient(child.forecastEndpoint);
    const s3 = s3Client(child.s3Endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: "restart" }));
    await s3.send(new PutObjectCommand({ Bucket: "restart", Key: "big.csv", Body: bigCsv(1_500_000) }));
    s3.destroy();
    const DatasetArn = await createDailyDataset(fc, {
      name: "survivor",
      type: "TARGET_TIME_SERIES",
      fields: ["demand:float"],
    });
    const { DatasetImportJobArn } = await fc.send(
      new CreateDatasetImportJobCommand({
        DatasetImportJobName: "interrupted",
        DatasetArn,
        DataSource: {
          S3Config: { Path: "s3://restart/big.csv", RoleArn: `arn:aws:iam::${ACCOUNTS[0].accountId}:role/r` },
        },
      }),
    );
    await eventually(
      async () => {
        const d = await fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn }));
        return d.Status === "CREATE_IN_PROGRESS" ? true : undefined;
      },
      20_000,
      "the import to start",
    );
    await child.kill("SIGKILL");
    fc.destroy();

    child = await startChild(dataDir);
    fc = forecastClient(child.forecastEndpoint);
    const done = await eventually(
      async () => {
        const d = await fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn }));
        return d.Status === "ACTIVE" || d.Status === "CREATE_FAILED" ? d : undefined;
      },
      120_000,
      "the resumed import to finish",
    );
    assert.equal(done.Status, "ACTIVE", done.Message);
    assert.equal(done.FieldStatistics?.demand?.Count, 1_500_000);
    // tmp/ holds the blob cache (kept on purpose) and the per-job scratch folders, which must all be gone.
    const leftovers = await fs.readdir(path.join(dataDir, "tmp", "jobs")).catch(() => []);
    assert.deepEqual(leftovers, [], "no scratch files of the killed run survive the finished import");
    const tmpEntries = await fs.readdir(path.join(dataDir, "tmp")).catch(() => []);
    assert.deepEqual(
      tmpEntries.filter((e) => e !== "cache" && e !== "jobs"),
      [],
      "nothing else is left in tmp/",
    );
    // The dataset's objects in the internal bucket, on the embedded endpoint's disk (s3rver's layout: one
    // `<key>._S3rver_object` file per object): only the finished import's Parquet, nothing of the killed run.
    const datasetDir = path.join(
      dataDir,
      "s3",
      "openforecast-internal",
      "resources",
      ACCOUNTS[0].accountId,
      "us-west-2",
      "dataset",
      "survivor",
    );
    assert.deepEqual(
      (await fs.readdir(datasetDir)).filter((f) => f.endsWith("._S3rver_object")),
      ["interrupted.parquet._S3rver_object"],
      "only the finished output remains",
    );
    assert.equal(
      await fs.stat(path.join(dataDir, "resources")).then(
        () => true,
        () => false,
      ),
      false,
      "nothing is written under the data dir's old resources/ folder",
    );
    fc.destroy();
  });
});
