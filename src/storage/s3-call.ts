import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type { Caller } from "../identity/sigv4.js";
import type { BucketOwners } from "./bucket-owners.js";
import type { S3FileStore } from "./s3-file-store.js";
import type { S3MultipartStore } from "./s3-multipart-store.js";

/** One authenticated request to the embedded endpoint, as the handlers see it. */
export interface S3Call {
  method: string;
  /** Undefined for the service root (ListBuckets). */
  bucket: string | undefined;
  /** The object key, "" for bucket-level requests. */
  key: string;
  query: URLSearchParams;
  /** Lower-case names; a repeated header's first value. */
  header(name: string): string | undefined;
  raw: IncomingMessage;
  /** The request body, with any aws-chunked framing removed. */
  body(): Readable;
  caller: Caller;
  /** The path-style resource, for error documents: "/bucket/key". */
  resource: string;
}

/** What the endpoint answers: a status, headers, and an XML document or a stream of bytes. */
export interface S3Answer {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as application/xml. */
  body?: string | Readable;
}

/** What every handler works with. */
export interface S3Backend {
  files: S3FileStore;
  uploads: S3MultipartStore;
  owners: BucketOwners;
}
