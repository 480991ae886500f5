import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * Authentication of S3 requests for the embedded endpoint. s3rver 3.7 looks up the access key of a Signature
 * Version 4 request but never checks the signature itself, and serves anonymous requests; this module is the
 * check it lacks. It follows the S3 flavour of SigV4: the path is encoded once (no double encoding, no dot
 * segment removal) and the payload hash is whatever the client put in `x-amz-content-sha256`.
 *
 * The body is not hashed: like UNSIGNED-PAYLOAD requests, the signature authenticates who sent the request and
 * what it asked for, not the bytes that follow. (s3rver does not verify payload hashes either.)
 */

export interface IncomingS3Request {
  method: string;
  /** Path and query exactly as received on the request line. */
  rawUrl: string;
  /** Node's flat [name, value, name, value, ...] list, so that repeated headers keep their order. */
  rawHeaders: readonly string[];
}

export type S3Authentication =
  /** Signature checked here. */
  | { scheme: "sigv4"; accessKeyId: string }
  /** Legacy signature: the key is known here; s3rver checks the signature itself (it implements version 2). */
  | { scheme: "sigv2"; accessKeyId: string };

/** A refusal in S3's own terms: `code` is an S3 error code that s3rver knows the HTTP status of. */
export class S3AuthRejection extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "S3AuthRejection";
    this.code = code;
  }
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/**
 * Decides whether a request is signed by one of `secrets` (access key id → secret access key). Returns who signed
 * it, or throws S3AuthRejection. Anonymous requests are refused: the endpoint holds users' data.
 */
export function authenticateS3Request(
  request: IncomingS3Request,
  secrets: ReadonlyMap<string, string>,
  now: Date = new Date(),
): S3Authentication {
  const { path, query } = splitUrl(request.rawUrl);
  const headers = collectHeaders(request.rawHeaders);
  const authorization = headers.get("authorization")?.[0];

  if (authorization?.startsWith(`${ALGORITHM} `)) {
    return verifyHeaderSignature(request.method, path, query, headers, authorization, secrets, now);
  }
  if (query.some(([name]) => name === "X-Amz-Algorithm")) {
    return verifyPresignedUrl(request.method, path, query, headers, secrets, now);
  }
  const legacyKey = authorization?.startsWith("AWS ")
    ? authorization.slice(4).split(":")[0]
    : query.find(([name]) => name === "AWSAccessKeyId")?.[1];
  if (legacyKey !== undefined) {
    requireKnownKey(legacyKey, secrets);
    return { scheme: "sigv2", accessKeyId: legacyKey };
  }
  if (authorization !== undefined) {
    throw new S3AuthRejection("InvalidArgument", "Unsupported Authorization Type");
  }
  throw new S3AuthRejection("AccessDenied", "Anonymous requests are not accepted; sign requests with SigV4.");
}

function verifyHeaderSignature(
  method: string,
  path: string,
  query: QueryPair[],
  headers: HeaderMap,
  authorization: string,
  secrets: ReadonlyMap<string, string>,
  now: Date,
): S3Authentication {
  const fields = parseAuthorizationFields(authorization.slice(ALGORITHM.length + 1));
  const credential = parseCredential(fields.get("Credential"));
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (signedHeaders === undefined || signature === undefined) {
    throw new S3AuthRejection(
      "AuthorizationHeaderMalformed",
      "The authorization header needs Credential, SignedHeaders and Signature.",
    );
  }
  const secret = requireKnownKey(credential.accessKeyId, secrets);

  const amzDate = headers.get("x-amz-date")?.[0];
  const requestTime = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || requestTime === undefined) {
    throw new S3AuthRejection("AccessDenied", "SigV4 requests need an x-amz-date header (yyyyMMddTHHmmssZ).");
  }
  if (!amzDate.startsWith(credential.date)) {
    throw new S3AuthRejection(
      "AuthorizationHeaderMalformed",
      `The credential date ${credential.date} does not match x-amz-date ${amzDate}.`,
    );
  }
  if (Math.abs(now.getTime() - requestTime.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new S3AuthRejection(
      "RequestTimeTooSkewed",
      "The difference between the request time and the server's time is more than 15 minutes.",
    );
  }
  const payloadHash = headers.get("x-amz-content-sha256")?.[0];
  if (payloadHash === undefined) {
    throw new S3AuthRejection(
      "InvalidRequest",
      "Missing required header for this request: x-amz-content-sha256",
    );
  }

  checkSignature({
    method,
    path,
    query,
    headers,
    signedHeaders,
    payloadHash,
    amzDate,
    credential,
    secret,
    signature,
  });
  return { scheme: "sigv4", accessKeyId: credential.accessKeyId };
}

function verifyPresignedUrl(
  method: string,
  path: string,
  query: QueryPair[],
  headers: HeaderMap,
  secrets: ReadonlyMap<string, string>,
  now: Date,
): S3Authentication {
  const param = (name: string) => query.find(([key]) => key === name)?.[1];
  if (param("X-Amz-Algorithm") !== ALGORITHM) {
    throw new S3AuthRejection("AuthorizationQueryParametersError", `X-Amz-Algorithm must be "${ALGORITHM}".`);
  }
  const amzDate = param("X-Amz-Date");
  const expires = Number(param("X-Amz-Expires"));
  const signedHeaders = param("X-Amz-SignedHeaders");
  const signature = param("X-Amz-Signature");
  const requestTime = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (
    amzDate === undefined ||
    requestTime === undefined ||
    signedHeaders === undefined ||
    signature === undefined ||
    !Number.isInteger(expires) ||
    expires < 1 ||
    expires > MAX_PRESIGN_SECONDS
  ) {
    throw new S3AuthRejection(
      "AuthorizationQueryParametersError",
      "A presigned URL needs X-Amz-Credential, X-Amz-Date, X-Amz-Expires (1 to 604800), X-Amz-SignedHeaders and X-Amz-Signature.",
    );
  }
  const credential = parseCredential(param("X-Amz-Credential"));
  const secret = requireKnownKey(credential.accessKeyId, secrets);
  if (now.getTime() > requestTime.getTime() + expires * 1000) {
    throw new S3AuthRejection("AccessDenied", "Request has expired");
  }
  checkSignature({
    method,
    path,
    query: query.filter(([name]) => name !== "X-Amz-Signature"),
    headers,
    signedHeaders,
    // Presigners that sign a payload marker hoist it into the query, in whatever case they wrote the header.
    payloadHash:
      query.find(([name]) => name.toLowerCase() === "x-amz-content-sha256")?.[1] ?? "UNSIGNED-PAYLOAD",
    amzDate,
    credential,
    secret,
    signature,
  });
  return { scheme: "sigv4", accessKeyId: credential.accessKeyId };
}

