import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatS3Path, InvalidS3PathError, parseS3Path } from "../../src/storage/s3-path.js";

describe("parseS3Path", () => {
  test("splits bucket and key", () => {
    assert.deepEqual(parseS3Path("s3://my-bucket/data/sales.csv"), {
      bucket: "my-bucket",
      key: "data/sales.csv",
    });
    assert.deepEqual(parseS3Path("s3://my.bucket.01/data/"), { bucket: "my.bucket.01", key: "data/" });
    assert.deepEqual(parseS3Path("s3://abc"), { bucket: "abc", key: "" });
    assert.deepEqual(parseS3Path("s3://abc/"), { bucket: "abc", key: "" });
    assert.deepEqual(parseS3Path("s3://abc/a b/ü?x#y"), { bucket: "abc", key: "a b/ü?x#y" });
  });

  const bad: [string, RegExp][] = [
    ["my-bucket/data.csv", /must start with "s3:\/\/"/],
    ["S3://my-bucket/data.csv", /must start with "s3:\/\/"/],
    ["https://my-bucket.s3.amazonaws.com/x", /must start with "s3:\/\/"/],
    ["s3:///data.csv", /bucket name is missing/],
    ["s3://ab/data.csv", /"ab" is not a valid bucket name/],
    ["s3://My-Bucket/data.csv", /"My-Bucket" is not a valid bucket name/],
    ["s3://my_bucket/data.csv", /"my_bucket" is not a valid bucket name/],
    ["s3://-bucket/data.csv", /not a valid bucket name/],
    ["s3://my..bucket/data.csv", /not a valid bucket name/],
    ["s3://192.168.1.10/data.csv", /not a valid bucket name/],
    [`s3://${"a".repeat(64)}/x`, /not a valid bucket name/],
    [`s3://abc/${"k".repeat(1025)}`, /longer than 1024 bytes/],
  ];
  for (const [path, message] of bad) {
    test(`refuses ${path.slice(0, 40)}`, () => {
      assert.throws(
        () => parseS3Path(path),
        (error: unknown) => {
          assert.ok(error instanceof InvalidS3PathError);
          assert.ok(error.message.startsWith(`Invalid S3 path "${path}": `));
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  test("formats back", () => {
    assert.equal(formatS3Path("abc", "x/y.csv"), "s3://abc/x/y.csv");
  });
});
