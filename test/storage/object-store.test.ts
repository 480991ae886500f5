import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { KMS_KEY_METADATA, ObjectStore } from "../../src/storage/object-store.js";
import { StorageError } from "../../src/storage/storage-error.js";
import { type EmbeddedFixture, startFixture, TEST_KEY } from "./embedded-fixture.js";

const BUCKET = "forecast-data";

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** A port nothing listens on: bound, noted, released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address !== null && typeof address === "object");
  return address.port;
}

describe("ObjectStore against the embedded endpoint", () => {
  let s3: EmbeddedFixture;
  let store: ObjectStore;
  let work: string;

  before(async () => {
    s3 = await startFixture();
    work = await mkdtemp(join(tmpdir(), "openforecast-store-"));
    // Laid out by hand, as a user would: a folder of parts, a folder marker, a look-alike sibling, a lone file.
    const user = s3.userClient({ region: "eu-west-1" });
    await user.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const objects: Record<string, string> = {
      "sales/": "",
      "sales/part-0.csv": "item_id,timestamp,target_value\na,2020-01-01,1\n",
      "sales/part-1.csv": "item_id,timestamp,target_value\nb,2020-01-01,2\n",
      "sales/2021/part-2.csv": "item_id,timestamp,target_value\nc,2020-01-01,3\n",
      "sales.csv": "item_id,timestamp,target_value\nz,2020-01-01,9\n",
      "sales-archive/old.csv": "old\n",
    };
    for (const [Key, Body] of Object.entries(objects)) {
      // An empty string would make the SDK warn about a body of unknown length.
      await user.send(
        new PutObjectCommand({ Bucket: BUCKET, Key, Body: Body === "" ? new Uint8Array(0) : Body }),
      );
    }
    // A small page size makes the listing paginate over these few keys.
    store = new ObjectStore({
      endpoint: s3.endpoint,
      region: "eu-west-1",
      credentials: TEST_KEY,
      forcePathStyle: true,
      listPageSize: 2,
      partSizeBytes: 5 * 1024 * 1024,
    });
  });

  after(async () => {
    store.close();
    await s3.close();
    await rm(work, { recursive: true, force: true });
  });

  test("lists every object under a prefix across pages, without folder markers", async () => {
    const listed = await store.listObjects(BUCKET, "sales/");
    assert.deepEqual(
      listed.map((o) => [o.key, o.size]),
      [
        ["sales/2021/part-2.csv", 46],
        ["sales/part-0.csv", 46],
        ["sales/part-1.csv", 46],
      ],
    );
    const everything = await store.listObjects(BUCKET, "");
    assert.equal(everything.length, 5);
  });

  test("reads an import path as Amazon does: an object, else a folder", async () => {
    const file = await store.listPath(BUCKET, "sales.csv");
    assert.deepEqual(
      file.map((o) => o.key),
      ["sales.csv"],
    );
    // "sales" names no object: it is the folder sales/, not sales.csv nor sales-archive/.
    const folder = await store.listPath(BUCKET, "sales");
    assert.deepEqual(
      folder.map((o) => o.key),
      ["sales/2021/part-2.csv", "sales/part-0.csv", "sales/part-1.csv"],
    );
    assert.deepEqual(await store.listPath(BUCKET, "nothing-here"), []);
  });

  test("downloads an object into a file", async () => {
    const target = join(work, "part-1.csv");
    const { size } = await store.downloadToFile(BUCKET, "sales/part-1.csv", target);
    assert.equal(size, 46);
    assert.equal(await readFile(target, "utf8"), "item_id,timestamp,target_value\nb,2020-01-01,2\n");
  });

  test("a download of a missing key fails with NoSuchKey and leaves no file", async () => {
    const target = join(work, "missing.csv");
    await assert.rejects(store.downloadToFile(BUCKET, "sales/none.csv", target), (error: unknown) => {
      assert.ok(error instanceof StorageError);
      assert.equal(error.kind, "NoSuchKey");
      assert.equal(error.message, `Object "s3://${BUCKET}/sales/none.csv" does not exist at ${s3.endpoint}.`);
      return true;
    });
    await assert.rejects(stat(target), { code: "ENOENT" });
  });

  test("uploads with a KMS key: SSE-KMS and the key in the object's metadata", async () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    const source = join(work, "export.csv");
    await writeFile(source, "item_id,p50\na,1.5\n");
    await store.uploadFile(BUCKET, "exports/export_part0.csv", source, {
      kmsKeyArn,
      contentType: "text/csv",
    });
    const head = await store.headObject(BUCKET, "exports/export_part0.csv");
    assert.equal(head.size, 18);
    assert.equal(head.contentType, "text/csv");
    assert.equal(head.metadata[KMS_KEY_METADATA], kmsKeyArn);
    assert.equal(head.serverSideEncryption, "aws:kms");
    assert.equal(head.kmsKeyId, kmsKeyArn);
  });

  test("uploads a stream without a KMS key: no SSE, no metadata", async () => {
    await store.uploadStream(BUCKET, "exports/plain.csv", Readable.from(["a,b\n", "1,2\n"]));
    const head = await store.headObject(BUCKET, "exports/plain.csv");
    assert.equal(head.size, 8);
    assert.deepEqual(head.metadata, {});
    assert.equal(head.serverSideEncryption, undefined);
  });

  test("uploads a file larger than 10 MB in parts and gets the same bytes back", async () => {
    const source = join(work, "big.bin");
    const block = createHash("sha512").update("seed").digest();
    // 11 MiB of a repeating but non-constant pattern: three 5 MiB parts, the last one short.
    await writeFile(
      source,
      Buffer.concat(Array.from({ length: (11 * 1024 * 1024) / block.length }, () => block)),
    );
    await store.uploadFile(BUCKET, "big/big.bin", source);
    const copy = join(work, "big-copy.bin");
    const { size } = await store.downloadToFile(BUCKET, "big/big.bin", copy);
    assert.equal(size, 11 * 1024 * 1024);
    assert.equal(await sha256OfFile(copy), await sha256OfFile(source));
    // A multipart ETag is "<md5 of part md5s>-<part count>" on S3 and on the embedded endpoint; that is tested in
    // s3-endpoint-operations.test.ts, here only the content is compared.
  });

  test("deletes objects, and deleting them again is not an error", async () => {
    await store.uploadStream(BUCKET, "tmp/a", Readable.from(["a"]));
    await store.uploadStream(BUCKET, "tmp/b", Readable.from(["b"]));
    await store.deleteObjects(BUCKET, ["tmp/a", "tmp/b"]);
    assert.deepEqual(await store.listObjects(BUCKET, "tmp/"), []);
    await store.deleteObjects(BUCKET, ["tmp/a"]);
  });

  test("tells a missing bucket apart, naming it and the endpoint", async () => {
    assert.equal(await store.bucketExists(BUCKET), true);
    assert.equal(await store.bucketExists("no-such-bucket"), false);
    const expected = {
      name: "StorageError",
      kind: "NoSuchBucket",
      message: `Bucket "no-such-bucket" does not exist at ${s3.endpoint}.`,
    };
    await assert.rejects(store.listObjects("no-such-bucket", "x/"), expected);
    await assert.rejects(store.headObject("no-such-bucket", "x.csv"), expected);
    await assert.rejects(store.uploadStream("no-such-bucket", "x.csv", Readable.from(["x"])), expected);
  });

  test("a HEAD of a missing key in an existing bucket is NoSuchKey", async () => {
    await assert.rejects(store.headObject(BUCKET, "sales/none.csv"), { kind: "NoSuchKey" });
  });

  test("an unknown access key is AccessDenied, with the endpoint in the message", async () => {
    const stranger = new ObjectStore({
      endpoint: s3.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "AKIASTRANGER", secretAccessKey: "nope" },
      forcePathStyle: true,
    });
    try {
      await assert.rejects(stranger.listObjects(BUCKET, "sales/"), (error: unknown) => {
        assert.ok(error instanceof StorageError);
        assert.equal(error.kind, "AccessDenied");
        assert.match(
          error.message,
          /^Access denied to "s3:\/\/forecast-data\/sales\/" at http:\/\/127\.0\.0\.1:\d+ /,
        );
        assert.match(error.message, /InvalidAccessKeyId/);
        return true;
      });
    } finally {
      stranger.close();
    }
  });

  test("creating a bucket that is already ours is fine", async () => {
    await store.createBucket("fresh-bucket");
    await store.createBucket("fresh-bucket");
    assert.equal(await store.bucketExists("fresh-bucket"), true);
  });
});

describe("ObjectStore against an endpoint that is not there", () => {
  test("fails fast with Unreachable and a message naming the endpoint", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const store = new ObjectStore({
      endpoint,
      region: "us-east-1",
      credentials: TEST_KEY,
      forcePathStyle: true,
    });
    const started = Date.now();
    try {
      await assert.rejects(store.listObjects("any-bucket", "data/"), (error: unknown) => {
        assert.ok(error instanceof StorageError);
        assert.equal(error.kind, "Unreachable");
        assert.equal(error.endpoint, endpoint);
        assert.equal(
          error.message,
          `Cannot reach the S3 endpoint ${endpoint} to list the objects under "s3://any-bucket/data/" (ECONNREFUSED).`,
        );
        return true;
      });
    } finally {
      store.close();
    }
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  });
});
