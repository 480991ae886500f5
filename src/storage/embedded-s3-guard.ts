import type S3rver from "s3rver";
import S3Error from "s3rver/lib/models/error.js";
import type { Caller } from "../identity/sigv4.js";
import type { IncomingS3Request } from "../identity/sigv4-s3.js";
import { S3SignatureRejection } from "../identity/sigv4-s3.js";
import { AwsChunkedDecoder, isAwsChunked, withoutAwsChunked } from "./aws-chunked-decoder.js";
import { addressedBucket, copySourceBucket, decideAccess } from "./bucket-access.js";
import type { BucketOwners } from "./bucket-owners.js";

export interface GuardOptions {
  /** src/identity's SigV4 verification, S3 flavour: who signed the request, or S3SignatureRejection. */
  verify(request: IncomingS3Request): Promise<Caller>;
  /** The account of an access key, undefined for an unknown key (for legacy presigned URLs). */
  accountOfKey(accessKeyId: string): string | undefined;
  owners: BucketOwners;
}

const SIGV4_ONLY =
  "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.";

/**
 * The access key of a legacy (signature version 2) presigned URL, `?AWSAccessKeyId=…&Expires=…&Signature=…`: what
 * boto3 and the AWS CLI still make by default for us-east-1 (`generate_presigned_url`, `aws s3 presign`). Its
 * signature is checked by s3rver, which implements version 2 (SigV4 is checked by src/identity alone). Other legacy
 * forms (the `Authorization: AWS …` header, which no current SDK sends) are refused by the SigV4 verifier.
 */
function legacyPresignedKey(rawUrl: string, authorization: string | undefined): string | undefined {
  const mark = rawUrl.indexOf("?");
  if (mark === -1 || authorization !== undefined) return undefined;
  const query = new URLSearchParams(rawUrl.slice(mark + 1));
  if (query.has("X-Amz-Algorithm") || !query.has("Signature")) return undefined;
  return query.get("AWSAccessKeyId") ?? undefined;
}

function legacyCaller(accessKeyId: string, accountOfKey: GuardOptions["accountOfKey"]): Caller {
  const accountId = accountOfKey(accessKeyId);
  if (accountId === undefined) {
    throw new S3SignatureRejection(
      "InvalidAccessKeyId",
      "The AWS Access Key Id you provided does not exist in our records.",
    );
  }
  return { accountId, region: "us-east-1", accessKeyId };
}

/**
 * The first middleware of the embedded endpoint: what s3rver does not do for itself.
 *  - Authentication: every request (but CORS preflights) must be SigV4-signed by one of our keys (src/identity).
 *  - Ownership: a bucket belongs to the account that created it; others are refused (bucket-access.ts), and
 *    ListBuckets, which s3rver would answer with every bucket, is answered here with the caller's own.
 *  - Containment: s3rver maps bucket names, keys and upload ids straight onto file paths, so a `..` segment or a
 *    crafted upload id would reach outside the data directory; such requests are refused here.
 *  - Bodies in the aws-chunked encoding are decoded before s3rver stores them.
 */
export function embeddedS3Guard(options: GuardOptions): S3rver.Middleware {
  const { owners } = options;
  return async (ctx, next) => {
    const req = ctx.request.req;
    const method = req.method ?? "GET";
    const rawUrl = req.url ?? "/";
    if (method === "OPTIONS" && req.headers.authorization === undefined) {
      await next();
      return;
    }
    let caller: Caller;
    const legacyKey = legacyPresignedKey(rawUrl, req.headers.authorization);
    try {
      caller =
        legacyKey === undefined
          ? await options.verify({ method, rawUrl, rawHeaders: req.rawHeaders })
          : legacyCaller(legacyKey, options.accountOfKey);
    } catch (error) {
      if (error instanceof S3SignatureRejection) throw new S3Error(error.code, error.message);
      throw error;
    }
    const copySource = header(req.headers["x-amz-copy-source"]);
    const unsafe = unsafeRequestReason(rawUrl, req.headers.host, copySource);
    if (unsafe !== undefined) throw new S3Error("InvalidArgument", unsafe);

    const hostBucket = VIRTUAL_HOST.exec((req.headers.host ?? "").replace(/:\d+$/, ""))?.[1];
    const addressed = addressedBucket(rawUrl, hostBucket);
    const decision = decideAccess(
      { method, ...addressed, copySourceBucket: copySourceBucket(copySource) },
      caller.accountId,
      (bucket) => owners.ownerOf(bucket),
    );
    if (decision.kind === "deny") throw new S3Error(decision.code, decision.message);
    // Browser-form uploads (POST to a bucket) go through s3rver's busboy 0.3 → dicer 0.3, which a crafted form
    // crashes (CVE-2022-24434, never fixed). No SDK or CLI sends them; refuse them before they reach it.
    if (method === "POST" && addressed.bucket !== undefined && addressed.key === "") {
      if (!addressed.queryNames.includes("delete")) {
        throw new S3Error(
          "NotImplemented",
          "POST object (browser-form upload) is not supported; use PutObject.",
        );
      }
    }
    if (decision.kind === "list-buckets") {
      // Answered here, before s3rver would check a legacy signature: only SigV4 (checked above) may list.
      if (legacyKey !== undefined) throw new S3Error("InvalidRequest", SIGV4_ONLY);
      await listOwnBuckets(ctx, owners, caller.accountId);
      return;
    }

    if (isAwsChunked(header(req.headers["content-encoding"]), header(req.headers["x-amz-content-sha256"]))) {
      const decoded = new AwsChunkedDecoder();
      // s3rver reads `ctx.req` for bodies and `ctx.request.req.headers` for metadata: swap the one, fix the other
      // so that the stored object carries neither the framing nor its Content-Encoding.
      req.pipe(decoded);
      req.on("error", (error) => decoded.destroy(error));
      ctx.req = decoded;
      const decodedLength = header(req.headers["x-amz-decoded-content-length"]);
      if (decodedLength !== undefined) req.headers["content-length"] = decodedLength;
      const encoding = withoutAwsChunked(header(req.headers["content-encoding"]));
      if (encoding === undefined) delete req.headers["content-encoding"];
      else req.headers["content-encoding"] = encoding;
      req.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
    }

    const bucket = addressed.bucket as string;
    if (decision.kind === "create-bucket") {
      // The claim is taken before s3rver creates the directory, so two accounts racing for a name get one winner.
      const ownedBefore = owners.ownerOf(bucket) !== undefined;
      // s3rver answers BucketAlreadyExists to everyone; S3 tells the owner apart (outside us-east-1).
      if (ownedBefore && (await ctx.store.getBucket(bucket)) !== null) {
        throw new S3Error(
          "BucketAlreadyOwnedByYou",
          "Your previous request to create the named bucket succeeded and you already own it.",
        );
      }
      owners.claim(bucket, caller.accountId);
      try {
        await next();
      } catch (error) {
        if (!ownedBefore) owners.release(bucket, caller.accountId);
        throw error;
      }
      if (!ownedBefore) await owners.save();
      return;
    }
    await next();
    if (decision.kind === "delete-bucket" && ctx.status === 204) {
      owners.release(bucket, caller.accountId);
      await owners.save();
    }
  };
}

