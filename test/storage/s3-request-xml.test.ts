import assert from "node:assert/strict";
import { test } from "node:test";
import { S3Error } from "../../src/storage/s3-error.js";
import { elementShape, parseCompleteRequest, parseDeleteRequest } from "../../src/storage/s3-request-xml.js";

const malformed = (error: unknown) => error instanceof S3Error && error.code === "MalformedXML";

test("elementShape counts elements and their depth in one pass, not comments or declarations", () => {
  assert.deepEqual(elementShape('<?xml version="1.0"?><a><b>x</b><!-- c --><d/></a>'), {
    depth: 2,
    elements: 3,
  });
  assert.deepEqual(elementShape("<a><b><c></c></b></a>"), { depth: 3, elements: 3 });
});

test("a DeleteObjects body with more elements than 1,000 objects can hold is refused before it is parsed", () => {
  const object = "<Object><Key>a</Key></Object>";
  // A legitimate body of 1,000 keys parses.
  assert.equal(parseDeleteRequest(`<Delete>${object.repeat(1000)}</Delete>`).keys.length, 1000);
  // Tiny elements filling 2 MiB (70,000 of them) would cost the parser most of a second: refused by count.
  const hostile = `<Delete>${"<Object><Key>a</Key><VersionId/></Object>".repeat(50_000)}</Delete>`;
  assert.throws(() => parseDeleteRequest(hostile), malformed);
});

test("a CompleteMultipartUpload body may hold no more elements than the upload's parts allow", () => {
  const part = (n: number) => `<Part><PartNumber>${n}</PartNumber><ETag>"e${n}"</ETag></Part>`;
  const body = (n: number) =>
    `<CompleteMultipartUpload>${Array.from({ length: n }, (_, i) => part(i + 1)).join("")}</CompleteMultipartUpload>`;
  assert.equal(parseCompleteRequest(body(2), 2).length, 2);
  assert.throws(() => parseCompleteRequest(body(1000), 2), malformed);
  assert.equal(parseCompleteRequest(body(1000), 1000).length, 1000);
});
