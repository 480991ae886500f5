import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StorageError } from "../../src/storage/storage-error.js";
import { translateS3Error } from "../../src/storage/translate-s3-error.js";

const site = { action: "download", bucket: "my-bucket", key: "data/x.csv", endpoint: "http://s3.local:9000" };
const sdkError = (name: string, status: number | undefined, message = "") =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe("translateS3Error", () => {
  test("S3's codes decide the kind", () => {
    assert.equal(translateS3Error(sdkError("NoSuchBucket", 404), site).kind, "NoSuchBucket");
    assert.equal(translateS3Error(sdkError("NoSuchKey", 404), site).kind, "NoSuchKey");
    assert.equal(translateS3Error(sdkError("SignatureDoesNotMatch", 403), site).kind, "AccessDenied");
    assert.equal(
      translateS3Error(sdkError("InternalError", 500, "boom"), site).message,
      'Could not download "s3://my-bucket/data/x.csv" at http://s3.local:9000: InternalError: boom (HTTP 500).',
    );
  });

  test("a bare 404 means a missing key or bucket only for HEAD requests", () => {
    assert.equal(translateS3Error(sdkError("NotFound", 404), { ...site, head: true }).kind, "NoSuchKey");
    assert.equal(
      translateS3Error(sdkError("NotFound", 404), { ...site, key: undefined, head: true }).kind,
      "NoSuchBucket",
    );
    // Something that is not S3 answering 404 to a GET is not a missing object.
    assert.equal(translateS3Error(sdkError("UnknownError", 404), site).kind, "Other");
  });

  test("network failures, also wrapped, are Unreachable", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const wrapped = new AggregateError([refused], "");
    for (const error of [refused, wrapped, Object.assign(new Error("x"), { name: "TimeoutError" })]) {
      const translated = translateS3Error(error, site);
      assert.ok(translated instanceof StorageError);
      assert.equal(translated.kind, "Unreachable");
      assert.equal(translated.endpoint, "http://s3.local:9000");
      assert.equal(translated.cause, error);
    }
  });
});
