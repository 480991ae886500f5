import { mkdir } from "node:fs/promises";
import S3rver from "s3rver";
import AWSAccount from "s3rver/lib/models/account.js";
import S3Object from "s3rver/lib/models/object.js";
import { DEFAULT_ACCOUNT_ID } from "../identity/keys.js";
import { createS3Verifier } from "../identity/sigv4-s3.js";
import { BucketOwners } from "./bucket-owners.js";
import { embeddedS3Guard } from "./embedded-s3-guard.js";
import { makeWritesAtomic } from "./s3rver-atomic-store.js";
import { makeDeletesConcurrent } from "./s3rver-concurrent-delete.js";
import { fixListPagination } from "./s3rver-list-pagination.js";
import { makeListingOrdered } from "./s3rver-ordered-listing.js";

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
  /** Told about buckets found without an owner (data directories from before ownership) and given to the first key's account. */
  log?: (message: string) => void;
}

export interface EmbeddedS3 {
  /** http://host:port, for clients with forcePathStyle. */
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts the S3-compatible endpoint over a directory: s3rver, hardened and mended (see embedded-s3-guard.ts,
 * s3rver-atomic-store.ts, s3rver-concurrent-delete.ts, s3rver-ordered-listing.ts and s3rver-list-pagination.ts).
 *
 * A bucket belongs to the account that created it (bucket-owners.ts, bucket-access.ts); other accounts are refused.
 * SSE headers are accepted and echoed back on HEAD/GET like S3 does, but nothing is encrypted.
 */
export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  if (options.keys.length === 0) throw new Error("The embedded S3 endpoint needs at least one access key.");
  await mkdir(options.directory, { recursive: true });
  rememberEncryptionHeaders();
  fixListPagination();

  const keys = options.keys.map((key) => ({ ...key, accountId: key.accountId ?? DEFAULT_ACCOUNT_ID }));
  const verifier = createS3Verifier({ keys });
  const legacyOwner = keys[0].accountId;
  const owners = await BucketOwners.open(options.directory, legacyOwner, (bucket, accountId) =>
    options.log?.(
      `Bucket "${bucket}" of the embedded S3 had no owner (data directory from before per-account buckets); it now belongs to account ${accountId}.`,
    ),
  );
  const server = new S3rver({
    address: options.host,
    port: options.port,
    directory: options.directory,
    // Winston and Koa's own error printing both stay quiet; the service logs through pino.
    silent: true,
    // Otherwise any host name but localhost or an IP is read as a bucket name, which breaks path-style access
    // through a DNS name (a container's service name, say).
    vhostBuckets: false,
  });
  const accounts = new Map(keys.map((key) => [key.accessKeyId, key.accountId]));
  server.middleware.unshift(
    embeddedS3Guard({
      verify: (request) => verifier.verify(request),
      accountOfKey: (accessKeyId) => accounts.get(accessKeyId),
      owners,
    }),
  );
  makeWritesAtomic(server.store);
  makeListingOrdered(server.store);
  makeDeletesConcurrent(server.store);

  registerKeys(options.keys);
  let address: Awaited<ReturnType<S3rver["run"]>>;
  try {
    address = await server.run();
  } catch (error) {
    unregisterKeys(options.keys);
    throw error;
  }
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${address.port}`,
    close() {
      closing ??= (async () => {
        const httpServer = server.httpServer;
        // Idle keep-alive sockets would hold close() open; requests still running get a moment to finish.
        const stopWaiting = setTimeout(() => httpServer?.closeAllConnections(), CLOSE_GRACE_MS);
        httpServer?.closeIdleConnections();
        try {
          await server.close();
        } finally {
          clearTimeout(stopWaiting);
          unregisterKeys(options.keys);
        }
      })();
      return closing;
    },
  };
}

const CLOSE_GRACE_MS = 2000;

/**
 * s3rver checks that a request's key is in its process-wide registry (and ships a well-known key, S3RVER, that
 * must not open anything here). Our guard does the real check per endpoint; the registry only has to know the
 * keys, counted because several endpoints in one process (tests) may share one.
 */
const registeredKeys = new Map<string, number>();
const accounts = new Map<string, AWSAccount>();

function registerKeys(keys: EmbeddedS3Key[]): void {
  if (AWSAccount.registry.get("S3RVER") === AWSAccount.DUMMY_ACCOUNT) {
    AWSAccount.DUMMY_ACCOUNT.revokeAccessKey("S3RVER");
  }
  for (const key of keys) {
    const accountId = key.accountId ?? "000000000000";
    let account = accounts.get(accountId);
    if (account === undefined) {
      account = new AWSAccount(accountId, "OpenForecast");
      accounts.set(accountId, account);
    }
    account.createKeyPair(key.accessKeyId, key.secretAccessKey);
    registeredKeys.set(key.accessKeyId, (registeredKeys.get(key.accessKeyId) ?? 0) + 1);
  }
}

function unregisterKeys(keys: EmbeddedS3Key[]): void {
  for (const key of keys) {
    const count = (registeredKeys.get(key.accessKeyId) ?? 1) - 1;
    if (count > 0) {
      registeredKeys.set(key.accessKeyId, count);
      continue;
    }
    registeredKeys.delete(key.accessKeyId);
    AWSAccount.registry.get(key.accessKeyId)?.revokeAccessKey(key.accessKeyId);
  }
}

/** Lets s3rver keep the SSE headers of a write, so HeadObject reports them as S3 would. */
function rememberEncryptionHeaders(): void {
  for (const name of ["x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id"]) {
    if (!S3Object.ALLOWED_METADATA.includes(name)) S3Object.ALLOWED_METADATA.push(name);
  }
}
