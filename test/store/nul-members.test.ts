/**
 * NUL (U+0000) in request members, through @aws-sdk/client-forecast against the real service on SQLite and on
 * PostgreSQL (which cannot hold NUL in text or jsonb: the PostgreSQL store escapes it, postgres-text.ts). The same
 * requests must get the same answers on both engines, and never a 5xx (docs/decisions.md, "NUL in text").
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  type ForecastClient,
  ListDatasetImportJobsCommand,
  ListForecastsCommand,
  TagResourceCommand,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { type Harness, settled, startHarness } from "../e2e/harness.js";
import { testDatabaseUrl } from "../setup/postgres.js";
import { ENGINES } from "./stores.js";

const ACCOUNT = "111122223333";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ForecastAccess`;

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error("expected the call to fail");
}

/** What each engine answered, to compare them after both ran. */
const answers = new Map<string, Record<string, unknown>>();

for (const engine of ENGINES) {
  describe(`NUL in request members, ${engine} store`, () => {
    let h: Harness;
    let fc: ForecastClient;
    const seen: Record<string, unknown> = {};
    before(async () => {
      h = await startHarness(
        engine === "postgres"
          ? { OPENFORECAST_DATABASE_URL: await testDatabaseUrl(), OPENFORECAST_RUN_JOBS: "true" }
          : {},
      );
      fc = h.forecast();
      await h.s3().send(new CreateBucketCommand({ Bucket: "nul-data" }));
      answers.set(engine, seen);
    });
    after(async () => h.close());

    test("an ARN with a NUL names nothing: ResourceNotFoundException, InvalidInputException for a member list", async () => {
      const arn = `arn:aws:forecast:us-west-2:${ACCOUNT}:dataset-group/g\u0000x`;
      const notFound = await errorOf(fc.send(new DescribeDatasetGroupCommand({ DatasetGroupArn: arn })));
      assert.deepEqual(notFound, { name: "ResourceNotFoundException", status: 400 });
      const dataset = `arn:aws:forecast:us-west-2:${ACCOUNT}:dataset/d\u0000x`;
      const refused = await errorOf(
        fc.send(
          new CreateDatasetGroupCommand({ DatasetGroupName: "g", Domain: "RETAIL", DatasetArns: [dataset] }),
        ),
      );
      assert.deepEqual(refused, { name: "InvalidInputException", status: 400 });
      seen.arn = [notFound, refused];
    });

    test("a member whose pattern refuses NUL (a tag value, a KMS key ARN) is refused by validation", async () => {
      const { DatasetGroupArn } = await fc.send(
        new CreateDatasetGroupCommand({ DatasetGroupName: "tagged", Domain: "RETAIL" }),
      );
      const tag = await errorOf(
        fc.send(
          new TagResourceCommand({ ResourceArn: DatasetGroupArn, Tags: [{ Key: "k", Value: "a\u0000b" }] }),
        ),
      );
      assert.deepEqual(tag, { name: "ValidationException", status: 400 });
      const kms = await errorOf(
        fc.send(
          new CreateDatasetCommand({
            DatasetName: "nul_kms",
            Domain: "RETAIL",
            DatasetType: "TARGET_TIME_SERIES",
            DataFrequency: "D",
            Schema: { Attributes: [{ AttributeName: "item_id", AttributeType: "string" }] },
            EncryptionConfig: { RoleArn: ROLE, KMSKeyArn: `arn:aws:kms:us-west-2:${ACCOUNT}:key/k\u0000` },
          }),
        ),
      );
      assert.deepEqual(kms, { name: "ValidationException", status: 400 });
      seen.refused = [tag, kms];
    });

    test("free text that admits NUL (an S3 path, a list filter's value) is stored, read back and compared as sent", async () => {
      const { DatasetArn } = await fc.send(
        new CreateDatasetCommand({
          DatasetName: "nul_target",
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
      // The mark the PostgreSQL store escapes with, and text that looks like an escape, come back as sent too.
      const path = "s3://nul-data/in\u0000put/\uffff0000\\u0000demand\u0000.csv";
      const { DatasetImportJobArn } = await fc.send(
        new CreateDatasetImportJobCommand({
          DatasetImportJobName: "nul_import",
          DatasetArn,
          DataSource: { S3Config: { Path: path, RoleArn: ROLE } },
        }),
      );
      const job = await settled(
        () => fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn })),
        "the import",
        60_000,
      );
      assert.equal(job.DataSource?.S3Config?.Path, path);
      // Nothing is at that path: the import fails, and its message (which may quote the path) is stored too.
      assert.equal(job.Status, "CREATE_FAILED");
      assert.ok(job.Message);
      const listed = await fc.send(new ListDatasetImportJobsCommand({}));
      assert.equal(listed.DatasetImportJobs?.[0]?.DataSource?.S3Config?.Path, path);
      // Filter values have no pattern (see src/contract/quirks.ts): a NUL in one is compared, not an error.
      const filtered = async (Value: string, Condition: "IS" | "IS_NOT") =>
        (
          await fc.send(
            new ListDatasetImportJobsCommand({ Filters: [{ Key: "DatasetArn", Value, Condition }] }),
          )
        ).DatasetImportJobs?.map((j) => j.DatasetImportJobArn);
      assert.deepEqual(await filtered(`${DatasetArn}\u0000`, "IS"), []);
      assert.deepEqual(await filtered(`${DatasetArn}\u0000`, "IS_NOT"), [DatasetImportJobArn]);
      assert.deepEqual(await filtered(DatasetArn as string, "IS"), [DatasetImportJobArn]);
      // ListForecasts filters on an attribute (attrs ->> key on PostgreSQL, json_extract on SQLite).
      const forecasts = await fc.send(
        new ListForecastsCommand({
          Filters: [{ Key: "DatasetGroupArn", Value: "g\u0000", Condition: "IS" }],
        }),
      );
      assert.deepEqual(forecasts.Forecasts, []);
      seen.stored = { path, status: job.Status, message: job.Message };
    });
  });
}

describe("NUL in request members: both engines answer alike", () => {
  test("the same answers on SQLite and PostgreSQL", () => {
    assert.equal(answers.size, 2);
    assert.deepEqual(answers.get("postgres"), answers.get("sqlite"));
  });
});
