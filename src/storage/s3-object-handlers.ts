import { requireBucket } from "./s3-bucket-handlers.js";
import type { S3Answer, S3Backend, S3Call } from "./s3-call.js";
import { noSuchBucket, noSuchKey, S3Error } from "./s3-error.js";
import type { ObjectInfo, WriteChecks } from "./s3-file-store.js";
import { checkKey, checkPartNumber, checkUploadId, unsafeKeyReason } from "./s3-request-safety.js";
import { parseCompleteRequest, parseDeleteRequest, readBoundedBody } from "./s3-request-xml.js";
import { document, isoDate } from "./s3-xml.js";

/**
 * Object operations of the embedded endpoint: PutObject, GetObject (with Range), HeadObject, DeleteObject,
 * DeleteObjects, CopyObject and the multipart upload (Create, UploadPart, Complete, Abort). Bodies stream to and
 * from disk; nothing holds a whole object in memory.
 */

/** S3's limit for one PUT (and one part). */
const MAX_PUT_BYTES = 5 * 1024 ** 3;
const MAX_USER_METADATA_BYTES = 2048;
// Headers kept with an object and given back on GET/HEAD (as s3rver kept them), plus x-amz-meta-*.
const STORED_HEADERS = [
  "cache-control",
  "content-disposition",
  "content-encoding",
  "content-language",
  "content-type",
  "expires",
  "x-amz-storage-class",
  "x-amz-website-redirect-location",
  "x-amz-server-side-encryption",
  "x-amz-server-side-encryption-aws-kms-key-id",
  "x-amz-server-side-encryption-context",
];
const SSE_HEADERS = STORED_HEADERS.filter((name) => name.startsWith("x-amz-server-side-encryption"));
const SSE_VALUES = new Set(["AES256", "aws:kms", "aws:kms:dsse"]);

/** The headers of a write that the object keeps (validated: SSE values, user metadata size). */
function headersToStore(call: S3Call): Record<string, string> {
  const stored: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = call.header(name);
    if (value !== undefined) stored[name] = value;
  }
  if (stored["content-encoding"] !== undefined) {
    const rest = stored["content-encoding"]
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part !== "" && part.toLowerCase() !== "aws-chunked");
    if (rest.length === 0) delete stored["content-encoding"];
    else stored["content-encoding"] = rest.join(", ");
  }
  let metadataBytes = 0;
  for (let i = 0; i + 1 < call.raw.rawHeaders.length; i += 2) {
    const name = call.raw.rawHeaders[i].toLowerCase();
    if (!name.startsWith("x-amz-meta-")) continue;
    const value = call.raw.rawHeaders[i + 1];
    stored[name] = stored[name] === undefined ? value : `${stored[name]},${value}`;
    metadataBytes += name.length - "x-amz-meta-".length + Buffer.byteLength(value);
  }
  if (metadataBytes > MAX_USER_METADATA_BYTES) {
    throw new S3Error("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.", {
      Size: String(metadataBytes),
      MaxSizeAllowed: String(MAX_USER_METADATA_BYTES),
    });
  }
  const sse = stored["x-amz-server-side-encryption"];
  if (sse !== undefined && !SSE_VALUES.has(sse)) {
    throw new S3Error("InvalidArgument", "The encryption method specified is not supported", {
      ArgumentName: "x-amz-server-side-encryption",
      ArgumentValue: sse.slice(0, 40),
    });
  }
  if (stored["x-amz-server-side-encryption-aws-kms-key-id"] !== undefined && !sse?.startsWith("aws:kms")) {
    throw new S3Error(
      "InvalidArgument",
      "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms",
    );
  }
  return stored;
}

/** The SSE headers an answer echoes (nothing is encrypted: see src/storage/README.md). */
function sseHeaders(stored: Record<string, string>): Record<string, string> {
  const echoed: Record<string, string> = {};
  for (const name of SSE_HEADERS) if (stored[name] !== undefined) echoed[name] = stored[name];
  return echoed;
}

