/** A path the user gave that is not an S3 path; the message says what to change. */
export class InvalidS3PathError extends Error {
  readonly path: string;
  constructor(path: string, problem: string) {
    super(`Invalid S3 path "${path}": ${problem}`);
    this.name = "InvalidS3PathError";
    this.path = path;
  }
}

export interface S3Location {
  bucket: string;
  /** An object's key or a "folder" prefix; "" for the whole bucket. */
  key: string;
}

// Amazon's rules for new bucket names: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending
// with a letter or digit, no two dots in a row, not shaped like an IP address.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;
const MAX_KEY_BYTES = 1024;

/** Splits "s3://bucket/key/or/prefix" into bucket and key, refusing what S3 would not accept. */
export function parseS3Path(path: string): S3Location {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/s.exec(path);
  if (!match) throw new InvalidS3PathError(path, 'it must start with "s3://" followed by a bucket name.');
  const [, bucket, key = ""] = match;
  if (bucket === "") throw new InvalidS3PathError(path, "the bucket name is missing.");
  if (!BUCKET_NAME.test(bucket) || bucket.includes("..") || IP_ADDRESS.test(bucket)) {
    throw new InvalidS3PathError(
      path,
      `"${bucket}" is not a valid bucket name (3 to 63 lower-case letters, digits, dots or hyphens, ` +
        "starting and ending with a letter or digit).",
    );
  }
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    throw new InvalidS3PathError(path, `the key is longer than ${MAX_KEY_BYTES} bytes.`);
  }
  return { bucket, key };
}

/** The s3:// form of a bucket and key, for messages and for paths the service hands back. */
export function formatS3Path(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