/** ListBuckets with the caller's buckets only (s3rver lists them all, owned by its dummy account). */
async function listOwnBuckets(
  ctx: Parameters<S3rver.Middleware>[0],
  owners: BucketOwners,
  accountId: string,
): Promise<void> {
  const own = owners.bucketsOf(accountId);
  const buckets = (await ctx.store.listBuckets()).filter((bucket) => own.has(bucket.name));
  ctx.type = "application/xml";
  ctx.body = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    `<Owner><ID>${accountId}</ID><DisplayName>${accountId}</DisplayName></Owner>`,
    "<Buckets>",
    ...buckets.map(
      (bucket) =>
        `<Bucket><Name>${escapeXml(bucket.name)}</Name><CreationDate>${bucket.creationDate.toISOString()}</CreationDate></Bucket>`,
    ),
    "</Buckets>",
    "</ListAllMyBucketsResult>",
  ].join("");
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

// Amazon's rules for bucket names (the subset that matters for file paths: no slashes, no dot segments).
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Host names s3rver reads as `<bucket>.s3[-website][-region].amazonaws.com` (its default service endpoint).
const VIRTUAL_HOST = /^(?:(.+)\.)?s3(-website)?([-.].+)?\.amazonaws\.com$/;

/** Why a request would address a file outside the data directory, or undefined when it would not. */
export function unsafeRequestReason(
  rawUrl: string,
  host: string | undefined,
  copySource: string | undefined,
): string | undefined {
  const mark = rawUrl.indexOf("?");
  const path = safeDecode(mark === -1 ? rawUrl : rawUrl.slice(0, mark));
  const hostBucket = VIRTUAL_HOST.exec((host ?? "").replace(/:\d+$/, ""))?.[1];
  if (hostBucket !== undefined && !BUCKET_NAME.test(hostBucket))
    return `Invalid bucket name "${hostBucket}".`;
  const problem = hostBucket === undefined ? unsafeBucketAndKey(path) : unsafeKey(path);
  if (problem !== undefined) return problem;
  if (copySource !== undefined) {
    const source = safeDecode(copySource.split("?")[0]);
    const sourceProblem = unsafeBucketAndKey(source.startsWith("/") ? source : `/${source}`);
    if (sourceProblem !== undefined) return `x-amz-copy-source: ${sourceProblem}`;
  }
  if (mark !== -1) {
    const query = new URLSearchParams(rawUrl.slice(mark + 1));
    const uploadId = query.get("uploadId");
    if (uploadId !== null && uploadId !== "" && !/^[A-Za-z0-9]+$/.test(uploadId)) return "Invalid uploadId.";
    const partNumber = query.get("partNumber");
    if (partNumber !== null && !/^\d{1,5}$/.test(partNumber)) return "Invalid partNumber.";
  }
  return undefined;
}

function unsafeBucketAndKey(path: string): string | undefined {
  const [, bucket = "", ...key] = path.split("/");
  if (bucket !== "" && !BUCKET_NAME.test(bucket)) return `Invalid bucket name "${bucket}".`;
  return unsafeKey(`/${key.join("/")}`);
}

function unsafeKey(path: string): string | undefined {
  const segments = path.split("/");
  if (segments.some((segment) => segment === "." || segment === "..")) {
    return "Keys with '.' or '..' path segments are not supported by this endpoint.";
  }
  if (path.includes("\0")) return "Keys must not contain NUL characters.";
  return undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