/** Integrity checks a write's headers ask for (Content-MD5, a SHA-256 payload hash), and the size limit. */
function writeChecks(call: S3Call): WriteChecks {
  const contentMd5 = call.header("content-md5");
  if (contentMd5 !== undefined && Buffer.from(contentMd5, "base64").length !== 16) {
    throw new S3Error("InvalidDigest", "The Content-MD5 you specified was invalid.");
  }
  const payloadHash = call.header("x-amz-content-sha256");
  const declared = Number(
    call.header("x-amz-decoded-content-length") ?? call.header("content-length") ?? "0",
  );
  if (declared > MAX_PUT_BYTES) {
    throw new S3Error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.", {
      MaxSizeAllowed: String(MAX_PUT_BYTES),
    });
  }
  return {
    contentMd5,
    sha256Hex: payloadHash !== undefined && /^[0-9a-fA-F]{64}$/.test(payloadHash) ? payloadHash : undefined,
    maxBytes: MAX_PUT_BYTES,
  };
}

function objectHeaders(info: ObjectInfo): Record<string, string> {
  return {
    "content-type": "binary/octet-stream",
    ...info.headers,
    etag: info.etag,
    "last-modified": info.lastModified.toUTCString(),
    "accept-ranges": "bytes",
  };
}

// Overrides a signed GET may ask for (response-content-type=…), as S3 allows.
const RESPONSE_OVERRIDES = [
  "content-type",
  "content-language",
  "expires",
  "cache-control",
  "content-disposition",
  "content-encoding",
];

function withOverrides(call: S3Call, headers: Record<string, string>): Record<string, string> {
  for (const name of RESPONSE_OVERRIDES) {
    const value = call.query.get(`response-${name}`);
    if (value !== null) headers[name] = value;
  }
  return headers;
}

/** A precondition (If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since) that fails, as S3 answers it. */
function failedPrecondition(call: S3Call, info: ObjectInfo): S3Answer | undefined {
  const ifMatch = call.header("if-match");
  const ifNoneMatch = call.header("if-none-match");
  const matches = (list: string) =>
    list
      .split(",")
      .some((tag) => tag.trim() === "*" || tag.trim().replace(/"/g, "") === info.etag.replace(/"/g, ""));
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  if (ifMatch !== undefined && !matches(ifMatch)) {
    throw new S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", {
      Condition: "If-Match",
    });
  }
  const unmodifiedSince = Date.parse(call.header("if-unmodified-since") ?? "");
  if (
    ifMatch === undefined &&
    !Number.isNaN(unmodifiedSince) &&
    seconds(info.lastModified) > unmodifiedSince / 1000
  ) {
    throw new S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", {
      Condition: "If-Unmodified-Since",
    });
  }
  const notModified = {
    status: 304,
    headers: { etag: info.etag, "last-modified": info.lastModified.toUTCString() },
  };
  if (ifNoneMatch !== undefined) return matches(ifNoneMatch) ? notModified : undefined;
  const modifiedSince = Date.parse(call.header("if-modified-since") ?? "");
  if (!Number.isNaN(modifiedSince) && seconds(info.lastModified) <= modifiedSince / 1000) return notModified;
  return undefined;
}

/**
 * The byte range of a `Range: bytes=…` header for an object of `size` bytes: undefined for the whole object (no
 * header, or one S3 ignores: several ranges, or not a byte range), or InvalidRange (416) when it starts past the end.
 */
export function byteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d{0,20})-(\d{0,20})$/.exec(header.trim());
  if (match === null || (match[1] === "" && match[2] === "")) return undefined;
  const [first, last] = [match[1], match[2]];
  let start: number;
  let end: number;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) throw invalidRange(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== "" && Number(last) < start) return undefined;
  }
  if (start >= size) throw invalidRange(size);
  return { start, end };
}

function invalidRange(size: number): S3Error {
  return new S3Error(
    "InvalidRange",
    "The requested range is not satisfiable",
    { ActualObjectSize: String(size) },
    { "content-range": `bytes */${size}` },
  );
}

