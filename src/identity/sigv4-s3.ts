/**
 * SigV4 verification of S3 requests (the embedded S3 endpoint): the same verification as sigv4.ts, in S3's flavour.
 *
 * It shares with the Forecast gateway's verifier everything that decides whether a signature is right: the
 * Authorization-header parser and the X-Amz-Date parser (sigv4-parse.ts, which refuses non-dates like 20240231),
 * and the recomputation of the signature (sigv4-recompute.ts, over the AWS SDK's own signer; presigned URLs use
 * that signer's presign). What differs is S3's:
 *  - the path is signed as sent, each segment encoded once (no double encoding, no dot-segment removal);
 *  - the payload hash is whatever the client declared in `x-amz-content-sha256` (a digest, UNSIGNED-PAYLOAD or a
 *    STREAMING-* marker): the body streams to disk and is not hashed here, so the signature authenticates who
 *    asked and what for, not the bytes (as before, and as s3rver never did either);
 *  - presigned URLs (the query-string form), which carry their signer's rights;
 *  - refusals are S3 error codes (`S3SignatureRejection.code`), not Forecast's exception names.
 */
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { ServiceError } from "../errors.js";
import type { AccessKey } from "./keys.js";
import { NodeSha256 } from "./node-sha256.js";
import type { Caller } from "./sigv4.js";
import { parseAmzDate, parseAuthorization } from "./sigv4-parse.js";
import { recomputeSignature, sameSignature } from "./sigv4-recompute.js";

export interface IncomingS3Request {
  method: string;
  /** Path and query exactly as received on the request line. */
  rawUrl: string;
  /** Node's flat [name, value, name, value, ...] list, so that repeated headers keep their order. */
  rawHeaders: readonly string[];
}

/** A refusal in S3's terms: `code` is the S3 error code (AccessDenied, SignatureDoesNotMatch, ...). */
export class S3SignatureRejection extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "S3SignatureRejection";
    this.code = code;
  }
}

export interface S3VerifierOptions {
  keys: readonly AccessKey[];
  /** How far X-Amz-Date may be from now, either way. Default 900 (S3's 15 minutes). */
  clockSkewSeconds?: number;
  now?: () => Date;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const CONTENT_SHA256 = "x-amz-content-sha256";
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
const REGION = /^[a-z0-9][a-z0-9-]{0,62}$/;
const PRESIGN_PARAMS = new Set([
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Expires",
  "X-Amz-SignedHeaders",
  "X-Amz-Signature",
]);

export function createS3Verifier(opts: S3VerifierOptions): {
  verify(req: IncomingS3Request): Promise<Caller>;
} {
  const skewMs = (opts.clockSkewSeconds ?? 900) * 1000;
  const now = opts.now ?? (() => new Date());
  const keys = new Map(opts.keys.map((key) => [key.accessKeyId, key]));
  const signers = new Map<string, SignatureV4>();
  const signerFor = (key: AccessKey): SignatureV4 => {
    let signer = signers.get(key.accessKeyId);
    if (!signer) {
      signer = new SignatureV4({
        credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
        region: "us-east-1",
        service: "s3",
        sha256: NodeSha256,
        applyChecksum: false,
        uriEscapePath: false,
      });
      signers.set(key.accessKeyId, signer);
    }
    return signer;
  };
  const keyFor = (accessKeyId: string): AccessKey => {
    const key = keys.get(accessKeyId);
    if (!key) {
      throw new S3SignatureRejection(
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
      );
    }
    return key;
  };

  async function verifyHeader(
    req: IncomingS3Request,
    url: SplitUrl,
    headers: Map<string, string>,
    authorization: string,
  ): Promise<Caller> {
    const auth = malformedAs("AuthorizationHeaderMalformed", () => parseAuthorization(authorization));
    checkScope(auth.service, auth.region);
    const key = keyFor(auth.accessKeyId);
    const amzDate = headers.get("x-amz-date");
    const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate);
    if (amzDate === undefined || signingDate === undefined) {
      throw new S3SignatureRejection(
        "AccessDenied",
        "AWS authentication requires a valid Date or x-amz-date header (yyyyMMdd'T'HHmmss'Z', a real date).",
      );
    }
    if (auth.date !== amzDate.slice(0, 8)) {
      throw new S3SignatureRejection(
        "AuthorizationHeaderMalformed",
        `The authorization header is malformed; Invalid credential date "${auth.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`,
      );
    }
    if (Math.abs(now().getTime() - signingDate.getTime()) > skewMs) {
      throw new S3SignatureRejection(
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
      );
    }
    const payloadHash = headers.get(CONTENT_SHA256);
    if (payloadHash === undefined) {
      throw new S3SignatureRejection(
        "InvalidRequest",
        "Missing required header for this request: x-amz-content-sha256",
      );
    }
    requireSignedHost(auth.signedHeaders);
    signedHeaderValues(auth.signedHeaders, headers); // refuses a signed header that did not arrive
    for (const path of pathCandidates(url.path)) {
      const expected = await recomputeSignature(signerFor(key), {
        method: req.method,
        path,
        query: url.query,
        signedHeaders: auth.signedHeaders,
        headers,
        signingDate,
        region: auth.region,
        service: "s3",
      });
      if (sameSignature(expected, auth.signature)) {
        return { accountId: key.accountId, region: auth.region, accessKeyId: key.accessKeyId };
      }
    }
    throw signatureMismatch();
  }

