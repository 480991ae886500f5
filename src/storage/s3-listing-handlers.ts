import { requireBucket } from "./s3-bucket-handlers.js";
import type { S3Answer, S3Backend, S3Call } from "./s3-call.js";
import { S3Error } from "./s3-error.js";
import type { ObjectInfo } from "./s3-file-store.js";
import { compareKeys } from "./s3-listing.js";
import { document, isoDate, type XmlElement } from "./s3-xml.js";

/**
 * ListObjectsV2, ListObjects (v1) and ListMultipartUploads. Keys come in S3's order (UTF-8 bytes, s3-listing.ts);
 * common prefixes count toward max-keys; a page ending on a common prefix resumes past every key under it.
 * With `encoding-type=url` (which boto3 always asks for) keys, prefixes and markers are URL-encoded.
 */

const MAX_KEYS = 1000;
const TOKEN_PREFIX = "of1:";

function maxKeys(call: S3Call, name: string): number {
  const given = call.query.get(name);
  if (given === null || given === "") return MAX_KEYS;
  if (!/^\d{1,10}$/.test(given)) {
    throw new S3Error("InvalidArgument", `Provided ${name} not an integer or within integer range`, {
      ArgumentName: name,
      ArgumentValue: given.slice(0, 20),
    });
  }
  return Math.min(Number(given), MAX_KEYS);
}

function encoder(call: S3Call): (text: string | undefined) => string | undefined {
  const encoding = call.query.get("encoding-type");
  if (encoding === null) return (text) => text;
  if (encoding !== "url") {
    throw new S3Error("InvalidArgument", "Invalid Encoding Method specified in Request", {
      ArgumentName: "encoding-type",
    });
  }
  return (text) => (text === undefined ? undefined : encodeURIComponent(text).replace(/%2F/g, "/"));
}

/** A continuation token of ours: where the next page starts, tied to the bucket. */
export function makeToken(bucket: string, resumeAfter: string): string {
  return TOKEN_PREFIX + Buffer.from(JSON.stringify([bucket, resumeAfter]), "utf8").toString("base64url");
}

export function readToken(token: string, bucket: string): string {
  if (token.startsWith(TOKEN_PREFIX) && token.length < 8192) {
    try {
      const [tokenBucket, resumeAfter] = JSON.parse(
        Buffer.from(token.slice(TOKEN_PREFIX.length), "base64url").toString("utf8"),
      );
      if (tokenBucket === bucket && typeof resumeAfter === "string") return resumeAfter;
    } catch {
      // falls through to the refusal below
    }
  }
  throw new S3Error("InvalidArgument", "The continuation token provided is incorrect", {
    ArgumentName: "continuation-token",
  });
}

async function page(backend: S3Backend, bucket: string, call: S3Call, startAfter: string, limit: number) {
  const prefix = call.query.get("prefix") ?? "";
  const delimiter = call.query.get("delimiter") ?? "";
  const listing = await backend.files.list(bucket, { prefix, delimiter, startAfter, maxKeys: limit });
  const infos = await Promise.all(listing.keys.map((key) => backend.files.head(bucket, key)));
  // A key deleted between the walk and now is left out.
  const objects = infos.filter((info): info is ObjectInfo => info !== undefined);
  return { prefix, delimiter, listing, objects };
}

function contents(objects: ObjectInfo[], encode: (text: string) => string | undefined, owner?: string) {
  return objects.map((object) => ({
    Key: encode(object.key),
    LastModified: isoDate(object.lastModified),
    ETag: object.etag,
    Size: object.size,
    StorageClass: object.headers["x-amz-storage-class"] ?? "STANDARD",
    Owner: owner === undefined ? undefined : { ID: owner, DisplayName: owner },
  }));
}

