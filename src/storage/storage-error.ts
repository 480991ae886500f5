/** What went wrong talking to S3, in the few kinds a job needs to tell apart. */
export type StorageErrorKind = "NoSuchBucket" | "NoSuchKey" | "AccessDenied" | "Unreachable" | "Other";

/**
 * A failed S3 call, with a message meant for the user who configured the path (it names the bucket, key and
 * endpoint). Jobs put the message in their failure reason; `cause` keeps the SDK's error for the logs.
 */
export class StorageError extends Error {
  readonly kind: StorageErrorKind;
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  readonly endpoint: string;

  constructor(
    kind: StorageErrorKind,
    message: string,
    where: { bucket?: string; key?: string; endpoint: string },
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "StorageError";
    this.kind = kind;
    this.bucket = where.bucket;
    this.key = where.key;
    this.endpoint = where.endpoint;
  }
}