export async function getObject(backend: S3Backend, call: S3Call, headOnly: boolean): Promise<S3Answer> {
  const bucket = await requireBucket(backend, call);
  checkKey(call.key);
  if (headOnly) {
    const info = await backend.files.head(bucket, call.key);
    if (info === undefined) throw noSuchKey(call.key);
    const failed = failedPrecondition(call, info);
    if (failed !== undefined) return failed;
    const range = call.header("range") === undefined ? undefined : byteRange(call.header("range"), info.size);
    const headers = withOverrides(call, objectHeaders(info));
    if (range === undefined)
      return { status: 200, headers: { ...headers, "content-length": String(info.size) } };
    return {
      status: 206,
      headers: {
        ...headers,
        "content-length": String(range.end - range.start + 1),
        "content-range": `bytes ${range.start}-${range.end}/${info.size}`,
      },
    };
  }
  let ranged = false;
  const opened = await backend.files.read(bucket, call.key, (size) => {
    const range = byteRange(call.header("range"), size);
    ranged = range !== undefined;
    return range;
  });
  if (opened === undefined) throw noSuchKey(call.key);
  const { info, body, start, end } = opened;
  let failed: S3Answer | undefined;
  try {
    failed = failedPrecondition(call, info);
  } catch (error) {
    body.destroy();
    throw error;
  }
  if (failed !== undefined) {
    body.destroy();
    return failed;
  }
  const headers = withOverrides(call, objectHeaders(info));
  headers["content-length"] = String(info.size === 0 ? 0 : end - start + 1);
  if (ranged) headers["content-range"] = `bytes ${start}-${end}/${info.size}`;
  return { status: ranged ? 206 : 200, headers, body };
}

export async function putObject(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  const bucket = await requireBucket(backend, call);
  checkKey(call.key);
  const stored = headersToStore(call);
  const written = await backend.files.write(bucket, call.key, call.body(), stored, writeChecks(call));
  return { status: 200, headers: { etag: `"${written.md5Hex}"`, ...sseHeaders(stored) } };
}

export async function deleteObject(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  const bucket = await requireBucket(backend, call);
  checkKey(call.key);
  await backend.files.delete(bucket, call.key);
  return { status: 204 };
}

/** DeleteObjects: each key is checked on its own, so one bad key is an `<Error>` entry, not a failed request. */
export async function deleteObjects(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  const bucket = await requireBucket(backend, call);
  const { keys, quiet } = parseDeleteRequest(await readBoundedBody(call.body()));
  const deleted: { Key: string }[] = [];
  const errors: { Key: string; Code: string; Message: string }[] = [];
  await Promise.all(
    keys.map(async (key) => {
      const problem = unsafeKeyReason(key);
      if (problem !== undefined) {
        errors.push({ Key: key, Code: problem.code, Message: problem.message });
        return;
      }
      try {
        await backend.files.delete(bucket, key);
        deleted.push({ Key: key });
      } catch (error) {
        errors.push({
          Key: key,
          Code: "InternalError",
          Message: "We encountered an internal error. Please try again.",
        });
        void error;
      }
    }),
  );
  return {
    status: 200,
    body: document("DeleteResult", { Deleted: quiet ? [] : deleted, Error: errors }),
  };
}

/** The bucket and key of x-amz-copy-source ("bucket/key" or "/bucket/key", URL-encoded, "?versionId=…" ignored). */
function copySource(header: string): { bucket: string; key: string } {
  const mark = header.indexOf("?");
  let path: string;
  try {
    path = decodeURIComponent(mark === -1 ? header : header.slice(0, mark));
  } catch {
    throw new S3Error("InvalidArgument", "Invalid copy source encoding", {
      ArgumentName: "x-amz-copy-source",
    });
  }
  if (path.startsWith("/")) path = path.slice(1);
  const slash = path.indexOf("/");
  if (slash <= 0 || slash === path.length - 1) {
    throw new S3Error(
      "InvalidArgument",
      "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
      {
        ArgumentName: "x-amz-copy-source",
      },
    );
  }
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}

