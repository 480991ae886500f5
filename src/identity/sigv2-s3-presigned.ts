/**
 * Verification of S3's legacy (signature version 2) presigned URLs, `?AWSAccessKeyId=…&Expires=…&Signature=…`:
 * what boto3 and the AWS CLI still make by default for us-east-1 (`generate_presigned_url`, `aws s3 presign`).
 * Only this query form is accepted; the V2 `Authorization: AWS …` header, which no current SDK sends, is refused
 * by the SigV4 verifier (sigv4-s3.ts). SigV2 is HMAC-SHA1 over a short string, not a second SigV4.
 *
 * String to sign (Amazon S3 developer guide, "Signing and authenticating REST requests"):
 *   METHOD \n Content-MD5 \n Content-Type \n Expires \n [x-amz-* headers, one `name:value\n` each] resource
 * where resource is the path as sent plus the sub-resources and response overrides of the query, sorted.
 */
import { createHmac } from "node:crypto";
import type { AccessKey } from "./keys.js";
import type { Caller } from "./sigv4.js";
import { sameSignature } from "./sigv4-recompute.js";
import type { IncomingS3Request } from "./sigv4-s3.js";
import { collectHeaders, S3SignatureRejection } from "./sigv4-s3.js";

// Query parameters that are part of the signed resource (botocore's HmacV1Auth.QSAOfInterest).
const SIGNED_QUERY = new Set([
  "accelerate",
  "acl",
  "cors",
  "defaultObjectAcl",
  "location",
  "logging",
  "partNumber",
  "policy",
  "requestPayment",
  "torrent",
  "versioning",
  "versionId",
  "versions",
  "website",
  "uploads",
  "uploadId",
  "response-content-type",
  "response-content-language",
  "response-expires",
  "response-cache-control",
  "response-content-disposition",
  "response-content-encoding",
  "delete",
  "lifecycle",
  "tagging",
  "restore",
  "storageClass",
  "notification",
  "replication",
  "requestPayment",
  "analytics",
  "metrics",
  "inventory",
  "select",
  "select-type",
  "object-lock",
]);

/** True when a request is a V2 presigned URL (and carries no Authorization header of any kind). */
export function isSigV2Presigned(rawUrl: string, authorization: string | undefined): boolean {
  const mark = rawUrl.indexOf("?");
  if (mark === -1 || authorization !== undefined) return false;
  const query = new URLSearchParams(rawUrl.slice(mark + 1));
  return !query.has("X-Amz-Algorithm") && query.has("Signature") && query.has("AWSAccessKeyId");
}

export function createSigV2PresignedVerifier(opts: { keys: readonly AccessKey[]; now?: () => Date }): {
  verify(req: IncomingS3Request): Caller;
} {
  const keys = new Map(opts.keys.map((key) => [key.accessKeyId, key]));
  const now = opts.now ?? (() => new Date());
  return {
    verify(req) {
      const mark = req.rawUrl.indexOf("?");
      const rawPath = mark === -1 ? req.rawUrl : req.rawUrl.slice(0, mark);
      const rawQuery = mark === -1 ? "" : req.rawUrl.slice(mark + 1);
      const query = new URLSearchParams(rawQuery);
      const accessKeyId = query.get("AWSAccessKeyId") ?? "";
      const expires = query.get("Expires") ?? "";
      const signature = query.get("Signature") ?? "";
      if (!/^\d{1,12}$/.test(expires)) {
        throw new S3SignatureRejection(
          "AccessDenied",
          "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters; Expires is seconds since the epoch.",
        );
      }
      const key = keys.get(accessKeyId);
      if (key === undefined) {
        throw new S3SignatureRejection(
          "InvalidAccessKeyId",
          "The AWS Access Key Id you provided does not exist in our records.",
        );
      }
      if (now().getTime() > Number(expires) * 1000) {
        throw new S3SignatureRejection("AccessDenied", "Request has expired");
      }
      const headers = collectHeaders(req.rawHeaders);
      const amzHeaders = [...headers.keys()]
        .filter((name) => name.startsWith("x-amz-"))
        .sort()
        .map((name) => `${name}:${(headers.get(name) ?? "").trim()}\n`)
        .join("");
      const subresources = signedSubresources(rawQuery);
      for (const path of pathCandidates(rawPath)) {
        const stringToSign = [
          req.method.toUpperCase(),
          headers.get("content-md5") ?? "",
          headers.get("content-type") ?? "",
          expires,
          `${amzHeaders}${path}${subresources}`,
        ].join("\n");
        const expected = createHmac("sha1", key.secretAccessKey)
          .update(stringToSign, "utf8")
          .digest("base64");
        if (sameSignature(expected, signature)) {
          return { accountId: key.accountId, region: "us-east-1", accessKeyId: key.accessKeyId };
        }
      }
      throw new S3SignatureRejection(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
      );
    },
  };
}

/** `?name=value&name2` of the signed sub-resources, values decoded, sorted by name; "" when there are none. */
function signedSubresources(rawQuery: string): string {
  const pairs: [string, string | undefined][] = [];
  for (const pair of rawQuery.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decode(eq === -1 ? pair : pair.slice(0, eq));
    if (!SIGNED_QUERY.has(name)) continue;
    pairs.push([name, eq === -1 ? undefined : decode(pair.slice(eq + 1))]);
  }
  if (pairs.length === 0) return "";
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `?${pairs.map(([name, value]) => (value === undefined || value === "" ? name : `${name}=${value}`)).join("&")}`;
}

/** The path as sent, and each segment encoded once (clients differ on which characters they escape). */
function pathCandidates(rawPath: string): string[] {
  const once = rawPath
    .split("/")
    .map((segment) =>
      encodeURIComponent(decodePath(segment)).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join("/");
  return once === rawPath ? [rawPath] : [rawPath, once];
}

function decodePath(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** A query name or value: `+` is a space there. */
function decode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return value;
  }
}