  async function verifyPresigned(
    req: IncomingS3Request,
    url: SplitUrl,
    headers: Map<string, string>,
  ): Promise<Caller> {
    const param = (name: string) => {
      const value = url.query[name];
      return Array.isArray(value) ? undefined : value;
    };
    if (param("X-Amz-Algorithm") !== ALGORITHM) {
      throw new S3SignatureRejection(
        "AuthorizationQueryParametersError",
        `X-Amz-Algorithm only supports "${ALGORITHM}".`,
      );
    }
    const amzDate = param("X-Amz-Date");
    const expires = Number(param("X-Amz-Expires"));
    const signedHeaders = param("X-Amz-SignedHeaders")?.toLowerCase().split(";");
    const signature = param("X-Amz-Signature");
    const scope = param("X-Amz-Credential")?.split("/") ?? [];
    const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate);
    if (
      signingDate === undefined ||
      amzDate === undefined ||
      signedHeaders === undefined ||
      signature === undefined ||
      !Number.isInteger(expires) ||
      expires < 1 ||
      expires > MAX_PRESIGN_SECONDS ||
      scope.length !== 5 ||
      scope[4] !== "aws4_request"
    ) {
      throw new S3SignatureRejection(
        "AuthorizationQueryParametersError",
        "A presigned URL needs X-Amz-Credential, X-Amz-Date (yyyyMMdd'T'HHmmss'Z', a real date), " +
          "X-Amz-Expires (1 to 604800), X-Amz-SignedHeaders and X-Amz-Signature.",
      );
    }
    const [accessKeyId, date, region, service] = scope;
    checkScope(service, region);
    const key = keyFor(accessKeyId);
    if (date !== amzDate.slice(0, 8)) {
      throw new S3SignatureRejection(
        "AuthorizationQueryParametersError",
        `Invalid credential date "${date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`,
      );
    }
    const nowMs = now().getTime();
    if (nowMs > signingDate.getTime() + expires * 1000) {
      throw new S3SignatureRejection("AccessDenied", "Request has expired");
    }
    if (signingDate.getTime() > nowMs + skewMs) {
      throw new S3SignatureRejection("AccessDenied", "Request is not yet valid");
    }
    requireSignedHost(signedHeaders);
    const signed = signedHeaderValues(signedHeaders, headers);
    // The payload hash of a presigned request: a signed header, else one hoisted into the query, else unsigned.
    if (signed[CONTENT_SHA256] === undefined) {
      const hoisted = Object.entries(url.query).find(([name]) => name.toLowerCase() === CONTENT_SHA256)?.[1];
      signed[CONTENT_SHA256] = typeof hoisted === "string" ? hoisted : "UNSIGNED-PAYLOAD";
    }
    const query = Object.fromEntries(Object.entries(url.query).filter(([name]) => !PRESIGN_PARAMS.has(name)));
    const signable = new Set(signedHeaders);
    for (const path of pathCandidates(url.path)) {
      const request = new HttpRequest({
        method: req.method.toUpperCase(),
        protocol: "http:",
        hostname: "localhost",
        path,
        query: { ...query },
        headers: { ...signed },
      });
      const result = await signerFor(key).presign(request, {
        signingDate,
        expiresIn: expires,
        signingRegion: region,
        signingService: "s3",
        signableHeaders: signable,
        unsignableHeaders: new Set([CONTENT_SHA256]),
        // Headers the client signed stay headers; only those it hoisted are in the query already.
        unhoistableHeaders: new Set(Object.keys(signed)),
      });
      const expected = result.query?.["X-Amz-Signature"];
      if (typeof expected === "string" && sameSignature(expected, signature)) {
        return { accountId: key.accountId, region, accessKeyId: key.accessKeyId };
      }
    }
    throw signatureMismatch();
  }

  return {
    async verify(req) {
      const url = splitUrl(req.rawUrl);
      const headers = collectHeaders(req.rawHeaders);
      const authorization = headers.get("authorization");
      if (headers.has("x-amz-security-token") || url.query["X-Amz-Security-Token"] !== undefined) {
        // This endpoint issues no temporary credentials, so no session token can be valid.
        throw new S3SignatureRejection(
          "InvalidToken",
          "The provided token is malformed or otherwise invalid.",
        );
      }
      if (authorization?.startsWith(`${ALGORITHM} `)) return verifyHeader(req, url, headers, authorization);
      if (url.query["X-Amz-Algorithm"] !== undefined) return verifyPresigned(req, url, headers);
      if (authorization?.startsWith("AWS ") || url.query.AWSAccessKeyId !== undefined) {
        throw new S3SignatureRejection(
          "InvalidRequest",
          "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.",
        );
      }
      if (authorization !== undefined) {
        throw new S3SignatureRejection("InvalidArgument", "Unsupported Authorization Type");
      }
      throw new S3SignatureRejection(
        "AccessDenied",
        "Anonymous requests are not accepted; sign requests with SigV4.",
      );
    },
  };
}