export async function copyObject(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  const bucket = await requireBucket(backend, call);
  checkKey(call.key);
  const source = copySource(call.header("x-amz-copy-source") as string);
  checkKey(source.key);
  if (backend.owners.ownerOf(source.bucket) !== call.caller.accountId) throw noSuchBucket(source.bucket);
  const directive = (call.header("x-amz-metadata-directive") ?? "COPY").toUpperCase();
  if (directive !== "COPY" && directive !== "REPLACE") {
    throw new S3Error("InvalidArgument", "Unknown metadata directive.", {
      ArgumentName: "x-amz-metadata-directive",
    });
  }
  const requested = headersToStore(call);
  const sourceInfo = await backend.files.head(source.bucket, source.key);
  if (sourceInfo === undefined) throw noSuchKey(source.key);
  const newSse = Object.keys(sseHeaders(requested)).length > 0;
  if (directive === "COPY" && !newSse && source.bucket === bucket && source.key === call.key) {
    throw new S3Error(
      "InvalidRequest",
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  let headers: Record<string, string> | undefined;
  if (directive === "REPLACE") headers = requested;
  else if (newSse) {
    headers = Object.fromEntries(
      Object.entries(sourceInfo.headers).filter(([name]) => !SSE_HEADERS.includes(name)),
    );
    Object.assign(headers, sseHeaders(requested));
  }
  const copied = await backend.files.copy(source, { bucket, key: call.key }, headers);
  if (copied === undefined) throw noSuchKey(source.key);
  return {
    status: 200,
    headers: sseHeaders(copied.headers),
    body: document("CopyObjectResult", { LastModified: isoDate(copied.lastModified), ETag: copied.etag }),
  };
}

export async function createMultipartUpload(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  const bucket = await requireBucket(backend, call);
  checkKey(call.key);
  const stored = headersToStore(call);
  const uploadId = await backend.uploads.create(bucket, call.key, stored);
  return {
    status: 200,
    headers: sseHeaders(stored),
    body: document("InitiateMultipartUploadResult", { Bucket: bucket, Key: call.key, UploadId: uploadId }),
  };
}

export async function uploadPart(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  const bucket = await requireBucket(backend, call);
  checkKey(call.key);
  const uploadId = call.query.get("uploadId") ?? "";
  checkUploadId(uploadId);
  const partNumber = checkPartNumber(call.query.get("partNumber") ?? "");
  if (call.header("x-amz-copy-source") !== undefined) {
    throw new S3Error("NotImplemented", "UploadPartCopy is not supported by this endpoint.");
  }
  const written = await backend.uploads.putPart(
    bucket,
    call.key,
    uploadId,
    partNumber,
    call.body(),
    writeChecks(call),
  );
  return { status: 200, headers: { etag: `"${written.md5Hex}"` } };
}

export async function completeMultipartUpload(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  const bucket = await requireBucket(backend, call);
  checkKey(call.key);
  const uploadId = call.query.get("uploadId") ?? "";
  checkUploadId(uploadId);
  const body = await readBoundedBody(call.body());
  // A body may list no more parts than the upload holds: that bounds the parse by the work already uploaded.
  const parts = parseCompleteRequest(body, await backend.uploads.partCount(bucket, call.key, uploadId));
  const { etag } = await backend.uploads.complete(bucket, call.key, uploadId, parts);
  const info = await backend.files.head(bucket, call.key);
  return {
    status: 200,
    headers: info === undefined ? {} : sseHeaders(info.headers),
    body: document("CompleteMultipartUploadResult", {
      Location: `/${bucket}/${encodeURIComponent(call.key).replace(/%2F/g, "/")}`,
      Bucket: bucket,
      Key: call.key,
      ETag: etag,
    }),
  };
}

export async function abortMultipartUpload(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  const bucket = await requireBucket(backend, call);
  checkKey(call.key);
  const uploadId = call.query.get("uploadId") ?? "";
  checkUploadId(uploadId);
  await backend.uploads.abort(bucket, call.key, uploadId);
  return { status: 204 };
}
