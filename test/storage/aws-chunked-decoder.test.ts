import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, test } from "node:test";
import { AwsChunkedDecoder, isAwsChunked, withoutAwsChunked } from "../../src/storage/aws-chunked-decoder.js";

const decode = (pieces: Buffer[]) => buffer(Readable.from(pieces).pipe(new AwsChunkedDecoder()));

/** Splits a buffer into pieces of the given size, to put chunk boundaries anywhere. */
function slices(data: Buffer, size: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) pieces.push(data.subarray(i, i + size));
  return pieces;
}

describe("aws-chunked decoding", () => {
  const payload = Buffer.from("hello world, this is\r\nthe body\r\n0\r\n (with framing-like bytes inside)");
  const unsigned = Buffer.concat([
    Buffer.from("10\r\n"),
    payload.subarray(0, 16),
    Buffer.from("\r\n"),
    Buffer.from(`${(payload.length - 16).toString(16)}\r\n`),
    payload.subarray(16),
    Buffer.from("\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"),
  ]);
  const signature = "a".repeat(64);
  const signed = Buffer.concat([
    Buffer.from(`${payload.length.toString(16)};chunk-signature=${signature}\r\n`),
    payload,
    Buffer.from(`\r\n0;chunk-signature=${signature}\r\n\r\n`),
  ]);

  for (const size of [1, 2, 3, 7, 1000]) {
    test(`recovers the payload when the stream arrives in ${size}-byte pieces`, async () => {
      assert.deepEqual(await decode(slices(unsigned, size)), payload);
      assert.deepEqual(await decode(slices(signed, size)), payload);
    });
  }

  test("fails on a body cut before its final chunk", async () => {
    await assert.rejects(decode([unsigned.subarray(0, 30)]), /ended before its final chunk/);
  });

  test("fails on a chunk longer than it said", async () => {
    await assert.rejects(decode([Buffer.from("2\r\nabc\r\n0\r\n\r\n")]), /longer than its declared size/);
  });

  test("recognises the encoding from either header, and removes only it", () => {
    assert.equal(isAwsChunked("aws-chunked", undefined), true);
    assert.equal(isAwsChunked("gzip, aws-chunked", undefined), true);
    assert.equal(isAwsChunked(undefined, "STREAMING-UNSIGNED-PAYLOAD-TRAILER"), true);
    assert.equal(isAwsChunked("gzip", "UNSIGNED-PAYLOAD"), false);
    assert.equal(withoutAwsChunked("aws-chunked"), undefined);
    assert.equal(withoutAwsChunked("aws-chunked,gzip"), "gzip");
  });
});
