import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Sha256 } from "@aws-crypto/sha256-js";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { type EmbeddedFixture, startFixture, TEST_KEY } from "./embedded-fixture.js";

const BUCKET = "operations";

/** A request signed with the SDK's signer, sent as given (path, headers, body): what an SDK would never send. */
async function signedRequest(
  endpoint: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; query?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({
    service: "s3",
    region: "us-east-1",
    credentials: TEST_KEY,
    sha256: Sha256,
    uriEscapePath: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path,
      query: options.query,
      headers: { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD", ...options.headers },
    }),
  );
  const query = Object.entries(options.query ?? {})
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join("&");
  return new Promise((resolve, reject) => {
    // Options rather than a URL string: a URL would normalise the path (%2E%2E segments, for one).
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${path}${query === "" ? "" : `?${query}`}`,
        method,
        headers: signed.headers,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** An S3 error answer: 4xx, an <Error> document with Code, Message, Resource and RequestId. */
function assertS3ClientError(
  response: { status: number; body: string },
  code: string | RegExp,
  what: string,
): void {
  assert.ok(
    response.status >= 400 && response.status < 500,
    `${what}: HTTP ${response.status} ${response.body}`,
  );
  const found = /<Code>([^<]*)<\/Code>/.exec(response.body)?.[1];
  if (typeof code === "string") assert.equal(found, code, what);
  else assert.match(found ?? "", code, what);
  for (const element of ["Message", "Resource", "RequestId"]) {
    assert.match(response.body, new RegExp(`<${element}>[^<]*</${element}>`), `${what}: ${element}`);
  }
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number | undefined; code: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { status: e.$metadata?.httpStatusCode, code: e.name };
  }
  assert.fail("expected a refusal");
}

describe("embedded S3 endpoint: operations s3rver lacked, ranges, containment, hostile input", () => {
  let s3: EmbeddedFixture;
  before(async () => {
    s3 = await startFixture();
    await s3.userClient().send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(async () => {
    await s3.close();
  });

  test("AbortMultipartUpload removes the upload and its parts; the id is then unknown", async () => {
    const client = s3.userClient();
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "aborted.bin" }),
    );
    await client.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: "aborted.bin",
        UploadId,
        PartNumber: 1,
        Body: "part one",
      }),
    );
    const uploads = join(s3.directory, BUCKET, "._S3rver_uploads");
    assert.deepEqual(await readdir(uploads), [UploadId]);
    await client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "aborted.bin", UploadId }));
    assert.deepEqual(await readdir(uploads), []);
    assert.deepEqual(
      await refusal(
        client.send(
          new UploadPartCommand({
            Bucket: BUCKET,
            Key: "aborted.bin",
            UploadId,
            PartNumber: 2,
            Body: "late",
          }),
        ),
      ),
      { status: 404, code: "NoSuchUpload" },
    );
    assert.deepEqual(
      await refusal(
        client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "aborted.bin", UploadId })),
      ),
      { status: 404, code: "NoSuchUpload" },
    );
    assert.equal(
      (await refusal(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "aborted.bin" })))).status,
      404,
    );
  });

  test("ListMultipartUploads lists pending uploads by key, with a prefix, and forgets finished ones", async () => {
    const client = s3.userClient();
    const started: Record<string, string> = {};
    for (const key of ["pending/b.csv", "pending/a.csv", "other/c.csv"]) {
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
      started[key] = UploadId as string;
    }
    const all = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    assert.deepEqual(
      all.Uploads?.map((u) => [u.Key, u.UploadId]),
      ["other/c.csv", "pending/a.csv", "pending/b.csv"].map((key) => [key, started[key]]),
    );
    const some = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: "pending/" }));
    assert.deepEqual(
      some.Uploads?.map((u) => u.Key),
      ["pending/a.csv", "pending/b.csv"],
    );
    const firstPage = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, MaxUploads: 2 }));
    assert.equal(firstPage.IsTruncated, true);
    assert.equal(firstPage.NextKeyMarker, "pending/a.csv");
    for (const [Key, UploadId] of Object.entries(started)) {
      await client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId }));
    }
    const none = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    assert.deepEqual(none.Uploads ?? [], []);
  });

  test("a multipart object's ETag is S3's: MD5 of the parts' MD5s, then -<parts>", async () => {
    const client = s3.userClient();
    const partSize = 5 * 1024 * 1024;
    const body = Buffer.alloc(2 * partSize + 1000);
    for (let i = 0; i < body.length; i += 1) body[i] = (i * 7) % 251;
    await new Upload({ client, params: { Bucket: BUCKET, Key: "multi.bin", Body: body }, partSize }).done();
    const parts = [
      body.subarray(0, partSize),
      body.subarray(partSize, 2 * partSize),
      body.subarray(2 * partSize),
    ];
    const expected = createHash("md5")
      .update(Buffer.concat(parts.map((part) => createHash("md5").update(part).digest())))
      .digest("hex");
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "multi.bin" }));
    assert.equal(head.ETag, `"${expected}-3"`);
    assert.equal(head.ContentLength, body.length);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "multi.bin" }));
    assert.ok(Buffer.from(await (got.Body?.transformToByteArray() ?? [])).equals(body));
  });

  test("a part smaller than 5 MiB but the last is EntityTooSmall, and the upload can still be aborted", async () => {
    const client = s3.userClient();
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "small.bin" }),
    );
    const one = await client.send(
      new UploadPartCommand({ Bucket: BUCKET, Key: "small.bin", UploadId, PartNumber: 1, Body: "a" }),
    );
    const two = await client.send(
      new UploadPartCommand({ Bucket: BUCKET, Key: "small.bin", UploadId, PartNumber: 2, Body: "b" }),
    );
    const complete = (parts: { PartNumber: number; ETag: string | undefined }[]) =>
      client.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: "small.bin",
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    assert.deepEqual(
      await refusal(
        complete([
          { PartNumber: 1, ETag: one.ETag },
          { PartNumber: 2, ETag: two.ETag },
        ]),
      ),
      { status: 400, code: "EntityTooSmall" },
    );
    assert.deepEqual(await refusal(complete([{ PartNumber: 1, ETag: two.ETag }])), {
      status: 400,
      code: "InvalidPart",
    });
    assert.deepEqual(
      await refusal(
        complete([
          { PartNumber: 2, ETag: two.ETag },
          { PartNumber: 1, ETag: one.ETag },
        ]),
      ),
      { status: 400, code: "InvalidPartOrder" },
    );
    await client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "small.bin", UploadId }));
  });

  test("a write racing the delete that empties its folder succeeds (no 500), and so does the delete", async () => {
    const client = s3.userClient();
    for (let round = 0; round < 30; round += 1) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `race/${round}/old`, Body: "old" }));
      await Promise.all([
        client.send(
          new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: `race/${round}/old` }] } }),
        ),
        client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `race/${round}/new`, Body: "new" })),
      ]);
      const listed = await client.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `race/${round}/` }),
      );
      assert.deepEqual(
        listed.Contents?.map((o) => o.Key),
        [`race/${round}/new`],
      );
    }
  });

  test("Range GETs: first bytes, from an offset, the last bytes, past the end, unsatisfiable", async () => {
    const client = s3.userClient();
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "range.txt", Body: "0123456789" }));
    const get = async (Range: string) => {
      const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "range.txt", Range }));
      return [
        await got.Body?.transformToString(),
        got.ContentRange,
        got.ContentLength,
        got.$metadata.httpStatusCode,
      ];
    };
    assert.deepEqual(await get("bytes=0-4"), ["01234", "bytes 0-4/10", 5, 206]);
    assert.deepEqual(await get("bytes=7-"), ["789", "bytes 7-9/10", 3, 206]);
    assert.deepEqual(await get("bytes=-3"), ["789", "bytes 7-9/10", 3, 206]);
    assert.deepEqual(await get("bytes=8-100"), ["89", "bytes 8-9/10", 2, 206]);
    // Not a single byte range: S3 ignores the header and sends the whole object.
    assert.deepEqual(await get("bytes=0-1,4-5"), ["0123456789", undefined, 10, 200]);
    assert.deepEqual(await refusal(get("bytes=10-")), { status: 416, code: "InvalidRange" });
    const raw = await signedRequest(s3.endpoint, "GET", `/${BUCKET}/range.txt`, {
      headers: { range: "bytes=20-30" },
    });
    assertS3ClientError(raw, "InvalidRange", "range past the end");
    assert.equal(raw.headers["content-range"], "bytes */10");
  });

  test("keys that try to climb out of the bucket stay out of the file system, however they are spelled", async () => {
    const client = s3.userClient();
    const outside = async () => (await readdir(join(s3.directory, ".."))).sort();
    const before = await outside();
    const bucketBefore = (await readdir(s3.directory)).sort();
    for (const Key of ["../escaped", "../../escaped", "a/../../../escaped", "..", "./x", "a/./b"]) {
      assert.deepEqual(
        await refusal(client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: "x" }))),
        { status: 400, code: "InvalidArgument" },
        Key,
      );
    }
    for (const path of [
      `/${BUCKET}/%2E%2E/%2E%2E/escaped`,
      `/${BUCKET}/%2e%2e%2fescaped`,
      `/${BUCKET}/a%2F..%2F..%2Fescaped`,
      `/${BUCKET}/..%5C..%5Cescaped/..`,
    ]) {
      const response = await signedRequest(s3.endpoint, "PUT", path, { body: "x" });
      assertS3ClientError(response, "InvalidArgument", path);
    }
    const bucketEscape = await signedRequest(s3.endpoint, "PUT", "/%2E%2E/escaped", { body: "x" });
    assertS3ClientError(bucketEscape, /InvalidBucketName|AccessDenied/, "bucket ..");
    assert.deepEqual(
      await refusal(
        client.send(
          new CopyObjectCommand({ Bucket: BUCKET, Key: "copy", CopySource: `${BUCKET}/../../etc/passwd` }),
        ),
      ),
      { status: 400, code: "InvalidArgument" },
    );
    const deleted = await client.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: [{ Key: "../../x" }, { Key: "fine" }] },
      }),
    );
    assert.deepEqual(
      deleted.Errors?.map((e) => [e.Key, e.Code]),
      [["../../x", "InvalidArgument"]],
    );
    assert.deepEqual(await outside(), before);
    assert.deepEqual((await readdir(s3.directory)).sort(), bucketBefore);
    // Odd but legal keys are stored inside the bucket and read back.
    for (const Key of ["...", "..a/b..", "a\\..\\b", "%2e%2e", " ../x"]) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `odd/${Key}`, Body: Key }));
      const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `odd/${Key}` }));
      assert.equal(await got.Body?.transformToString(), Key);
    }
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "odd/" }));
    assert.equal(listed.KeyCount, 5);
  });

  test("hostile input gets S3-shaped 4xx answers, never a 5xx", async () => {
    const post = (body: string | Buffer, query: Record<string, string>, path = `/${BUCKET}`) =>
      signedRequest(s3.endpoint, "POST", path, { body, query });
    const deleteBodies: [string, string | Buffer][] = [
      ["not XML", "this is not xml"],
      ["truncated", "<Delete><Object><Key>a</Key></Object>"],
      ["wrong root", "<Remove><Object><Key>a</Key></Object></Remove>"],
      ["no keys", "<Delete></Delete>"],
      ["empty key", "<Delete><Object><Key></Key></Object></Delete>"],
      ["nested key", "<Delete><Object><Key><Key>a</Key></Key></Object></Delete>"],
      ["deep nesting", `<Delete>${"<a>".repeat(100_000)}${"</a>".repeat(100_000)}</Delete>`],
      ["unclosed deep nesting", `<Delete>${"<a>".repeat(200_000)}`],
      [
        "entity expansion",
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><Delete><Object><Key>&b;</Key></Object></Delete>',
      ],
      ["1001 keys", `<Delete>${"<Object><Key>k</Key></Object>".repeat(1001)}</Delete>`],
      ["3 MiB", Buffer.alloc(3 * 1024 * 1024, "<")],
      ["lone angle brackets", "<".repeat(500_000)],
    ];
    for (const [what, body] of deleteBodies) {
      assertS3ClientError(await post(body, { delete: "" }), /MalformedXML|MaxMessageLengthExceeded/, what);
    }
    const { UploadId } = await s3
      .userClient()
      .send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "hostile.bin" }));
    const completeBodies: [string, string][] = [
      ["not XML", "}{"],
      ["no parts", "<CompleteMultipartUpload></CompleteMultipartUpload>"],
      [
        "part 0",
        '<CompleteMultipartUpload><Part><PartNumber>0</PartNumber><ETag>"x"</ETag></Part></CompleteMultipartUpload>',
      ],
      [
        "no ETag",
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>",
      ],
      [
        "huge part number",
        "<CompleteMultipartUpload><Part><PartNumber>99999999999999999999</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>",
      ],
      [
        "missing part",
        '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"x"</ETag></Part></CompleteMultipartUpload>',
      ],
    ];
    for (const [what, body] of completeBodies) {
      assertS3ClientError(
        await post(body, { uploadId: UploadId as string }, `/${BUCKET}/hostile.bin`),
        /MalformedXML|InvalidArgument|InvalidPart/,
        `complete: ${what}`,
      );
    }
    assertS3ClientError(
      await post("<CompleteMultipartUpload/>", { uploadId: "../../x" }, `/${BUCKET}/hostile.bin`),
      "InvalidArgument",
      "complete: upload id",
    );
    const get = (path: string, headers: Record<string, string> = {}, query: Record<string, string> = {}) =>
      signedRequest(s3.endpoint, "GET", path, { headers, query });
    assertS3ClientError(
      await get(`/${BUCKET}`, {}, { "list-type": "2", "max-keys": "abc" }),
      "InvalidArgument",
      "max-keys",
    );
    assertS3ClientError(
      await get(`/${BUCKET}`, {}, { "list-type": "2", "encoding-type": "base64" }),
      "InvalidArgument",
      "encoding-type",
    );
    assertS3ClientError(
      await get(`/${BUCKET}`, {}, { "list-type": "2", "continuation-token": "x".repeat(10_000) }),
      "InvalidArgument",
      "long token",
    );
    assertS3ClientError(await get(`/${BUCKET}/%zz`), "InvalidURI", "bad percent-encoding");
    assertS3ClientError(await get(`/${BUCKET}/missing`), "NoSuchKey", "missing key");
    assertS3ClientError(await get("/no-such-bucket/x"), "NoSuchBucket", "missing bucket");
    // Not hostile, only unsupported: S3's own answer for that is 501 NotImplemented.
    const acl = await get(`/${BUCKET}/x`, {}, { acl: "" });
    assert.equal(acl.status, 501);
    assert.match(acl.body, /<Code>NotImplemented<\/Code>.*<RequestId>/s);
    const put = (path: string, headers: Record<string, string>, body: string) =>
      signedRequest(s3.endpoint, "PUT", path, { headers, body });
    assertS3ClientError(
      await put(`/${BUCKET}/sse`, { "x-amz-server-side-encryption": "rot13" }, "x"),
      "InvalidArgument",
      "SSE",
    );
    assertS3ClientError(
      await put(`/${BUCKET}/md5`, { "content-md5": "not-a-digest" }, "x"),
      "InvalidDigest",
      "MD5 shape",
    );
    assertS3ClientError(
      await put(`/${BUCKET}/md5`, { "content-md5": createHash("md5").update("y").digest("base64") }, "x"),
      "BadDigest",
      "MD5 mismatch",
    );
    assertS3ClientError(
      await put(`/${BUCKET}/meta`, { "x-amz-meta-big": "m".repeat(3000) }, "x"),
      "MetadataTooLarge",
      "metadata",
    );
    assertS3ClientError(
      await put(
        `/${BUCKET}/chunked`,
        { "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "5" },
        "zz;\r\nhello",
      ),
      "IncompleteBody",
      "bad aws-chunked framing",
    );
    assertS3ClientError(
      await put(`/${BUCKET}/${"k".repeat(1100)}`, {}, "x"),
      "KeyTooLongError",
      "key over 1024 bytes",
    );
    assertS3ClientError(
      await put(`/${BUCKET}/${"k".repeat(300)}/x`, {}, "x"),
      "KeyTooLongError",
      "key part over 255",
    );
    // A header section over Node's limit: answered by the connection handler, still as S3 would.
    const huge = await signedRequest(s3.endpoint, "GET", `/${BUCKET}/x`, {
      headers: { "x-amz-meta-huge": "h".repeat(20_000) },
    });
    assert.equal(huge.status, 400);
    assert.match(huge.body, /<Code>RequestHeaderSectionTooLarge<\/Code>/);
    const patch = await signedRequest(s3.endpoint, "PATCH", `/${BUCKET}/x`);
    assertS3ClientError(patch, "MethodNotAllowed", "PATCH");
    // Nothing above left an object behind.
    const listed = await s3.userClient().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "m" }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key).filter((k) => k !== "multi.bin") ?? [], []);
  });
});
