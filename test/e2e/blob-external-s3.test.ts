// Scale-out storage: with --s3-endpoint the service's own bulk data goes to that store's bucket, by key, over plain
// SigV4 S3 calls. The "external" store here is a second, separately started S3 endpoint with its own directory:
// nothing of the service's data may land in the service's data dir.
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CreateDatasetCommand,
  CreateDatasetImportJobCommand,
  DeleteDatasetCommand,
  type ForecastClient,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { type EmbeddedS3, startEmbeddedS3 } from "../../src/storage/embedded-s3.js";
import { ACCOUNTS, eventually, type Harness, startHarness, waitForImport } from "./harness.js";

describe("bulk data on an external S3 endpoint", () => {
  let external: EmbeddedS3;
  let storeDir = "";
  let h: Harness;
  let fc: ForecastClient;
  let s3: S3Client;

  before(async () => {
    storeDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-external-s3-"));
    external = await startEmbeddedS3({
      host: "127.0.0.1",
      port: 0,
      directory: storeDir,
      keys: ACCOUNTS.map((a) => ({ ...a })),
    });
    h = await startHarness({
      OPENFORECAST_S3_ENDPOINT: external.endpoint,
      OPENFORECAST_BLOB_BUCKET: "of-bulk",
    });
    fc = h.forecast();
    s3 = h.s3();
  });
  after(async () => {
    await h?.close();
    await external?.close();
    await fs.rm(storeDir, { recursive: true, force: true });
  });

  test("an import's Parquet goes to the configured bucket of the external store, and goes with its dataset", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "ext-imports" }));
    const rows = Array.from(
      { length: 60 },
      (_, i) => `item_${i % 3},2024-01-${String(1 + Math.floor(i / 3)).padStart(2, "0")},${i}`,
    );
    await s3.send(
      new PutObjectCommand({ Bucket: "ext-imports", Key: "d.csv", Body: `${rows.join("\n")}\n` }),
    );
    const { DatasetArn } = await fc.send(
      new CreateDatasetCommand({
        DatasetName: "ext_ds",
        Domain: "RETAIL",
        DatasetType: "TARGET_TIME_SERIES",
        DataFrequency: "D",
        Schema: {
          Attributes: [
            { AttributeName: "item_id", AttributeType: "string" },
            { AttributeName: "timestamp", AttributeType: "timestamp" },
            { AttributeName: "demand", AttributeType: "float" },
          ],
        },
      }),
    );
    const { DatasetImportJobArn } = await fc.send(
      new CreateDatasetImportJobCommand({
        DatasetImportJobName: "ext_import",
        DatasetArn,
        DataSource: { S3Config: { Path: "s3://ext-imports/d.csv", RoleArn: h.roleArn() } },
        TimestampFormat: "yyyy-MM-dd",
      }),
    );
    const job = await waitForImport(fc, DatasetImportJobArn as string);
    assert.equal(job.Status, "ACTIVE", job.Message);

    const key = String((await h.service.services.store.get(DatasetArn as string))?.attrs.DataFile);
    assert.equal(key, "resources/111122223333/us-west-2/dataset/ext_ds/ext_import.parquet");
    const onStore = path.join(storeDir, "of-bulk", ...key.split("/"));
    assert.ok((await fs.stat(`${onStore}._S3rver_object`)).size > 0, "the object is in the external store");
    const dataDir = await fs.readdir(h.dataDir);
    assert.ok(
      !dataDir.includes("s3") && !dataDir.includes("resources"),
      `data dir holds ${dataDir.join(", ")}`,
    );

    await fc.send(new DeleteDatasetCommand({ DatasetArn }));
    await eventually(
      async () =>
        (await h.service.services.blobs.list("resources/111122223333/")).length === 0 ? true : undefined,
      30_000,
      "the dataset's objects to be deleted",
    );
  });
});
