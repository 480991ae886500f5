import { S3Error } from "./s3-error.js";

/**
 * What the endpoint refuses before a bucket name, key or upload id goes near a file path (s3-file-store.ts maps
 * them onto s3rver's layout): `.` and `..` key segments (they would climb out of the bucket's folder), NUL, folder
 * parts that would collide with the layout's own files (`._S3rver_…`), keys over S3's 1,024 bytes, bucket names
 * outside Amazon's rules (no slashes, no dot segments), and upload ids or part numbers of the wrong shape.
 */

// Amazon's rules for bucket names (the subset that matters for file paths).
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const MAX_KEY_BYTES = 1024;

export function checkBucketName(bucket: string): void {
  if (!BUCKET_NAME.test(bucket) || bucket.includes("..")) {
    throw new S3Error("InvalidBucketName", "The specified bucket is not valid.", {
      BucketName: bucket.slice(0, 100),
    });
  }
}

/** Why a key cannot be stored, or undefined when it can. */
export function unsafeKeyReason(key: string): S3Error | undefined {
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    return new S3Error("KeyTooLongError", "Your key is too long");
  }
  if (key.includes("\0")) return new S3Error("InvalidArgument", "Keys must not contain NUL characters.");
  const segments = key.split("/");
  if (segments.some((segment) => segment === "." || segment === "..")) {
    return new S3Error(
      "InvalidArgument",
      "Keys with '.' or '..' path segments are not supported by this endpoint.",
    );
  }
  if (segments.slice(0, -1).some((segment) => segment.includes("._S3rver_"))) {
    return new S3Error(
      "InvalidArgument",
      "Keys whose folder parts contain '._S3rver_' are not supported by this endpoint.",
    );
  }
  return undefined;
}

export function checkKey(key: string): void {
  const problem = unsafeKeyReason(key);
  if (problem !== undefined) throw problem;
}

export function checkUploadId(uploadId: string): void {
  if (!/^[A-Za-z0-9]{1,128}$/.test(uploadId)) throw new S3Error("InvalidArgument", "Invalid uploadId.");
}

export function checkPartNumber(partNumber: string): number {
  const value = /^\d{1,5}$/.test(partNumber) ? Number(partNumber) : Number.NaN;
  if (!(value >= 1 && value <= 10_000)) {
    throw new S3Error("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", {
      ArgumentName: "partNumber",
    });
  }
  return value;
}
