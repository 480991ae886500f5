import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CreateDatasetImportJobCommand, type ForecastClient } from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { createDailyDataset, type Harness, startHarness, waitForImport } from "./harness.js";

/** `rows` monthly rows of plain `yyyy-MM-dd` dates for 4 items; the 1-based file line `badLine` gets `badDate`. */
function monthlyCsv(rows: number, bad?: { line: number; date: string }): string {
  const lines = ["item_id,timestamp,demand"];
  for (let i = 0; lines.length <= rows; i++) {
    const month = new Date(Date.UTC(2015, Math.floor(i / 4), 1)).toISOString().slice(0, 10);
    lines.push(`item_${i % 4},${lines.length + 1 === bad?.line ? bad.date : month},${(i % 13) + 1}`);
  }
  return `${lines.join("\n")}\n`;
}

describe("imports without a TimestampFormat", () => {
  let h: Harness;
  let fc: ForecastClient;
  let s3: S3Client;
  let n = 0;

  const importMonthly = async (key: string, body: string) => {
    await s3.send(new PutObjectCommand({ Bucket: "plain", Key: key, Body: body }));
    const DatasetArn = await createDailyDataset(fc, {
      name: `monthly_${n++}`,
      type: "TARGET_TIME_SERIES",
      fields: ["demand:float"],
      frequency: "M",
    });
    const job = await fc.send(
      new CreateDatasetImportJobCommand({
        DatasetImportJobName: `job_${n++}`,
        DatasetArn,
        DataSource: { S3Config: { Path: `s3://plain/${key}`, RoleArn: h.roleArn() } },
      }),
    );
    return waitForImport(fc, job.DatasetImportJobArn as string);
  };

  before(async () => {
    h = await startHarness();
    fc = h.forecast();
    s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: "plain" }));
  });
  after(async () => h.close());

  test("plain yyyy-MM-dd dates of monthly data import, and Describe shows Amazon's default format", async () => {
    const d = await importMonthly("monthly.csv", monthlyCsv(120));
    assert.equal(d.Status, "ACTIVE", d.Message);
    assert.equal(d.FieldStatistics?.timestamp?.Count, 120);
    assert.equal(d.TimestampFormat, "yyyy-MM-dd HH:mm:ss");
  });

  test("Amazon's default yyyy-MM-dd HH:mm:ss still imports beside plain dates", async () => {
    const mixed = monthlyCsv(8).replace(",2015-01-01,", ",2015-01-01 00:00:00,");
    const d = await importMonthly("mixed.csv", mixed);
    assert.equal(d.Status, "ACTIVE", d.Message);
  });

  test("a bad timestamp on line 101 fails the import naming line 101, not line 1", async () => {
    const d = await importMonthly("bad.csv", monthlyCsv(200, { line: 101, date: "2015/07/01" }));
    assert.equal(d.Status, "CREATE_FAILED");
    assert.match(d.Message ?? "", /\b101\b/, d.Message);
    assert.match(d.Message ?? "", /2015\/07\/01/, d.Message);
    assert.doesNotMatch(d.Message ?? "", /\b(row|line) 2\b/, d.Message);
  });
});
