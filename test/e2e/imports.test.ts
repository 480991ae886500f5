import assert from "node:assert/strict";
import os from "node:os";
import { after, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import {
  CreateDatasetCommand,
  CreateDatasetImportJobCommand,
  DeleteDatasetCommand,
  DeleteDatasetImportJobCommand,
  DescribeDatasetImportJobCommand,
  type ForecastClient,
  ListDatasetImportJobsCommand,
  StopResourceCommand,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { eventually, type Harness, startHarness, waitForImport } from "./harness.js";

const SCHEMA = {
  Attributes: [
    { AttributeName: "item_id", AttributeType: "string" as const },
    { AttributeName: "timestamp", AttributeType: "timestamp" as const },
    { AttributeName: "demand", AttributeType: "float" as const },
  ],
};

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  throw new Error("expected the call to fail");
}

function csvRows(n: number, badRow?: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const day = new Date(Date.UTC(2020, 0, 1) + Math.floor(i / 50) * 86_400_000).toISOString().slice(0, 10);
    const value = i === badRow ? "abc" : String((i % 97) + 0.25);
    lines.push(`item_${i % 50},${day} 00:00:00,${value}`);
  }
  return `${lines.join("\n")}\n`;
}

describe("dataset import jobs", () => {
  let h: Harness;
  let fc: ForecastClient;
  let s3: S3Client;
  let n = 0;
  const dataset = async (name = `ds_${n++}`) =>
    (
      await fc.send(
        new CreateDatasetCommand({
          DatasetName: name,
          Domain: "RETAIL",
          DatasetType: "TARGET_TIME_SERIES",
          DataFrequency: "D",
          Schema: SCHEMA,
        }),
      )
    ).DatasetArn as string;
  const put = (key: string, body: string | Uint8Array) =>
    s3.send(new PutObjectCommand({ Bucket: "imports", Key: key, Body: body }));
  const startImport = (DatasetArn: string, Path: string, extra: Record<string, unknown> = {}) =>
    fc.send(
      new CreateDatasetImportJobCommand({
        DatasetImportJobName: `job_${n++}`,
        DatasetArn,
        DataSource: { S3Config: { Path, RoleArn: h.roleArn() } },
        ...extra,
      }),
    );

  /** Rows in the dataset's current data, read from its Parquet file (the store says which file is current). */
  const datasetRows = async (datasetArn: string) => {
    const data = await h.service.services.blobs.fetch(
      (await h.service.services.store.get(datasetArn))?.attrs.DataFile as string,
    );
    const file = data.path;
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    const reader = await con.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${file}')`);
    con.closeSync();
    data.release();
    return (reader.getRowObjects()[0] as { n: number }).n;
  };

  before(async () => {
    h = await startHarness();
    fc = h.forecast();
    s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: "imports" }));
  });
  after(async () => h.close());

  test("a CSV with a header imports; statistics and size are reported", async () => {
    await put("small/a.csv", `item_id,timestamp,demand\n${csvRows(100)}`);
    const arn = (await startImport(await dataset(), "s3://imports/small/a.csv"))
      .DatasetImportJobArn as string;
    assert.match(arn, /^arn:aws:forecast:us-west-2:111122223333:dataset-import-job\/ds_\d+\/job_\d+$/);
    const d = await waitForImport(fc, arn);
    assert.equal(d.Status, "ACTIVE", d.Message);
    assert.equal(d.FieldStatistics?.demand?.Count, 100);
    assert.equal(d.FieldStatistics?.item_id?.CountDistinct, 50);
    assert.ok((d.DataSize ?? 0) > 0);
    assert.equal(d.Format, "CSV");
    assert.equal(d.ImportMode, "FULL");
    assert.equal(d.TimestampFormat, "yyyy-MM-dd HH:mm:ss");
  });

  test("a bad value in a 100,000-row file fails the job naming file, row, column and value", async () => {
    await put("big/bad.csv", csvRows(100_000, 76_543));
    const datasetArn = await dataset();
    const arn = (await startImport(datasetArn, "s3://imports/big/bad.csv")).DatasetImportJobArn as string;
    const d = await waitForImport(fc, arn);
    assert.equal(d.Status, "CREATE_FAILED");
    assert.match(d.Message ?? "", /s3:\/\/imports\/big\/bad\.csv/);
    assert.match(d.Message ?? "", /76544/, "the line number as the user counts it");
    assert.match(d.Message ?? "", /demand/);
    assert.match(d.Message ?? "", /abc/);
    assert.equal(d.FieldStatistics, undefined, "nothing half-imported is visible");
  });

  test("an empty prefix fails the job with a message naming it", async () => {
    const arn = (await startImport(await dataset(), "s3://imports/nothing-here/"))
      .DatasetImportJobArn as string;
    const d = await waitForImport(fc, arn);
    assert.equal(d.Status, "CREATE_FAILED");
    assert.match(d.Message ?? "", /s3:\/\/imports\/nothing-here\//);
  });

  test("a missing bucket fails the job with a message naming it", async () => {
    const arn = (await startImport(await dataset(), "s3://no-such-bucket/x.csv"))
      .DatasetImportJobArn as string;
    const d = await waitForImport(fc, arn);
    assert.equal(d.Status, "CREATE_FAILED");
    assert.match(d.Message ?? "", /no-such-bucket/);
  });

  test("a role of another account is refused with InvalidInputException", async () => {
    const name = await errorName(
      fc.send(
        new CreateDatasetImportJobCommand({
          DatasetImportJobName: "cross",
          DatasetArn: await dataset(),
          DataSource: { S3Config: { Path: "s3://imports/small/a.csv", RoleArn: h.roleArn(1) } },
        }),
      ),
    );
    assert.equal(name, "InvalidInputException");
  });

  test("a prefix imports every object under it; INCREMENTAL appends, FULL replaces", async () => {
    await put("multi/part1.csv", csvRows(10));
    await put("multi/part2.csv", csvRows(20).split("\n").slice(10).join("\n"));
    const datasetArn = await dataset();
    const first = await waitForImport(
      fc,
      (await startImport(datasetArn, "s3://imports/multi/")).DatasetImportJobArn as string,
    );
    assert.equal(first.Status, "ACTIVE", first.Message);
    assert.equal(first.FieldStatistics?.demand?.Count, 20);
    await put("more/extra.csv", "item_new,2021-01-01 00:00:00,5\n");
    const incremental = await waitForImport(
      fc,
      (await startImport(datasetArn, "s3://imports/more/", { ImportMode: "INCREMENTAL" }))
        .DatasetImportJobArn as string,
    );
    assert.equal(incremental.Status, "ACTIVE", incremental.Message);
    assert.equal(incremental.FieldStatistics?.demand?.Count, 1, "statistics describe the job's own input");
    assert.equal(await datasetRows(datasetArn), 21);
    const full = await waitForImport(
      fc,
      (await startImport(datasetArn, "s3://imports/more/")).DatasetImportJobArn as string,
    );
    assert.equal(full.FieldStatistics?.demand?.Count, 1);
    assert.equal(await datasetRows(datasetArn), 1);
    const listed = await fc.send(
      new ListDatasetImportJobsCommand({
        Filters: [{ Key: "DatasetArn", Value: datasetArn, Condition: "IS" }],
      }),
    );
    assert.equal(listed.DatasetImportJobs?.length, 3);
    const failedOnly = await fc.send(
      new ListDatasetImportJobsCommand({
        Filters: [{ Key: "Status", Value: "CREATE_FAILED", Condition: "IS" }],
      }),
    );
    assert.ok((failedOnly.DatasetImportJobs ?? []).every((j) => j.Status === "CREATE_FAILED"));
    const badKey = await errorName(
      fc.send(new ListDatasetImportJobsCommand({ Filters: [{ Key: "Nope", Value: "x", Condition: "IS" }] })),
    );
    assert.equal(badKey, "InvalidInputException");
  });

  test("stopping a running import ends CREATE_STOPPED; deletes follow the rules", async () => {
    await put("stop/big.csv", csvRows(2_000_000));
    const datasetArn = await dataset();
    const arn = (await startImport(datasetArn, "s3://imports/stop/big.csv")).DatasetImportJobArn as string;
    assert.equal(
      await errorName(fc.send(new DeleteDatasetImportJobCommand({ DatasetImportJobArn: arn }))),
      "ResourceInUseException",
    );
    assert.equal(
      await errorName(fc.send(new DeleteDatasetCommand({ DatasetArn: datasetArn }))),
      "ResourceInUseException",
    );
    await fc.send(new StopResourceCommand({ ResourceArn: arn }));
    const d = await waitForImport(fc, arn);
    assert.equal(d.Status, "CREATE_STOPPED");
    assert.equal(
      await errorName(fc.send(new StopResourceCommand({ ResourceArn: arn }))),
      "InvalidInputException",
      "a stopped job cannot be stopped again",
    );
    await fc.send(new DeleteDatasetImportJobCommand({ DatasetImportJobArn: arn }));
    // The delete runs in the background: the job is DELETE_PENDING, then gone.
    await eventually(async () => {
      const outcome = await fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn: arn })).then(
        (d) => d.Status,
        (e: Error) => e.name,
      );
      return outcome === "ResourceNotFoundException" ? true : undefined;
    });
  });

  test("Parquet input and a custom TimestampFormat", async () => {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const os = await import("node:os");
    const fs = await import("node:fs/promises");
    const path = await import("node:path");
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), "pq-")), "x.parquet");
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    await con.run(
      `COPY (SELECT 'item_' || (i % 5) AS item_id, TIMESTAMP '2022-01-01' + INTERVAL (i // 5) DAY AS timestamp,
        i * 1.5 AS demand FROM range(40) t(i)) TO '${file}' (FORMAT parquet)`,
    );
    con.closeSync();
    await put("pq/x.parquet", await fs.readFile(file));
    const d = await waitForImport(
      fc,
      (await startImport(await dataset(), "s3://imports/pq/", { Format: "PARQUET" }))
        .DatasetImportJobArn as string,
    );
    assert.equal(d.Status, "ACTIVE", d.Message);
    assert.equal(d.FieldStatistics?.demand?.Count, 40);

    await put("fmt/a.csv", "item_a,02.01.2023,1\nitem_a,03.01.2023,2\n");
    const f = await waitForImport(
      fc,
      (await startImport(await dataset(), "s3://imports/fmt/a.csv", { TimestampFormat: "dd.MM.yyyy" }))
        .DatasetImportJobArn as string,
    );
    assert.equal(f.Status, "ACTIVE", f.Message);
    assert.equal(f.FieldStatistics?.timestamp?.Min?.slice(0, 10), "2023-01-02");
  });
  /** A failed job's Message may name the user's S3 objects, never a path of this machine. */
  const assertNoLocalPath = (message: string) => {
    assert.ok(!message.includes(h.dataDir), `the data directory shows in: ${message}`);
    assert.ok(!message.includes(os.tmpdir()), `the temp directory shows in: ${message}`);
    assert.doesNotMatch(message, /part-\d|j-[0-9a-f]/, `a scratch file shows in: ${message}`);
  };

  test("a file that is not Parquet, imported as Parquet, fails naming the S3 object and no local path", async () => {
    await put("notpq/data.parquet", "item_id,timestamp,demand\nitem_a,2022-01-01 00:00:00,1\n");
    const d = await waitForImport(
      fc,
      (await startImport(await dataset(), "s3://imports/notpq/data.parquet", { Format: "PARQUET" }))
        .DatasetImportJobArn as string,
    );
    assert.equal(d.Status, "CREATE_FAILED");
    const message = d.Message ?? "";
    assert.match(message, /^s3:\/\/imports\/notpq\/data\.parquet is not a readable Parquet file: /);
    assert.match(message, /does not end with PAR1/);
    assertNoLocalPath(message);
  });

  test("a gzip-compressed CSV fails saying it is gzip-compressed (Amazon documents plain CSV and Parquet)", async () => {
    await put("gz/a.csv.gz", gzipSync(`item_id,timestamp,demand\n${csvRows(100)}`));
    const csv = await waitForImport(
      fc,
      (await startImport(await dataset(), "s3://imports/gz/a.csv.gz")).DatasetImportJobArn as string,
    );
    assert.equal(csv.Status, "CREATE_FAILED");
    assert.equal(
      csv.Message,
      "s3://imports/gz/a.csv.gz is gzip-compressed; imports read uncompressed CSV or Parquet files only. " +
        "Decompress it (gunzip) and import the result.",
    );
    // The same file under a prefix and as Parquet: the first bytes decide, not the name or the Format.
    const parquet = await waitForImport(
      fc,
      (await startImport(await dataset(), "s3://imports/gz/", { Format: "PARQUET" }))
        .DatasetImportJobArn as string,
    );
    assert.equal(parquet.Status, "CREATE_FAILED");
    assert.match(parquet.Message ?? "", /^s3:\/\/imports\/gz\/a\.csv\.gz is gzip-compressed;/);
  });
});
