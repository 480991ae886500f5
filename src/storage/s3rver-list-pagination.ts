import type S3rver from "s3rver";
import bucketController from "s3rver/lib/controllers/bucket.js";
import S3Error from "s3rver/lib/models/error.js";

/**
 * Mends how s3rver pages bucket listings.
 *  - ListObjectsV2: s3rver makes continuation tokens with DES, which OpenSSL 3 (Node 17 and later) no longer
 *    offers, so any listing longer than a page failed with InternalError. The page is now asked of s3rver with
 *    `start-after`, reported to it as complete, and the real truncation is put back with a token of ours.
 *  - ListObjects (v1): NextMarker now says where the next page starts even when the page ended on a common
 *    prefix (s3rver gave the last key, which repeats the prefix's keys).
 * The resume point comes from the ordered listing (s3rver-ordered-listing.ts), read off this request's store.
 */
export function fixListPagination(): void {
  if (patched) return;
  patched = true;
  const original = bucketController.getBucket;
  bucketController.getBucket = async function getBucket(ctx: ListContext) {
    const bucket = ctx.params.bucket;
    const v2 = ctx.query["list-type"] === "2";
    const token = v2 ? stringQuery(ctx.query["continuation-token"]) : undefined;
    const clientStartAfter = stringQuery(ctx.query["start-after"]);
    if (v2) {
      const query = { ...ctx.query };
      delete query["continuation-token"];
      if (token !== undefined && token !== "") query["start-after"] = readToken(token, bucket);
      ctx.query = query;
    }

    let truncated = false;
    let resumeAfter: string | undefined;
    const store = ctx.store;
    // An own property on this request's context shadows the shared store for this request only.
    ctx.store = Object.create(store, {
      listObjects: {
        value: async (name: string, options: unknown) => {
          const result = await store.listObjects(name, options);
          truncated = result.isTruncated;
          resumeAfter = result.resumeAfter;
          // s3rver would otherwise try (and fail) to make a v2 token.
          return v2 ? { ...result, isTruncated: false } : result;
        },
      },
    });
    try {
      await original(ctx);
    } finally {
      delete (ctx as Partial<ListContext>).store;
    }

    const result = ctx.body?.ListBucketResult;
    if (result === undefined || !truncated) return;
    if (v2) {
      result.ContinuationToken = token || undefined;
      result.StartAfter = token ? undefined : clientStartAfter;
      result.IsTruncated = true;
      result.NextContinuationToken = resumeAfter === undefined ? undefined : makeToken(bucket, resumeAfter);
    } else if (result.NextMarker !== undefined) {
      result.NextMarker = resumeAfter;
    }
  };
}

let patched = false;

interface ListContext {
  params: { bucket: string };
  query: Record<string, string | string[] | undefined>;
  store: S3rver.FilesystemStore;
  body?: {
    ListBucketResult?: {
      ContinuationToken?: string;
      StartAfter?: string;
      NextContinuationToken?: string;
      NextMarker?: string;
      IsTruncated?: boolean;
    };
  };
}

const TOKEN_PREFIX = "of1:";

function makeToken(bucket: string, resumeAfter: string): string {
  return TOKEN_PREFIX + Buffer.from(JSON.stringify([bucket, resumeAfter]), "utf8").toString("base64url");
}

function readToken(token: string, bucket: string): string {
  if (token.startsWith(TOKEN_PREFIX)) {
    try {
      const [tokenBucket, resumeAfter] = JSON.parse(
        Buffer.from(token.slice(TOKEN_PREFIX.length), "base64url").toString("utf8"),
      );
      if (tokenBucket === bucket && typeof resumeAfter === "string") return resumeAfter;
    } catch {
      // falls through to the refusal below
    }
  }
  throw new S3Error("InvalidArgument", "The continuation token provided is incorrect");
}

const stringQuery = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
