import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { findPython } from "../compat/python.js";
import {
  type AccountKey,
  createSecretBucket,
  ONE,
  SECRET_ROWS,
  startTwoAccountS3,
  TWO,
  type TwoAccountS3,
} from "./two-accounts.js";

const run = promisify(execFile);
const SCRIPT = new URL("../../../test/compat/boto3_s3_cross_account.py", import.meta.url).pathname;
const BUCKET = "boto-account-one";

describe("embedded S3 across accounts, with boto3 and the AWS CLI", () => {
  let directory: string;
  let running: TwoAccountS3;
  let one: S3Client;
  const env = (key: AccountKey): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    OTHER_ACCESS_KEY_ID: TWO.accessKeyId,
    OTHER_SECRET_ACCESS_KEY: TWO.secretAccessKey,
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_ENDPOINT_URL_S3: running.s3.endpoint,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  });

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), "openforecast-s3-boto-"));
    running = await startTwoAccountS3(directory);
    one = running.one;
    await createSecretBucket(one, BUCKET);
  });
  after(async () => {
    await running.stop();
    await rm(directory, { recursive: true, force: true });
  });

  test("boto3: every operation of another account refused with 403 AccessDenied, nothing changed", async () => {
    const python = await findPython();
    const { stdout } = await run(python, [SCRIPT, BUCKET], { env: env(ONE), timeout: 120_000 });
    const seen = JSON.parse(stdout.trim().split("\n").at(-1) as string);
    for (const [operation, [status, code]] of Object.entries(
      seen.refused as Record<string, [number, string]>,
    )) {
      assert.equal(status, 403, `${operation}: ${status} ${code}`);
      // HEAD answers have no body: botocore names the status.
      if (!["head_bucket", "head_object", "download_fileobj"].includes(operation)) {
        assert.equal(code, "AccessDenied", operation);
      }
    }
    assert.equal(Object.keys(seen.refused).length, 24);
    assert.deepEqual(seen.buckets_one, [BUCKET]);
    assert.deepEqual(seen.buckets_two, ["boto-account-two"]);
    assert.deepEqual(seen.create_taken, [409, "BucketAlreadyExists"]);
    assert.equal(seen.presigned_two[0], 403);
    assert.match(seen.presigned_two[1], /AccessDenied/);
    assert.deepEqual(seen.presigned_one, [200, SECRET_ROWS]);
    assert.equal(seen.presigned_two_v4[0], 403);
    assert.match(seen.presigned_two_v4[1], /AccessDenied/);
    assert.equal(seen.presigned_one_tampered[0], 403);
    assert.match(seen.presigned_one_tampered[1], /SignatureDoesNotMatch/);
    assert.equal(seen.unchanged, true);
    assert.equal(seen.object_count, 1);
  });

  test("the AWS CLI: aws s3 ls / cp / rm / mb of another account's bucket fail", async () => {
    const aws = (...args: string[]) =>
      run("aws", args, { env: env(TWO), timeout: 60_000 }).then(
        () => ({ failed: false, stderr: "" }),
        (error: { stderr: string }) => ({ failed: true, stderr: error.stderr }),
      );
    for (const args of [
      ["s3", "ls", `s3://${BUCKET}/`],
      ["s3", "cp", `s3://${BUCKET}/secret.csv`, "-"],
      ["s3", "rm", `s3://${BUCKET}/secret.csv`],
    ]) {
      const result = await aws(...args);
      assert.equal(result.failed, true, args.join(" "));
      assert.match(result.stderr, /AccessDenied|403|Forbidden/, args.join(" "));
    }
    const mb = await aws("s3", "mb", `s3://${BUCKET}`);
    assert.equal(mb.failed, true);
    assert.match(mb.stderr, /BucketAlreadyExists/);
    const got = await one.send(new GetObjectCommand({ Bucket: BUCKET, Key: "secret.csv" }));
    assert.equal(await got.Body?.transformToString(), SECRET_ROWS);
  });
});