function checkScope(service: string, region: string): void {
  if (service !== "s3") {
    throw new S3SignatureRejection(
      "AuthorizationHeaderMalformed",
      `The authorization header is malformed; the credential is scoped to the service "${service}"; this endpoint is "s3".`,
    );
  }
  if (!REGION.test(region)) {
    throw new S3SignatureRejection(
      "AuthorizationHeaderMalformed",
      "The authorization header is malformed; the region is not a valid region name.",
    );
  }
}

function requireSignedHost(signedHeaders: readonly string[]): void {
  if (!signedHeaders.includes("host")) {
    throw new S3SignatureRejection("AccessDenied", "The host header must be signed.");
  }
}

function signedHeaderValues(names: readonly string[], headers: Map<string, string>): Record<string, string> {
  const signed: Record<string, string> = {};
  for (const name of names) {
    const value = headers.get(name);
    if (value === undefined) {
      throw new S3SignatureRejection(
        "AccessDenied",
        `The signed header "${name}" is missing from the request.`,
      );
    }
    signed[name] = value;
  }
  delete signed.authorization;
  return signed;
}

/** Clients agree on encoding each path segment once, but not all send the path in that form: try both. */
function pathCandidates(rawPath: string): string[] {
  const once = rawPath
    .split("/")
    .map((segment) => encodeRfc3986(decode(segment)))
    .join("/");
  return once === rawPath ? [rawPath] : [once, rawPath];
}

function malformedAs<T>(code: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ServiceError) throw new S3SignatureRejection(code, error.message);
    throw error;
  }
}

function signatureMismatch(): S3SignatureRejection {
  return new S3SignatureRejection(
    "SignatureDoesNotMatch",
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  );
}

interface SplitUrl {
  path: string;
  query: Record<string, string | string[]>;
}

function splitUrl(rawUrl: string): SplitUrl {
  const mark = rawUrl.indexOf("?");
  const path = mark === -1 ? rawUrl : rawUrl.slice(0, mark);
  const query: Record<string, string | string[]> = {};
  if (mark !== -1) {
    for (const pair of rawUrl.slice(mark + 1).split("&")) {
      if (pair === "") continue;
      const eq = pair.indexOf("=");
      const name = decode(eq === -1 ? pair : pair.slice(0, eq));
      const value = eq === -1 ? "" : decode(pair.slice(eq + 1));
      const seen = query[name];
      if (seen === undefined) query[name] = value;
      else query[name] = Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
  }
  return { path: path === "" ? "/" : path, query };
}

/** Header names lower-cased; a header sent several times is joined with commas, as SigV4 canonicalises it. */
export function collectHeaders(rawHeaders: readonly string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const seen = headers.get(name);
    headers.set(name, seen === undefined ? rawHeaders[i + 1] : `${seen},${rawHeaders[i + 1]}`);
  }
  return headers;
}

function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