export async function listObjectsV2(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  const bucket = await requireBucket(backend, call);
  const limit = maxKeys(call, "max-keys");
  const encode = encoder(call);
  const token = call.query.get("continuation-token") ?? undefined;
  const clientStartAfter = call.query.get("start-after") ?? undefined;
  const startAfter = token !== undefined ? readToken(token, bucket) : (clientStartAfter ?? "");
  const { prefix, delimiter, listing, objects } = await page(backend, bucket, call, startAfter, limit);
  const fetchOwner = call.query.get("fetch-owner") === "true" ? call.caller.accountId : undefined;
  const result: XmlElement = {
    Name: bucket,
    Prefix: encode(prefix),
    Delimiter: delimiter === "" ? undefined : encode(delimiter),
    MaxKeys: limit,
    EncodingType: call.query.get("encoding-type") ?? undefined,
    KeyCount: objects.length + listing.commonPrefixes.length,
    IsTruncated: listing.isTruncated,
    ContinuationToken: token,
    NextContinuationToken:
      listing.isTruncated && listing.resumeAfter !== undefined
        ? makeToken(bucket, listing.resumeAfter)
        : undefined,
    StartAfter: clientStartAfter === undefined ? undefined : encode(clientStartAfter),
    Contents: contents(objects, encode, fetchOwner),
    CommonPrefixes: listing.commonPrefixes.map((commonPrefix) => ({ Prefix: encode(commonPrefix) })),
  };
  return { status: 200, body: document("ListBucketResult", result) };
}

export async function listObjectsV1(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  const bucket = await requireBucket(backend, call);
  const limit = maxKeys(call, "max-keys");
  const encode = encoder(call);
  const marker = call.query.get("marker") ?? "";
  const { prefix, delimiter, listing, objects } = await page(backend, bucket, call, marker, limit);
  const result: XmlElement = {
    Name: bucket,
    Prefix: encode(prefix),
    Marker: encode(marker),
    Delimiter: delimiter === "" ? undefined : encode(delimiter),
    MaxKeys: limit,
    EncodingType: call.query.get("encoding-type") ?? undefined,
    IsTruncated: listing.isTruncated,
    // Where the next page starts: the last key, or past every key of the last common prefix.
    NextMarker: listing.isTruncated ? encode(listing.resumeAfter ?? "") : undefined,
    Contents: contents(objects, encode, call.caller.accountId),
    CommonPrefixes: listing.commonPrefixes.map((commonPrefix) => ({ Prefix: encode(commonPrefix) })),
  };
  return { status: 200, body: document("ListBucketResult", result) };
}

export async function listMultipartUploads(backend: S3Backend, call: S3Call): Promise<S3Answer> {
  const bucket = await requireBucket(backend, call);
  const limit = maxKeys(call, "max-uploads");
  const encode = encoder(call);
  const prefix = call.query.get("prefix") ?? "";
  const keyMarker = call.query.get("key-marker") ?? "";
  const uploadIdMarker = call.query.get("upload-id-marker") ?? "";
  const all = (await backend.uploads.list(bucket)).filter((upload) => {
    if (!upload.key.startsWith(prefix)) return false;
    const order = compareKeys(upload.key, keyMarker);
    if (keyMarker === "") return true;
    // With an upload-id marker, the marker key's uploads after that id are still to come.
    return order > 0 || (order === 0 && uploadIdMarker !== "" && upload.uploadId > uploadIdMarker);
  });
  const shown = all.slice(0, limit);
  const truncated = all.length > shown.length;
  const last = shown[shown.length - 1];
  const owner = { ID: call.caller.accountId, DisplayName: call.caller.accountId };
  return {
    status: 200,
    body: document("ListMultipartUploadsResult", {
      Bucket: bucket,
      KeyMarker: encode(keyMarker),
      UploadIdMarker: uploadIdMarker,
      NextKeyMarker: truncated && last ? encode(last.key) : undefined,
      NextUploadIdMarker: truncated && last ? last.uploadId : undefined,
      Prefix: encode(prefix),
      EncodingType: call.query.get("encoding-type") ?? undefined,
      MaxUploads: limit,
      IsTruncated: truncated,
      Upload: shown.map((upload) => ({
        Key: encode(upload.key),
        UploadId: upload.uploadId,
        Initiator: owner,
        Owner: owner,
        StorageClass: "STANDARD",
        Initiated: isoDate(upload.initiated),
      })),
    }),
  };
}
