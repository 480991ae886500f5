import { mkdir } from "node:fs/promises";
import { DEFAULT_ACCOUNT_ID } from "../identity/keys.js";
import { createSigV2PresignedVerifier } from "../identity/sigv2-s3-presigned.js";
import { createS3Verifier } from "../identity/sigv4-s3.js";
import { BucketOwners } from "./bucket-owners.js";
import { createS3Endpoint } from "./s3-endpoint.js";
import { S3FileStore } from "./s3-file-store.js";
import { S3MultipartStore } from "./s3-multipart-store.js";

export interface EmbeddedS3Key {
  accessKeyId: string;
  secretAccessKey: string;
  /** The 12-digit account the key belongs to, which owns the buckets it creates (default 000000000000). */
  accountId?: string;
}

export interface EmbeddedS3Options {
  host: string;
  /** 0 picks a free port; `endpoint` tells which. */
  port: number;
  /** Where buckets and objects live (created if missing). */
  directory: string;
  /** The only keys the endpoint accepts; requests are SigV4-checked against them. */
  keys: EmbeddedS3Key[];
  /**
   * Told about buckets found without an owner (data directories from before ownership), which are given to the
   * first key's account, and about the endpoint's own failures (500 answers).
   */
  log?: (message: string) => void;
}

export interface EmbeddedS3 {
  /** http://host:port, for clients with forcePathStyle. */
  endpoint: string;
  /**
   * The files the endpoint serves. Only for this process's own internal bucket, which it may write and read
   * without an HTTP round trip through itself (blob-store.ts, "Bytes on the embedded endpoint").
   */
  files: S3FileStore;
  close(): Promise<void>;
}

/**
 * Starts the S3-compatible endpoint over a directory: our own fastify endpoint (s3-endpoint.ts) serving the S3
 * subset our clients use, over s3rver's on-disk layout (s3-file-store.ts), so data directories of earlier versions
 * keep working as they are.
 *
 * A bucket belongs to the account that created it (bucket-owners.ts, bucket-access.ts); other accounts are refused.
 * Requests are verified by src/identity (SigV4; legacy V2 presigned URLs). SSE headers are accepted and echoed
 * back on HEAD/GET like S3 does, but nothing is encrypted.
 */
export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  if (options.keys.length === 0) throw new Error("The embedded S3 endpoint needs at least one access key.");
  await mkdir(options.directory, { recursive: true });

  const keys = options.keys.map((key) => ({ ...key, accountId: key.accountId ?? DEFAULT_ACCOUNT_ID }));
  const verifier = createS3Verifier({ keys });
  const v2 = createSigV2PresignedVerifier({ keys });
  const owners = await BucketOwners.open(options.directory, keys[0].accountId, (bucket, accountId) =>
    options.log?.(
      `Bucket "${bucket}" of the embedded S3 had no owner (data directory from before per-account buckets); it now belongs to account ${accountId}.`,
    ),
  );
  const files = new S3FileStore(options.directory);
  const app = createS3Endpoint({
    backend: { files, uploads: new S3MultipartStore(files), owners },
    verify: (request) => verifier.verify(request),
    verifyV2: (request) => v2.verify(request),
    log: options.log,
  });
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  if (address === null || typeof address === "string")
    throw new Error("The embedded S3 endpoint has no port.");
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${address.port}`,
    files,
    close() {
      closing ??= (async () => {
        // Idle keep-alive sockets would hold close() open; requests still running get a moment to finish.
        const stopWaiting = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
        app.server.closeIdleConnections();
        try {
          await app.close();
        } finally {
          clearTimeout(stopWaiting);
        }
      })();
      return closing;
    },
  };
}

const CLOSE_GRACE_MS = 2000;
