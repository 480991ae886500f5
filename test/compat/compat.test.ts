import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { setupDriverPredictor } from "../e2e/driver-data.js";
import { ACCOUNTS, type Harness, startHarness } from "../e2e/harness.js";
import { awsEnv } from "./aws-env.js";
import { findPython } from "./python.js";

const run = promisify(execFile);
const SCRIPT = new URL("../../../test/compat/boto3_flow.py", import.meta.url).pathname;
const EXPLAIN_SCRIPT = new URL("../../../test/compat/boto3_explainability.py", import.meta.url).pathname;

describe("compatibility with boto3 and the AWS CLI", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  test("an unchanged boto3 program: datasets, S3 upload, import, errors, paginator", async () => {
    const python = await findPython();
    const { stdout } = await run(python, [SCRIPT, (ACCOUNTS[0] as (typeof ACCOUNTS)[number]).accountId], {
      env: awsEnv(h),
      timeout: 120_000,
    });
    const seen = JSON.parse(stdout.trim().split("\n").at(-1) as string);
    assert.equal(seen.group_arn, "arn:aws:forecast:us-west-2:111122223333:dataset-group/boto_group");
    assert.equal(seen.import_status, "ACTIVE", seen.import_message);
    assert.equal(seen.demand_count, 30);
    assert.equal(seen.creation_time_type, "datetime");
    assert.equal(seen.missing_error, "ResourceNotFoundException");
    assert.equal(seen.validation_error, "ValidationException");
    assert.match(seen.validation_message, /Value 'bad-name' at 'datasetGroupName'/);
    assert.equal(seen.paginated_groups, 1);
  });

  test("an unchanged boto3 program: forecast, explain two series, export CSV, read it as AWS's notebook does", async () => {
    const { predictorArn } = await setupDriverPredictor(h.forecast(), h.s3(), h.roleArn(), "boto-explain");
    const python = await findPython();
    const { stdout } = await run(
      python,
      [EXPLAIN_SCRIPT, (ACCOUNTS[0] as (typeof ACCOUNTS)[number]).accountId, predictorArn, "boto-explain"],
      { env: awsEnv(h), timeout: 240_000 },
    );
    const seen = JSON.parse(stdout.trim().split("\n").at(-1) as string);
    assert.equal(seen.forecast_status, "ACTIVE");
    assert.equal(seen.explainability_status, "ACTIVE", seen.explainability_message);
    assert.equal(seen.export_status, "ACTIVE");
    assert.equal(seen.export_format, "CSV");
    assert.deepEqual(seen.columns.slice(0, 2), ["item_id", "timestamp"]);
    assert.ok(seen.columns.includes("price-NormalizedImpactScore"));
    assert.deepEqual(seen.items, ["Aggregate", "item_2", "item_4"]);
    assert.equal(seen.aggregate_rows, 3, "one per series and the overall one");
    assert.equal(seen.normalized_in_range, true);
  });

  test("the AWS CLI: create, describe, list and an error exit code", async () => {
    const env = awsEnv(h, 1);
    const aws = async (...args: string[]) => {
      const { stdout } = await run("aws", [...args, "--output", "json"], { env, timeout: 60_000 });
      return JSON.parse(stdout || "{}");
    };
    const created = await aws(
      "forecast",
      "create-dataset-group",
      "--dataset-group-name",
      "cli_group",
      "--domain",
      "CUSTOM",
    );
    assert.equal(created.DatasetGroupArn, "arn:aws:forecast:us-west-2:444455556666:dataset-group/cli_group");
    const described = await aws(
      "forecast",
      "describe-dataset-group",
      "--dataset-group-arn",
      created.DatasetGroupArn,
    );
    assert.equal(described.Status, "ACTIVE");
    const listed = await aws("forecast", "list-dataset-groups");
    assert.deepEqual(
      listed.DatasetGroups.map((g: { DatasetGroupName: string }) => g.DatasetGroupName),
      ["cli_group"],
    );
    await assert.rejects(
      run(
        "aws",
        ["forecast", "describe-dataset-group", "--dataset-group-arn", `${created.DatasetGroupArn}x`],
        { env },
      ),
      (error: { code?: number; stderr?: string }) => {
        assert.notEqual(error.code, 0);
        assert.match(error.stderr ?? "", /ResourceNotFoundException/);
        return true;
      },
    );
  });
});
