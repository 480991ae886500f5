// s3rver 3.7 ships no types. These declarations cover only what the embedded endpoint uses; the deep imports
// reach into s3rver's models because its key registry and metadata allow-list are not exposed otherwise.

declare module "s3rver" {
  import type { IncomingMessage, Server } from "node:http";
  import type { AddressInfo } from "node:net";
  import type { Readable } from "node:stream";

  class S3rver {
    constructor(options?: S3rver.Options);
    /** Koa's middleware stack; composed when the server starts listening. */
    middleware: S3rver.Middleware[];
    /** The filesystem store; the Koa context holds the same object. */
    store: S3rver.FilesystemStore;
    httpServer?: Server;
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }

  namespace S3rver {
    interface Options {
      address?: string;
      port?: number;
      silent?: boolean;
      directory?: string;
      resetOnClose?: boolean;
      allowMismatchedSignatures?: boolean;
      vhostBuckets?: boolean;
      serviceEndpoint?: string;
    }

    /** The part of Koa's context our middleware touches. */
    interface Context {
      /** The body s3rver's controllers read; replaceable. */
      req: Readable;
      request: { req: IncomingMessage };
      /** The store (same as S3rver.store). */
      store: FilesystemStore;
      /** The response status, once a controller has answered. */
      status: number;
      type: string;
      body: unknown;
    }

    type Middleware = (ctx: Context, next: () => Promise<void>) => Promise<void>;

    interface StoredObject {
      bucket: string;
      key: string;
      content: Buffer | Readable;
      metadata: Record<string, string>;
    }

    interface FilesystemStore {
      listBuckets(): Promise<{ name: string; creationDate: Date }[]>;
      getBucket(bucket: string): Promise<{ name: string; creationDate: Date } | null>;
      getResourcePath(bucket: string, key: string | undefined, resource: string): string;
      putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
      getBucketPath(bucket: string): string;
      getMetadata(bucket: string, key: string): Promise<Record<string, string>>;
      listObjects(
        bucket: string,
        options: unknown,
      ): Promise<{
        isTruncated: boolean;
        objects: unknown[];
        commonPrefixes: string[];
        resumeAfter?: string;
      }>;
      deleteObject(this: FilesystemStore, bucket: string, key: string): Promise<void>;
      putObject(this: FilesystemStore, object: StoredObject): Promise<{ size: number; md5: string }>;
      putPart(
        this: FilesystemStore,
        bucket: string,
        uploadId: string,
        partNumber: number,
        content: Readable,
      ): Promise<{ size: number; md5: string }>;
    }
  }

  export = S3rver;
}

declare module "s3rver/lib/models/account.js" {
  class AWSAccount {
    constructor(accountId: number | string, displayName: string);
    readonly id: number | string;
    readonly accessKeys: Map<string, string>;
    createKeyPair(accessKeyId: string, secretAccessKey: string): void;
    revokeAccessKey(accessKeyId: string): void;
    static registry: Map<string, AWSAccount>;
    static DUMMY_ACCOUNT: AWSAccount;
  }
  export = AWSAccount;
}

declare module "s3rver/lib/models/object.js" {
  class S3Object {
    constructor(bucket: string, key: string, content: null, metadata: Record<string, string>);
    static ALLOWED_METADATA: string[];
  }
  export = S3Object;
}

declare module "s3rver/lib/models/error.js" {
  class S3Error extends Error {
    constructor(code: string, message: string, detail?: Record<string, string>);
    readonly code: string;
    readonly status: number;
  }
  export = S3Error;
}

declare module "s3rver/lib/controllers/bucket.js" {
  const bucketController: {
    /** GET Bucket (ListObjects and ListObjectsV2). */
    getBucket(ctx: object): Promise<void>;
  };
  export = bucketController;
}
