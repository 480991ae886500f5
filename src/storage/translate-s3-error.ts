import { formatS3Path } from "./s3-path.js";
import { StorageError, type StorageErrorKind } from "./storage-error.js";

export interface S3CallSite {
  /** What we were doing, in words: "list", "download", "upload", ... */
  action: string;
  bucket: string;
  key?: string;
  /** How the endpoint is named in messages. */
  endpoint: string;
  /** A HEAD request: its errors have no body, so only the status tells what went wrong. */
  head?: boolean;
}

const BUCKET_MISSING = new Set(["NoSuchBucket"]);
const KEY_MISSING = new Set(["NoSuchKey"]);
const DENIED = new Set([
  "AccessDenied",
  "Forbidden",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "InvalidToken",
  "ExpiredToken",
  "RequestTimeTooSkewed",
  "AllAccessDisabled",
]);
// Node's network errors and the SDK's timeouts: the request never got an S3 answer.
const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "TimeoutError",
  "RequestTimeout",
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

/**
 * Turns whatever the SDK threw into a StorageError. HEAD requests carry no error body, so their 404 and 403 are
 * read from the status alone; a 404 on a key is reported as a missing key (the caller may check the bucket).
 * Other requests are classified by S3's error code, so that a bare 404 from something that is not S3 (a proxy,
 * a wrong port) is not mistaken for a missing bucket.
 */
export function translateS3Error(error: unknown, site: S3CallSite): StorageError {
  if (error instanceof StorageError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as SdkErrorShape;
  const code = shape.Code ?? shape.name ?? "Error";
  const status = shape.$metadata?.httpStatusCode;
  const said = shape.message && shape.message !== code ? `${code}: ${shape.message}` : code;
  const detail = status === undefined ? said : `${said} (HTTP ${status})`;
  const where = { bucket: site.bucket, key: site.key, endpoint: site.endpoint };
  const target =
    site.key === undefined ? `bucket "${site.bucket}"` : `"${formatS3Path(site.bucket, site.key)}"`;
  const make = (kind: StorageErrorKind, message: string) => new StorageError(kind, message, where, error);

  if (BUCKET_MISSING.has(code)) return make("NoSuchBucket", bucketMissingMessage(site.bucket, site.endpoint));
  if (KEY_MISSING.has(code) || (site.head && status === 404 && site.key !== undefined)) {
    return make(
      "NoSuchKey",
      `Object "${formatS3Path(site.bucket, site.key ?? "")}" does not exist at ${site.endpoint}.`,
    );
  }
  if (site.head && status === 404)
    return make("NoSuchBucket", bucketMissingMessage(site.bucket, site.endpoint));
  if (DENIED.has(code) || status === 403) {
    return make(
      "AccessDenied",
      `Access denied to ${target} at ${site.endpoint} (${detail}); check the access key, its secret and its permissions.`,
    );
  }
  const networkCode = networkErrorCode(shape);
  if (status === undefined && networkCode !== undefined) {
    return make(
      "Unreachable",
      `Cannot reach the S3 endpoint ${site.endpoint} to ${site.action} ${target} (${networkCode}).`,
    );
  }
  return make("Other", `Could not ${site.action} ${target} at ${site.endpoint}: ${detail}.`);
}

export function bucketMissingMessage(bucket: string, endpoint: string): string {
  return `Bucket "${bucket}" does not exist at ${endpoint}.`;
}

function networkErrorCode(shape: SdkErrorShape): string | undefined {
  // The code may sit on the error itself or on an error it wraps (AggregateError for dual-stack connects).
  const seen = new Set<unknown>();
  let current: unknown = shape;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const candidate = current as SdkErrorShape & { errors?: unknown[] };
    for (const value of [candidate.code, candidate.name]) {
      if (value !== undefined && NETWORK.has(value)) return value;
    }
    current = candidate.cause ?? candidate.errors?.[0];
  }
  return undefined;
}
