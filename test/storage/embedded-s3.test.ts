import assert from "node:assert/strict";
import { createReadStream } from "node:fs";
import { readdir, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Sha256 } from "@aws-crypto/sha256-js";
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { type EmbeddedFixture, startFixture, TEST_KEY } from "./embedded-fixture.js";
import { presignGet } from "./two-accounts.js";

/** A raw HTTP request, for what an SDK would never send. */
function rawRequest(
  endpoint: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}${path}`, { method, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("embedded S3 endpoint", () => {
  let s3: EmbeddedFixture;
  before(async () => {
    s3 = await startFixture();
    await s3.userClient().send(new CreateBucketCommand({ Bucket: "users-bucket" }));
  });
  after(async () => {
    await s3.close();
  });

  test("binds the port it was given 0 for and reports it", () => {
    const port = Number(new URL(s3.endpoint).port);
    assert.ok(port > 0);
    assert.equal(new URL(s3.endpoint).hostname, "127.0.0.1");
  });

  for (const region of ["us-east-1", "eu-west-1", "ap-southeast-2"]) {
    test(`accepts a configured key signing for ${region}, and returns the bytes stored`, async () => {
      const client = s3.userClient({ region });
      const key = `regions/${region}/ünïcode key (1).csv`;
      await client.send(
        new PutObjectCommand({ Bucket: "users-bucket", Key: key, Body: `a,b\n1,${region}\n` }),
      );
      const got = await client.send(new GetObjectCommand({ Bucket: "users-bucket", Key: key }));
      assert.equal(await got.Body?.transformToString(), `a,b\n1,${region}\n`);
    });
  }

  test("refuses an access key it does not know", async () => {
    const client = s3.userClient({ accessKeyId: "AKIAUNKNOWN", secretAccessKey: TEST_KEY.secretAccessKey });
    await assert.rejects(client.send(new ListBucketsCommand({})), { name: "InvalidAccessKeyId" });
  });

  test("refuses a known access key signed with the wrong secret", async () => {
    const client = s3.userClient({ secretAccessKey: "not-the-secret" });
    await assert.rejects(client.send(new PutObjectCommand({ Bucket: "users-bucket", Key: "x", Body: "x" })), {
      name: "SignatureDoesNotMatch",
    });
  });

  test("refuses s3rver's well-known S3RVER key (data directories from s3rver days)", async () => {
    const client = s3.userClient({ accessKeyId: "S3RVER", secretAccessKey: "S3RVER" });
    await assert.rejects(client.send(new ListBucketsCommand({})), { name: "InvalidAccessKeyId" });
  });

  test("refuses anonymous requests", async () => {
    const response = await rawRequest(s3.endpoint, "GET", "/users-bucket/regions/us-east-1/x");
    assert.equal(response.status, 403);
    assert.match(response.body, /<Code>AccessDenied<\/Code>/);
  });

  test("serves presigned URLs and refuses them once tampered with", async () => {
    const client = s3.userClient();
    await client.send(new PutObjectCommand({ Bucket: "users-bucket", Key: "presigned.txt", Body: "shared" }));
    const url = await presignGet(s3.endpoint, "/users-bucket/presigned.txt", TEST_KEY);
    const ok = await fetch(url);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), "shared");
    const tampered = await fetch(url.replace("presigned.txt", "regions/us-east-1/x"));
    assert.equal(tampered.status, 403);
  });

  test("decodes aws-chunked bodies (a file stream PUT by the SDK) instead of storing the framing", async () => {
    const client = s3.userClient();
    const file = join(s3.directory, "..", `chunked-${process.pid}.txt`);
    const content = "0123456789".repeat(10_000);
    await writeFile(file, content);
    await client.send(
      new PutObjectCommand({
        Bucket: "users-bucket",
        Key: "chunked.txt",
        Body: createReadStream(file),
        ContentLength: content.length,
      }),
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: "users-bucket", Key: "chunked.txt" }));
    assert.equal(head.ContentLength, content.length);
    assert.equal(head.ContentEncoding, undefined);
    const got = await client.send(new GetObjectCommand({ Bucket: "users-bucket", Key: "chunked.txt" }));
    assert.equal(await got.Body?.transformToString(), content);
  });

  test("keeps SSE-KMS headers and reports them back on HEAD", async () => {
    const client = s3.userClient();
    const kmsKey = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    await client.send(
      new PutObjectCommand({
        Bucket: "users-bucket",
        Key: "encrypted.csv",
        Body: "x",
        ServerSideEncryption: "aws:kms",
        SSEKMSKeyId: kmsKey,
      }),
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: "users-bucket", Key: "encrypted.csv" }));
    assert.equal(head.ServerSideEncryption, "aws:kms");
    assert.equal(head.SSEKMSKeyId, kmsKey);
  });

  test("refuses keys and upload ids that would lead outside its directory", async () => {
    const client = s3.userClient();
    for (const key of ["../../escaped", "a/../../escaped", "a/./b"]) {
      await assert.rejects(
        client.send(new PutObjectCommand({ Bucket: "users-bucket", Key: key, Body: "x" })),
        { name: "InvalidArgument" },
        key,
      );
    }
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: "users-bucket", Key: "multi" }),
    );
    assert.match(UploadId ?? "", /^[A-Za-z0-9]+$/);
    await assert.rejects(
      client.send(
        new UploadPartCommand({
          Bucket: "users-bucket",
          Key: "multi",
          UploadId: "../../up",
          PartNumber: 1,
          Body: "x",
        }),
      ),
      { name: "InvalidArgument" },
    );
  });

  describe("listing", () => {
    // In S3's order (UTF-8 bytes): "-" and "." sort before "/", U+E000 before an emoji (not so in UTF-16).
    const keys = ["a-1", "a.csv", "a/", "a/x/1", "a/x/2", "a/y", "b", "é", "\ue000", "😀"];
    before(async () => {
      const client = s3.userClient();
      await client.send(new CreateBucketCommand({ Bucket: "listing" }));
      for (const Key of [...keys].reverse()) {
        await client.send(new PutObjectCommand({ Bucket: "listing", Key, Body: Key }));
      }
    });

    test("lists keys in S3 order, one page or many", async () => {
      const client = s3.userClient();
      const whole = await client.send(new ListObjectsV2Command({ Bucket: "listing" }));
      assert.deepEqual(
        whole.Contents?.map((o) => o.Key),
        keys,
      );
      const paged: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: "listing", MaxKeys: 3, ContinuationToken }),
        );
        assert.ok((page.Contents?.length ?? 0) <= 3);
        paged.push(...(page.Contents ?? []).map((o) => o.Key ?? ""));
        ContinuationToken = page.NextContinuationToken;
      } while (ContinuationToken !== undefined);
      assert.deepEqual(paged, keys);
    });

    test("pages past common prefixes (v2 and v1), counting them against the page size", async () => {
      const client = s3.userClient();
      const expected = [["a-1", "a.csv"], ["a/", "b"], ["é", "\ue000"], ["😀"]];
      const v2: string[][] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: "listing", Delimiter: "/", MaxKeys: 2, ContinuationToken }),
        );
        v2.push([
          ...(page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ""),
          ...(page.Contents ?? []).map((o) => o.Key ?? ""),
        ]);
        ContinuationToken = page.NextContinuationToken;
      } while (ContinuationToken !== undefined);
      assert.deepEqual(v2, expected);

      const v1: string[][] = [];
      let Marker: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsCommand({ Bucket: "listing", Delimiter: "/", MaxKeys: 2, Marker }),
        );
        v1.push([
          ...(page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ""),
          ...(page.Contents ?? []).map((o) => o.Key ?? ""),
        ]);
        Marker = page.IsTruncated ? page.NextMarker : undefined;
      } while (Marker !== undefined);
      assert.deepEqual(v1, expected);
    });

    test("refuses a continuation token it did not make", async () => {
      await assert.rejects(
        s3
          .userClient()
          .send(new ListObjectsV2Command({ Bucket: "listing", ContinuationToken: "bm90LW91cnM=" })),
        { name: "InvalidArgument" },
      );
    });
  });

  test("DeleteObjects removes many keys of one folder at once, and the folders it empties", async () => {
    const client = s3.userClient();
    const doomed = Array.from({ length: 8 }, (_, i) => `batch/deep/part-${i}.csv`);
    for (const key of [...doomed, "batch/keep.txt"])
      await client.send(new PutObjectCommand({ Bucket: "users-bucket", Key: key, Body: key }));
    const deleted = await client.send(
      new DeleteObjectsCommand({
        Bucket: "users-bucket",
        Delete: { Objects: doomed.map((Key) => ({ Key })) },
      }),
    );
    assert.deepEqual(deleted.Errors ?? [], []);
    assert.equal(deleted.Deleted?.length, doomed.length);
    const left = await client.send(new ListObjectsV2Command({ Bucket: "users-bucket", Prefix: "batch/" }));
    assert.deepEqual(
      left.Contents?.map((o) => o.Key),
      ["batch/keep.txt"],
    );
    assert.deepEqual(await readdir(join(s3.directory, "users-bucket", "batch")), [
      "keep.txt._S3rver_metadata.json",
      "keep.txt._S3rver_object",
      "keep.txt._S3rver_object.md5",
    ]);
  });

  test("an upload cut short leaves the previous object and no stray file", async () => {
    const client = s3.userClient();
    await client.send(
      new PutObjectCommand({ Bucket: "users-bucket", Key: "cut/short.bin", Body: "original" }),
    );
    const url = new URL(s3.endpoint);
    const signer = new SignatureV4({
      service: "s3",
      region: "us-east-1",
      credentials: TEST_KEY,
      sha256: Sha256,
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: "PUT",
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: "/users-bucket/cut/short.bin",
        headers: { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "content-length": "1000000" },
      }),
    );
    await new Promise<void>((resolve) => {
      const req = request(`${s3.endpoint}${signed.path}`, { method: "PUT", headers: signed.headers });
      req.on("error", () => resolve());
      req.write(Buffer.alloc(300_000, 1), () => {
        req.destroy();
        resolve();
      });
    });
    await sleep(200);
    const got = await client.send(new GetObjectCommand({ Bucket: "users-bucket", Key: "cut/short.bin" }));
    assert.equal(await got.Body?.transformToString(), "original");
    const files = await readdir(join(s3.directory, "users-bucket", "cut"));
    assert.deepEqual(
      files.filter((name) => name.endsWith(".partial")),
      [],
    );
  });
});
