import { createReadStream, createWriteStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { StorageError } from "./storage-error.js";
import { bucketMissingMessage, type S3CallSite, translateS3Error } from "./translate-s3-error.js";

/** User metadata that records the KMS key an object was written under, whatever the endpoint did with SSE. */
export const KMS_KEY_METADATA = "openforecast-sse-kms-key-id";

export interface ObjectStoreOptions {
  /** An S3-compatible endpoint (the embedded one, MinIO, ...); Amazon S3 when absent. */
  endpoint?: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Bucket in the path rather than the host name; needed for the embedded endpoint. */
  forcePathStyle?: boolean;
  /** Keys per list request (S3 allows at most 1000). */
  listPageSize?: number;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  /** How long a TCP connect may take before the attempt counts as failed. */
  connectTimeoutMs?: number;
  /** How long an open connection may stay silent. */
  socketTimeoutMs?: number;
  /** Part size of multipart uploads (S3's minimum is 5 MiB); smaller uploads are a single PUT. */
  partSizeBytes?: number;
  /** Parts in flight at once per upload; memory use is about this times the part size. */
  uploadConcurrency?: number;
}

export interface ObjectSummary {
  key: string;
  size: number;
  lastModified?: Date;
  etag?: string;
}

export interface ObjectHead extends ObjectSummary {
  contentType?: string;
  /** User metadata, names without the x-amz-meta- prefix. */
  metadata: Record<string, string>;
  serverSideEncryption?: string;
  kmsKeyId?: string;
}

export interface UploadOptions {
  /** Writes the object with SSE-KMS under this key and records the key in the object's metadata. */
  kmsKeyArn?: string;
  contentType?: string;
  metadata?: Record<string, string>;
}

const DEFAULTS = {
  listPageSize: 1000,
  maxAttempts: 3,
  connectTimeoutMs: 2000,
  socketTimeoutMs: 120_000,
  partSizeBytes: 16 * 1024 * 1024,
  uploadConcurrency: 4,
};
const DELETE_BATCH = 1000;

/**
 * The service's only door to S3. Every failure comes out as a StorageError whose message names the bucket, key
 * and endpoint.
 */
export class ObjectStore {
  /** How the endpoint is named in messages. */
  readonly endpointName: string;
  private readonly region: string;
  private readonly client: S3Client;
  private readonly settings: typeof DEFAULTS;

  constructor(options: ObjectStoreOptions) {
    this.settings = {
      listPageSize: options.listPageSize ?? DEFAULTS.listPageSize,
      maxAttempts: options.maxAttempts ?? DEFAULTS.maxAttempts,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      socketTimeoutMs: options.socketTimeoutMs ?? DEFAULTS.socketTimeoutMs,
      partSizeBytes: options.partSizeBytes ?? DEFAULTS.partSizeBytes,
      uploadConcurrency: options.uploadConcurrency ?? DEFAULTS.uploadConcurrency,
    };
    this.region = options.region;
    this.endpointName = options.endpoint ?? `Amazon S3 (${options.region})`;
    // S3-compatible stores often predate the flexible checksums the SDK sends by default (and the embedded
    // endpoint does not check them), so against a custom endpoint they are sent only where the API requires one.
    const checksums = options.endpoint === undefined ? "WHEN_SUPPORTED" : "WHEN_REQUIRED";
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      credentials: options.credentials,
      forcePathStyle: options.forcePathStyle ?? false,
      maxAttempts: this.settings.maxAttempts,
      requestHandler: {
        connectionTimeout: this.settings.connectTimeoutMs,
        socketTimeout: this.settings.socketTimeoutMs,
      },
      requestChecksumCalculation: checksums,
      responseChecksumValidation: checksums,
    });
  }

  /** Every object whose key starts with `prefix`, except zero-byte "folder" markers (keys ending in "/"). */
  async listObjects(bucket: string, prefix: string): Promise<ObjectSummary[]> {
    const site = this.site("list the objects under", bucket, prefix === "" ? undefined : prefix);
    const objects: ObjectSummary[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.call(site, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix === "" ? undefined : prefix,
            MaxKeys: this.settings.listPageSize,
            ContinuationToken: continuationToken,
          }),
        ),
      );
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined) continue;
        const size = item.Size ?? 0;
        if (size === 0 && item.Key.endsWith("/")) continue;
        objects.push({ key: item.Key, size, lastModified: item.LastModified, etag: item.ETag });
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
    return objects;
  }

  /**
   * The objects an import path names, as Amazon Forecast reads it: the object itself when `key` names one,
   * otherwise every object in the "folder" `key` (with or without its trailing slash). Empty when nothing is
   * there.
   */
  async listPath(bucket: string, key: string): Promise<ObjectSummary[]> {
    if (key === "" || key.endsWith("/")) return this.listObjects(bucket, key);
    const site = this.site("look up", bucket, key);
    // The object itself sorts before anything else under its name, so one key of listing tells.
    const first = await this.call(site, () =>
      this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 })),
    );
    const exact = first.Contents?.[0];
    if (exact?.Key === key) {
      return [{ key, size: exact.Size ?? 0, lastModified: exact.LastModified, etag: exact.ETag }];
    }
    return this.listObjects(bucket, `${key}/`);
  }

  /** Streams an object into a file (created or replaced); a failed download leaves no file behind. */
  async downloadToFile(bucket: string, key: string, filePath: string): Promise<{ size: number }> {
    const site = this.site("download", bucket, key);
    const response = await this.call(site, () =>
      this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
    );
    const body = response.Body;
    if (!(body instanceof Readable)) {
      throw new StorageError("Other", `The response for "s3://${bucket}/${key}" had no readable body.`, site);
    }
    try {
      await pipeline(body, createWriteStream(filePath));
    } catch (error) {
      await rm(filePath, { force: true });
      throw translateS3Error(error, site);
    }
    return { size: (await stat(filePath)).size };
  }

  /** Uploads a file; multipart when it is larger than a part. */
  async uploadFile(
    bucket: string,
    key: string,
    filePath: string,
    options: UploadOptions = {},
  ): Promise<void> {
    await this.uploadStream(bucket, key, createReadStream(filePath), options);
  }

  /** Uploads whatever the stream yields, buffering at most `uploadConcurrency` parts. */
  async uploadStream(
    bucket: string,
    key: string,
    body: Readable,
    options: UploadOptions = {},
  ): Promise<void> {
    const site = this.site("upload", bucket, key);
    const metadata = { ...options.metadata };
    if (options.kmsKeyArn !== undefined) metadata[KMS_KEY_METADATA] = options.kmsKeyArn;
    const upload = new Upload({
      client: this.client,
      partSize: this.settings.partSizeBytes,
      queueSize: this.settings.uploadConcurrency,
      leavePartsOnError: false,
      params: {
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: options.contentType,
        Metadata: Object.keys(metadata).length > 0 ? metadata : undefined,
        ...(options.kmsKeyArn === undefined
          ? {}
          : { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: options.kmsKeyArn }),
      },
    });
    await this.call(site, () => upload.done());
  }

  /** Deletes keys in batches; keys that are already gone are not an error (S3 semantics). */
  async deleteObjects(bucket: string, keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH);
      const site = this.site("delete objects in", bucket);
      const result = await this.call(site, () =>
        this.client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw translateS3Error(
          {
            name: first.Code,
            message: `${first.Message ?? ""} (${failed.length} of ${batch.length} keys failed)`,
          },
          this.site("delete", bucket, first.Key),
        );
      }
    }
  }

  async headObject(bucket: string, key: string): Promise<ObjectHead> {
    const site = { ...this.site("read the metadata of", bucket, key), head: true };
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return {
        key,
        size: head.ContentLength ?? 0,
        lastModified: head.LastModified,
        etag: head.ETag,
        contentType: head.ContentType,
        metadata: head.Metadata ?? {},
        serverSideEncryption: head.ServerSideEncryption,
        kmsKeyId: head.SSEKMSKeyId,
      };
    } catch (error) {
      const translated = translateS3Error(error, site);
      // A HEAD 404 does not say whether the key or the whole bucket is missing; the message should.
      if (translated.kind === "NoSuchKey" && !(await this.bucketExists(bucket))) {
        throw new StorageError("NoSuchBucket", bucketMissingMessage(bucket, this.endpointName), site, error);
      }
      throw translated;
    }
  }

  /** False when the bucket does not exist; a bucket we may not read is an AccessDenied error. */
  async bucketExists(bucket: string): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
      return true;
    } catch (error) {
      const translated = translateS3Error(error, { ...this.site("check", bucket), head: true });
      if (translated.kind === "NoSuchBucket") return false;
      throw translated;
    }
  }

  /** Creates a bucket; one that already exists and is ours is fine. */
  async createBucket(bucket: string): Promise<void> {
    try {
      await this.client.send(
        new CreateBucketCommand({
          Bucket: bucket,
          // us-east-1 is the one region S3 wants no location for.
          CreateBucketConfiguration:
            this.region === "us-east-1"
              ? undefined
              : { LocationConstraint: this.region as BucketLocationConstraint },
        }),
      );
    } catch (error) {
      const code = (error as { name?: string }).name;
      if (code === "BucketAlreadyOwnedByYou" || code === "BucketAlreadyExists") {
        if (await this.bucketExists(bucket)) return;
      }
      throw translateS3Error(error, this.site("create", bucket));
    }
  }

  /** Releases the client's sockets. */
  close(): void {
    this.client.destroy();
  }

  private site(action: string, bucket: string, key?: string): S3CallSite {
    return { action, bucket, key, endpoint: this.endpointName };
  }

  private async call<T>(site: S3CallSite, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw translateS3Error(error, site);
    }
  }
}
