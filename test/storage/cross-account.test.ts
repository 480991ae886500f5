import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Sha256 } from "@aws-crypto/sha256-js";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketCorsCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketCorsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { OWNERS_FILE } from "../../src/storage/bucket-owners.js";
import { type EmbeddedS3, startEmbeddedS3 } from "../../src/storage/embedded-s3.js";
import {
  accountClient,
  createSecretBucket,
  ONE,
  presignGet,
  SECRET_ROWS,
  startTwoAccountS3,
  TWO,
  type TwoAccountS3,
} from "./two-accounts.js";

const BUCKET = "account-one-data";

/** The status and S3 error code of a call expected to fail. */
async function refusal(call: Promise<unknown>): Promise<{ status: number | undefined; code: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as { name: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    return { status: e.$metadata?.httpStatusCode, code: e.Code ?? e.name };
  }
  throw new assert.AssertionError({ message: "the call succeeded but should have been refused" });
}

/** Everything account one can see of its bucket: keys with their content. */
async function snapshot(s3: S3Client): Promise<Record<string, string>> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  const objects: Record<string, string> = {};
  for (const { Key } of listed.Contents ?? []) {
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
    objects[Key as string] = (await got.Body?.transformToString()) ?? "";
  }
  return objects;
}

describe("embedded S3: buckets belong to the account that created them", () => {
  let directory: string;
  let running: TwoAccountS3;
  let s3: EmbeddedS3;
  let one: S3Client;
  let two: S3Client;
  let uploadId: string;

  const start = async () => {
    running = await startTwoAccountS3(directory);
    ({ s3, one, two } = running);
  };
  const stop = () => running.stop();

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), "openforecast-s3-accounts-"));
    await start();
    await createSecretBucket(one, BUCKET);
    await one.send(new PutObjectCommand({ Bucket: BUCKET, Key: "dir/other.csv", Body: "x\n1\n" }));
    const started = await one.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "pending.csv" }));
    uploadId = started.UploadId as string;
    await two.send(new CreateBucketCommand({ Bucket: "account-two-data" }));
  });
  after(async () => {
    await stop();
    await rm(directory, { recursive: true, force: true });
  });

  test("every bucket and object operation of another account is refused with 403 AccessDenied, and nothing changes", async () => {
    const before = await snapshot(one);
    const body = "overwritten by account two";
    const attempts: [string, () => Promise<unknown>][] = [
      ["HeadBucket", () => two.send(new HeadBucketCommand({ Bucket: BUCKET }))],
      ["GetBucketLocation", () => two.send(new GetBucketLocationCommand({ Bucket: BUCKET }))],
      ["ListObjects", () => two.send(new ListObjectsCommand({ Bucket: BUCKET }))],
      ["ListObjectsV2", () => two.send(new ListObjectsV2Command({ Bucket: BUCKET }))],
      ["GetObject", () => two.send(new GetObjectCommand({ Bucket: BUCKET, Key: "secret.csv" }))],
      ["HeadObject", () => two.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "secret.csv" }))],
      [
        "PutObject (new key)",
        () => two.send(new PutObjectCommand({ Bucket: BUCKET, Key: "planted.csv", Body: body })),
      ],
      [
        "PutObject (overwrite)",
        () => two.send(new PutObjectCommand({ Bucket: BUCKET, Key: "secret.csv", Body: body })),
      ],
      ["DeleteObject", () => two.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "secret.csv" }))],
      [
        "DeleteObjects",
        () =>
          two.send(
            new DeleteObjectsCommand({
              Bucket: BUCKET,
              Delete: { Objects: [{ Key: "secret.csv" }, { Key: "dir/other.csv" }] },
            }),
          ),
      ],
      [
        "CopyObject (foreign source)",
        () =>
          two.send(
            new CopyObjectCommand({
              Bucket: "account-two-data",
              Key: "stolen.csv",
              CopySource: `${BUCKET}/secret.csv`,
            }),
          ),
      ],
      [
        "CopyObject (foreign destination)",
        () =>
          two.send(
            new CopyObjectCommand({
              Bucket: BUCKET,
              Key: "secret.csv",
              CopySource: "account-two-data/nothing.csv",
            }),
          ),
      ],
      [
        "CreateMultipartUpload",
        () => two.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "mp.csv" })),
      ],
      [
        "UploadPart",
        () =>
          two.send(
            new UploadPartCommand({
              Bucket: BUCKET,
              Key: "pending.csv",
              UploadId: uploadId,
              PartNumber: 1,
              Body: body,
            }),
          ),
      ],
      [
        "ListParts",
        () => two.send(new ListPartsCommand({ Bucket: BUCKET, Key: "pending.csv", UploadId: uploadId })),
      ],
      ["ListMultipartUploads", () => two.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))],
      [
        "CompleteMultipartUpload",
        () =>
          two.send(
            new CompleteMultipartUploadCommand({
              Bucket: BUCKET,
              Key: "pending.csv",
              UploadId: uploadId,
              MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"0"' }] },
            }),
          ),
      ],
      [
        "AbortMultipartUpload",
        () =>
          two.send(
            new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "pending.csv", UploadId: uploadId }),
          ),
      ],
      ["GetBucketCors", () => two.send(new GetBucketCorsCommand({ Bucket: BUCKET }))],
      [
        "PutBucketCors",
        () =>
          two.send(
            new PutBucketCorsCommand({
              Bucket: BUCKET,
              CORSConfiguration: { CORSRules: [{ AllowedMethods: ["GET"], AllowedOrigins: ["*"] }] },
            }),
          ),
      ],
      ["DeleteBucketCors", () => two.send(new DeleteBucketCorsCommand({ Bucket: BUCKET }))],
      ["DeleteBucket", () => two.send(new DeleteBucketCommand({ Bucket: BUCKET }))],
    ];
    for (const [operation, attempt] of attempts) {
      const { status, code } = await refusal(attempt());
      assert.equal(status, 403, `${operation}: HTTP ${status} ${code}`);
      // HEAD answers have no body, so the SDK can only name the status.
      if (!operation.startsWith("Head")) assert.equal(code, "AccessDenied", operation);
    }
    // Lib-storage's managed upload (what the service's exports use) is refused too.
    const upload = new Upload({ client: two, params: { Bucket: BUCKET, Key: "managed.csv", Body: body } });
    assert.equal((await refusal(upload.done())).status, 403);

    assert.deepEqual(await snapshot(one), before);
    assert.deepEqual(Object.keys(before).sort(), ["dir/other.csv", "secret.csv"]);
    assert.equal(before["secret.csv"], SECRET_ROWS);
    // The pending upload is intact: its owner can still finish it.
    const part = await one.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: "pending.csv",
        UploadId: uploadId,
        PartNumber: 1,
        Body: "p\n",
      }),
    );
    await one.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: "pending.csv",
        UploadId: uploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    await one.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "pending.csv" }));
  });

  test("ListBuckets shows each account its own buckets only", async () => {
    const names = async (s3client: S3Client) =>
      ((await s3client.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
    assert.deepEqual(await names(one), [BUCKET]);
    assert.deepEqual(await names(two), ["account-two-data"]);
  });

  test("a presigned URL carries its signer's rights", async () => {
    const path = `/${BUCKET}/secret.csv`;
    const byTwo = await fetch(await presignGet(s3.endpoint, path, TWO));
    assert.equal(byTwo.status, 403);
    assert.match(await byTwo.text(), /<Code>AccessDenied<\/Code>/);
    const byOne = await fetch(await presignGet(s3.endpoint, path, ONE));
    assert.equal(byOne.status, 200);
    assert.equal(await byOne.text(), SECRET_ROWS);
  });

  test("a bucket name another account holds is BucketAlreadyExists (409)", async () => {
    assert.deepEqual(await refusal(two.send(new CreateBucketCommand({ Bucket: BUCKET }))), {
      status: 409,
      code: "BucketAlreadyExists",
    });
    // The owner asking again is told it has it already, as S3 does outside us-east-1.
    assert.deepEqual(await refusal(one.send(new CreateBucketCommand({ Bucket: BUCKET }))), {
      status: 409,
      code: "BucketAlreadyOwnedByYou",
    });
  });

  test("two accounts racing for one name: exactly one gets it", async () => {
    const results = await Promise.allSettled([
      one.send(new CreateBucketCommand({ Bucket: "contested-name" })),
      two.send(new CreateBucketCommand({ Bucket: "contested-name" })),
    ]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    const winner = results[0].status === "fulfilled" ? one : two;
    await winner.send(new DeleteBucketCommand({ Bucket: "contested-name" }));
  });

  test("a deleted bucket's name is free again, for any account", async () => {
    await two.send(new CreateBucketCommand({ Bucket: "short-lived" }));
    await two.send(new DeleteBucketCommand({ Bucket: "short-lived" }));
    await one.send(new CreateBucketCommand({ Bucket: "short-lived" }));
    assert.equal((await refusal(two.send(new HeadBucketCommand({ Bucket: "short-lived" })))).status, 403);
    await one.send(new DeleteBucketCommand({ Bucket: "short-lived" }));
  });

  test("ownership survives a restart", async () => {
    await stop();
    await start();
    assert.deepEqual(await refusal(two.send(new GetObjectCommand({ Bucket: BUCKET, Key: "secret.csv" }))), {
      status: 403,
      code: "AccessDenied",
    });
    const got = await one.send(new GetObjectCommand({ Bucket: BUCKET, Key: "secret.csv" }));
    assert.equal(await got.Body?.transformToString(), SECRET_ROWS);
    const owners = JSON.parse(await readFile(join(directory, OWNERS_FILE), "utf8"));
    assert.equal(owners.owners[BUCKET], ONE.accountId);
  });
});

describe("embedded S3: data directories from before per-account buckets", () => {
  test("buckets without an owner go to the first key's account", async () => {
    const directory = await mkdtemp(join(tmpdir(), "openforecast-s3-legacy-"));
    await mkdir(join(directory, "old-bucket"));
    const logged: string[] = [];
    const s3 = await startEmbeddedS3({
      host: "127.0.0.1",
      port: 0,
      directory,
      keys: [TWO, ONE],
      log: (m) => logged.push(m),
    });
    const one = accountClient(s3.endpoint, ONE);
    const two = accountClient(s3.endpoint, TWO);
    try {
      await two.send(new HeadBucketCommand({ Bucket: "old-bucket" }));
      assert.equal((await refusal(one.send(new HeadBucketCommand({ Bucket: "old-bucket" })))).status, 403);
      assert.match(logged.join("\n"), /"old-bucket".*444455556666/);
    } finally {
      one.destroy();
      two.destroy();
      await s3.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe("embedded S3: browser-form uploads", () => {
  test("are refused (501 NotImplemented): no form parser runs (s3rver's busboy 0.3 / dicer had CVE-2022-24434)", async () => {
    const directory = await mkdtemp(join(tmpdir(), "openforecast-s3-form-"));
    const s3 = await startEmbeddedS3({ host: "127.0.0.1", port: 0, directory, keys: [ONE] });
    const one = accountClient(s3.endpoint, ONE);
    try {
      await one.send(new CreateBucketCommand({ Bucket: "forms" }));
      const url = new URL(s3.endpoint);
      const signer = new SignatureV4({
        service: "s3",
        region: "us-east-1",
        credentials: { accessKeyId: ONE.accessKeyId, secretAccessKey: ONE.secretAccessKey },
        sha256: Sha256,
        uriEscapePath: false,
      });
      const body = '--x\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--x--\r\n';
      const signed = await signer.sign(
        new HttpRequest({
          method: "POST",
          protocol: "http:",
          hostname: url.hostname,
          port: Number(url.port),
          path: "/forms",
          headers: {
            host: url.host,
            "content-type": "multipart/form-data; boundary=x",
            "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
          },
        }),
      );
      const response = await fetch(`${s3.endpoint}/forms`, { method: "POST", headers: signed.headers, body });
      assert.equal(response.status, 501);
      assert.match(await response.text(), /<Code>NotImplemented<\/Code>/);
    } finally {
      one.destroy();
      await s3.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
