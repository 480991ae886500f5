import type S3rver from "s3rver";
import S3Error from "s3rver/lib/models/error.js";
import { AwsChunkedDecoder, isAwsChunked, withoutAwsChunked } from "./aws-chunked-decoder.js";
import { authenticateS3Request, S3AuthRejection } from "./s3-request-auth.js";

/**
 * The first middleware of the embedded endpoint: what s3rver does not do for itself.
 *  - Authentication: every request (but CORS preflights) must be signed by one of our keys (s3-request-auth.ts).
 *  - Containment: s3rver maps bucket names, keys and upload ids straight onto file paths, so a `..` segment or a
 *    crafted upload id would reach outside the data directory; such requests are refused here.
 *  - Bodies in the aws-chunked encoding are decoded before s3rver stores them.
 */
export function embeddedS3Guard(secrets: ReadonlyMap<string, string>): S3rver.Middleware {
  return async (ctx, next) => {
    const req = ctx.request.req;
    const method = req.method ?? "GET";
    const rawUrl = req.url ?? "/";
    if (!(method === "OPTIONS" && req.headers.authorization === undefined)) {
      try {
        authenticateS3Request({ method, rawUrl, rawHeaders: req.rawHeaders }, secrets);
      } catch (error) {
        if (error instanceof S3AuthRejection) throw new S3Error(error.code, error.message);
        throw error;
      }
    }
    const unsafe = unsafeRequestReason(rawUrl, req.headers.host, header(req.headers["x-amz-copy-source"]));
    if (unsafe !== undefined) throw new S3Error("InvalidArgument", unsafe);

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
    await next();
  };
}

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