interface Credential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

function parseCredential(value: string | undefined): Credential {
  const parts = value?.split("/") ?? [];
  if (parts.length !== 5 || parts[4] !== "aws4_request" || !/^\d{8}$/.test(parts[1])) {
    throw new S3AuthRejection(
      "AuthorizationHeaderMalformed",
      "The credential must have the form <access key id>/<yyyyMMdd>/<region>/s3/aws4_request.",
    );
  }
  const [accessKeyId, date, region, service] = parts;
  if (service !== "s3") {
    throw new S3AuthRejection(
      "AuthorizationHeaderMalformed",
      `The credential is scoped to the service "${service}"; this endpoint is "s3".`,
    );
  }
  return { accessKeyId, date, region, service };
}

function requireKnownKey(accessKeyId: string, secrets: ReadonlyMap<string, string>): string {
  const secret = secrets.get(accessKeyId);
  if (secret === undefined) {
    throw new S3AuthRejection(
      "InvalidAccessKeyId",
      "The AWS Access Key Id you provided does not exist in our records.",
    );
  }
  return secret;
}

interface SignatureInputs {
  method: string;
  path: string;
  query: QueryPair[];
  headers: HeaderMap;
  signedHeaders: string;
  payloadHash: string;
  amzDate: string;
  credential: Credential;
  secret: string;
  signature: string;
}

function checkSignature(inputs: SignatureInputs): void {
  const { credential } = inputs;
  const names = inputs.signedHeaders.split(";");
  if (!names.includes("host")) {
    throw new S3AuthRejection("AccessDenied", "The host header must be signed.");
  }
  const canonicalHeaders = names.map((name) => {
    const values = inputs.headers.get(name);
    if (values === undefined) {
      throw new S3AuthRejection("AccessDenied", `The signed header "${name}" is missing from the request.`);
    }
    return `${name}:${values.map((value) => value.trim().replace(/ +/g, " ")).join(",")}\n`;
  });
  const scope = `${credential.date}/${credential.region}/${credential.service}/aws4_request`;
  const signingKey = deriveSigningKey(inputs.secret, credential);

  // Clients agree on encoding each path segment once, but not all send the path in that form; the path as it
  // came over the wire is the second candidate.
  const candidates = new Set([canonicalPath(inputs.path), inputs.path]);
  for (const path of candidates) {
    const canonicalRequest = [
      inputs.method,
      path,
      canonicalQuery(inputs.query),
      canonicalHeaders.join(""),
      inputs.signedHeaders,
      inputs.payloadHash,
    ].join("\n");
    const stringToSign = [ALGORITHM, inputs.amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
    const expected = createHmac("sha256", signingKey).update(stringToSign).digest();
    const provided = Buffer.from(inputs.signature, "hex");
    if (provided.length === expected.length && timingSafeEqual(provided, expected)) return;
  }
  throw new S3AuthRejection(
    "SignatureDoesNotMatch",
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  );
}

function deriveSigningKey(secret: string, credential: Credential): Buffer {
  let key: Buffer = Buffer.from(`AWS4${secret}`);
  for (const part of [credential.date, credential.region, credential.service, "aws4_request"]) {
    key = createHmac("sha256", key).update(part).digest();
  }
  return key;
}

type QueryPair = [name: string, value: string];
type HeaderMap = Map<string, string[]>;

function splitUrl(rawUrl: string): { path: string; query: QueryPair[] } {
  const mark = rawUrl.indexOf("?");
  const path = mark === -1 ? rawUrl : rawUrl.slice(0, mark);
  const rawQuery = mark === -1 ? "" : rawUrl.slice(mark + 1);
  const query = rawQuery
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair): QueryPair => {
      const eq = pair.indexOf("=");
      return eq === -1 ? [decode(pair), ""] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))];
    });
  return { path: path === "" ? "/" : path, query };
}

function collectHeaders(rawHeaders: readonly string[]): HeaderMap {
  const headers: HeaderMap = new Map();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const values = headers.get(name);
    if (values) values.push(rawHeaders[i + 1]);
    else headers.set(name, [rawHeaders[i + 1]]);
  }
  return headers;
}

function parseAuthorizationFields(rest: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of rest.split(",")) {
    const eq = part.indexOf("=");
    if (eq !== -1) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return fields;
}

function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const time = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isNaN(time) ? undefined : new Date(time);
}

function canonicalPath(path: string): string {
  return path
    .split("/")
    .map((segment) => encodeRfc3986(decode(segment)))
    .join("/");
}

function canonicalQuery(query: QueryPair[]): string {
  return query
    .map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(value)])
    .sort(([a, av], [b, bv]) => (a === b ? compare(av, bv) : compare(a, b)))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

// Code-unit order, which for the ASCII of encoded strings is the byte order SigV4 sorts by.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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

function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
