import assert from "node:assert/strict";
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { BlobStore, isLegacyPath, resourcePrefix } from "../../src/storage/blob-store.js";
import { type EmbeddedS3, startEmbeddedS3 } from "../../src/storage/embedded-s3.js";
import { internalKey } from "../../src/storage/internal-bucket.js";
import { ObjectStore } from "../../src/storage/object-store.js";
import { TEST_KEY } from "./embedded-fixture.js";

const BUCKET = "openforecast-internal";
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe("BlobStore on the embedded endpoint", () => {
  let root: string;
  let s3: EmbeddedS3;
  const own = internalKey();
  const objects: ObjectStore[] = [];
  const storeOf = (options: { cacheBytes?: number; scratch?: string } = {}) => {
    const client = new ObjectStore({
      endpoint: s3.endpoint,
      region: "us-east-1",
      credentials: own,
      forcePathStyle: true,
    });
    objects.push(client);
    return new BlobStore({
      objects: client,
      bucket: BUCKET,
      scratchRoot: options.scratch ?? join(root, `tmp-${objects.length}`),
      cacheBytes: options.cacheBytes,
      legacyRoot: join(root, "data"),
    });
  };
  const localFile = async (name: string, content: string) => {
    const file = join(root, name);
    await writeFile(file, content);
    return file;
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "blob-store-"));
    s3 = await startEmbeddedS3({
      host: "127.0.0.1",
      port: 0,
      directory: join(root, "s3"),
      keys: [{ ...TEST_KEY, accountId: "111111111111" }, own],
    });
  });
  after(async () => {
    for (const o of objects) o.close();
    await s3.close();
    await rm(root, { recursive: true, force: true });
  });

  test("start creates the bucket, and the object lands in the endpoint's own file layout", async () => {
    const blobs = storeOf();
    await blobs.start();
    await blobs.start(); // a second start finds the bucket there
    await blobs.put("resources/a/b/model.json", await localFile("m.json", '{"x":1}'));
    const onDisk = join(root, "s3", BUCKET, "resources", "a", "b", "model.json._S3rver_object");
    assert.equal(await readFile(onDisk, "utf8"), '{"x":1}');
    assert.equal(await blobs.readText("resources/a/b/model.json"), '{"x":1}');
  });

  test("a second fetch of an unchanged object is served from the cache; a rewritten one is fetched again", async () => {
    const blobs = storeOf();
    await blobs.start();
    await blobs.put("k/data.parquet", await localFile("d1", "first"));
    const first = await blobs.fetch("k/data.parquet");
    const second = await blobs.fetch("k/data.parquet");
    assert.equal(second.path, first.path, "the same local copy");
    assert.equal(await readFile(first.path, "utf8"), "first");
    first.release();
    second.release();

    // Another process (another BlobStore) rewrites the key: the ETag differs, so this one fetches again.
    const other = storeOf();
    await other.put("k/data.parquet", await localFile("d2", "second, longer"));
    const third = await blobs.fetch("k/data.parquet");
    assert.notEqual(third.path, first.path);
    assert.equal(await readFile(third.path, "utf8"), "second, longer");
    third.release();
    // The replaced copy is gone from disk once released.
    assert.equal(await exists(first.path), false);
  });

  test("bytes put and got on the endpoint's own files are the objects the endpoint serves, both ways", async () => {
    const viaEndpoint = storeOf();
    await viaEndpoint.start();
    // Its S3 client points where nothing listens: a putBytes or getBytes that went through it would fail.
    const nowhere = new ObjectStore({
      endpoint: "http://127.0.0.1:9",
      region: "us-east-1",
      credentials: own,
      forcePathStyle: true,
      maxAttempts: 1,
    });
    objects.push(nowhere);
    const direct = new BlobStore({
      objects: nowhere,
      bucket: BUCKET,
      scratchRoot: join(root, "tmp-direct"),
      local: s3.files,
    });
    const key = "resources/a/r/predictor/p/scratch/run/backtest-parts/chunk-0.bin";
    const bytes = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) % 251);
    // A view into a larger buffer, as a worker's result hands it over: only the view's bytes are stored.
    const view = new Uint8Array(new Uint8Array(bytes.length + 8).buffer, 4, bytes.length);
    view.set(bytes);
    await direct.putBytes(key, view);
    assert.deepEqual(
      new Uint8Array(await viaEndpoint.getBytes(key)),
      bytes,
      "the endpoint serves what was written",
    );
    const listed = await viaEndpoint.list("resources/a/r/predictor/p/scratch/");
    assert.deepEqual(
      listed.map((o) => [o.key, o.size]),
      [[key, bytes.length]],
    );
    const other = "resources/a/r/predictor/p/scratch/run/backtest-parts/chunk-1.bin";
    await viaEndpoint.putBytes(other, bytes.subarray(0, 10));
    assert.deepEqual(new Uint8Array(await direct.getBytes(other)), bytes.subarray(0, 10));
    // Deleted through the endpoint: gone for the direct reader too, with the endpoint's error kind.
    await viaEndpoint.deletePrefix("resources/a/r/predictor/p/scratch/");
    await assert.rejects(direct.getBytes(key), (e: Error & { kind?: string }) => e.kind === "NoSuchKey");
  });

  test("an immutable key fetched with its version is served from the cache with no request; another version is checked", async () => {
    const blobs = storeOf();
    await blobs.start();
    const key = "resources/a/r/forecast/f/forecast.parquet";
    const other = storeOf();
    await other.put(key, await localFile("v1", "created at 1000"));
    const first = await blobs.fetch(key, { version: "1000" });
    assert.equal(await readFile(first.path, "utf8"), "created at 1000");
    first.release();
    // Deleted behind this store's back (another process): a fetch that asked the endpoint would fail, so a fetch
    // of the same version that succeeds was answered from the cache alone, without a HeadObject.
    await other.delete(key);
    await assert.rejects(blobs.fetch(key), (e: Error & { kind?: string }) => e.kind === "NoSuchKey");
    const again = await blobs.fetch(key, { version: "1000" });
    assert.equal(again.path, first.path, "the same local copy");
    again.release();
    // The resource re-created under the same name (same key, new bytes) has another creation time: checked, and
    // fetched anew.
    await other.put(key, await localFile("v2", "created at 2000, longer"));
    const recreated = await blobs.fetch(key, { version: "2000" });
    assert.notEqual(recreated.path, first.path);
    assert.equal(await readFile(recreated.path, "utf8"), "created at 2000, longer");
    recreated.release();
    // A copy fetched without a version (checked by ETag) serves a versioned read after one check.
    await blobs.put("k/plain", await localFile("p", "plain"));
    const plain = await blobs.fetch("k/plain");
    plain.release();
    const versioned = await blobs.fetch("k/plain", { version: "7" });
    assert.equal(versioned.path, plain.path);
    versioned.release();
    // This store's own put of the key drops the copy, version or not.
    await blobs.put("k/plain", await localFile("p2", "plain, rewritten"));
    const rewritten = await blobs.fetch("k/plain", { version: "7" });
    assert.equal(await readFile(rewritten.path, "utf8"), "plain, rewritten");
    rewritten.release();
  });

  test("the cache stays within its budget, never removing a copy a job still holds", async () => {
    const blobs = storeOf({ cacheBytes: 10 });
    await blobs.start();
    for (const n of [1, 2, 3]) await blobs.put(`c/${n}`, await localFile(`c${n}`, "12345678"));
    const held = await blobs.fetch("c/1");
    const two = await blobs.fetch("c/2");
    two.release();
    // 16 bytes cached, over the budget of 10, but c/1 is held: c/2 goes.
    assert.equal(await exists(two.path), false);
    assert.equal(await exists(held.path), true);
    const three = await blobs.fetch("c/3");
    three.release();
    held.release();
    assert.ok(blobs.cacheSize <= 10, `cache holds ${blobs.cacheSize} bytes`);
  });

  test("a job's scratch holds its fetched objects until disposed, then is gone", async () => {
    const blobs = storeOf();
    await blobs.start();
    await blobs.put("s/input.parquet", await localFile("s1", "input"));
    const scratch = await blobs.scratch("job one/with spaces");
    const local = await scratch.fetch("s/input.parquet");
    await writeFile(scratch.file("out.csv"), "a,b\n");
    assert.equal(await readFile(local, "utf8"), "input");
    await scratch.dispose();
    assert.equal(await exists(scratch.dir), false);
  });

  test("delete and deletePrefix remove the objects; list shows what is left", async () => {
    const blobs = storeOf();
    await blobs.start();
    const scope = { accountId: "111111111111", region: "us-east-1" };
    const prefix = resourcePrefix(scope, "forecast", "f1");
    assert.equal(prefix, "resources/111111111111/us-east-1/forecast/f1/");
    for (const name of ["forecast.parquet", "extra.json"])
      await blobs.put(`${prefix}${name}`, await localFile(name, name));
    // A resource whose name extends f1's must not go with it.
    await blobs.put(`${resourcePrefix(scope, "forecast", "f10")}forecast.parquet`, await localFile("x", "x"));
    const cached = await blobs.fetch(`${prefix}forecast.parquet`);
    cached.release();
    await blobs.deleteResource(scope, "forecast", "f1");
    assert.deepEqual(await blobs.list(prefix), []);
    assert.equal(await exists(cached.path), false, "the cached copy went with the object");
    assert.deepEqual(
      (await blobs.list("resources/111111111111/us-east-1/forecast/")).map((o) => o.key),
      ["resources/111111111111/us-east-1/forecast/f10/forecast.parquet"],
    );
    await blobs.delete("resources/111111111111/us-east-1/forecast/f10/forecast.parquet");
    assert.equal((await blobs.list("resources/111111111111/")).length, 0);
    await assert.rejects(blobs.deletePrefix("resources/111111111111/us-east-1/forecast/f"), RangeError);
  });

  test("a user's key cannot see, read or take the internal bucket", async () => {
    const blobs = storeOf();
    await blobs.start();
    await blobs.put("secret/model.json", await localFile("secret", "{}"));
    const user = new S3Client({
      endpoint: s3.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: TEST_KEY,
    });
    try {
      const listed = await user.send(new ListBucketsCommand({}));
      assert.ok(!(listed.Buckets ?? []).some((b) => b.Name === BUCKET), "not in the user's ListBuckets");
      await assert.rejects(user.send(new GetObjectCommand({ Bucket: BUCKET, Key: "secret/model.json" })), {
        name: "AccessDenied",
      });
      await assert.rejects(user.send(new CreateBucketCommand({ Bucket: BUCKET })), {
        name: "BucketAlreadyExists",
      });
    } finally {
      user.destroy();
    }
  });

  test("a legacy reference (an absolute path of an old data dir) is read in place and deleted with its resource", async () => {
    const blobs = storeOf();
    await blobs.start();
    const scope = { accountId: "111111111111", region: "us-east-1" };
    const dir = join(root, "data", "resources", "111111111111", "us-east-1", "predictor", "old");
    await mkdir(dir, { recursive: true });
    const file = join(dir, "model.json");
    await writeFile(file, '{"version":2}');
    assert.equal(isLegacyPath(file), true);
    assert.equal(isLegacyPath("resources/111111111111/us-east-1/predictor/old/model.json"), false);
    const lease = await blobs.fetch(file);
    assert.equal(lease.path, file);
    lease.release();
    assert.equal(await blobs.readText(file), '{"version":2}');
    await blobs.deleteResource(scope, "predictor", "old");
    assert.equal(await exists(dir), false);
  });
});
