/**
 * Verification of AWS Signature Version 4, Authorization-header form.
 *
 * Rather than re-implementing canonicalisation, the signature is recomputed with @smithy/signature-v4 (the signer the
 * AWS SDK for JavaScript itself uses) by sigv4-recompute.ts, which the embedded S3 endpoint's verification
 * (sigv4-s3.ts) shares: one SigV4 implementation.
 */
import { createHash } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { ServiceError } from "../errors.js";
import type { AccessKey } from "./keys.js";
import { NodeSha256 } from "./node-sha256.js";
import { carriesSecurityToken, unrecognizedSecurityToken } from "./security-token.js";
import { type ParsedAuthorization, parseAmzDate, parseAuthorization } from "./sigv4-parse.js";
import { recomputeSignature, sameSignature } from "./sigv4-recompute.js";

export interface IncomingSigned {
  method: string;
  /** The path as it came on the wire (still percent-encoded), without the query string. */
  path: string;
  /** The query string decoded (as node:querystring parses it); repeated keys give arrays. */
  query: Record<string, string | string[]>;
  /** Header names in any case; arrays for a header sent several times. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface Caller {
  accountId: string;
  region: string;
  accessKeyId: string;
}

/** The shape of hash constructor @smithy/signature-v4 accepts; `new (secret?) => hash or HMAC`. */
export type Sha256Constructor = ConstructorParameters<typeof SignatureV4>[0]["sha256"];

export interface VerifierOptions {
  keys: AccessKey[];
  /** Signing names accepted in the credential scope, e.g. ["forecast"]. */
  services: string[];
  /** How far X-Amz-Date may be from now, either way. Default 900 (AWS's 15 minutes). */
  clockSkewSeconds?: number;
  now?: () => Date;
  /** Hash implementation given to the signer; defaults to node:crypto. Exposed to compare speeds. */
  sha256?: Sha256Constructor;
}

const CONTENT_SHA256 = "x-amz-content-sha256";
// A region ends up in ARNs and file paths: accept only what AWS region names are made of.
const REGION = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function createVerifier(opts: VerifierOptions): { verify(req: IncomingSigned): Promise<Caller> } {
  const skewMs = (opts.clockSkewSeconds ?? 900) * 1000;
  const now = opts.now ?? (() => new Date());
  const services = new Set(opts.services);
  const sha256 = opts.sha256 ?? NodeSha256;
  const keys = new Map<string, AccessKey>();
  for (const key of opts.keys) {
    const seen = keys.get(key.accessKeyId);
    if (seen && (seen.secretAccessKey !== key.secretAccessKey || seen.accountId !== key.accountId)) {
      throw new Error(`Access key id '${key.accessKeyId}' is given twice with different secrets or accounts`);
    }
    keys.set(key.accessKeyId, key);
  }
  // One signer per key; region and service vary per request and are passed at signing time. The signer itself
  // caches derived signing keys per (secret, date, region, service).
  const signers = new Map<string, SignatureV4>();
  const signerFor = (key: AccessKey): SignatureV4 => {
    let signer = signers.get(key.accessKeyId);
    if (!signer) {
      signer = new SignatureV4({
        credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
        region: "us-east-1",
        service: opts.services[0] ?? "forecast",
        sha256,
        // The payload hash is taken from the body or from a signed x-amz-content-sha256, never added by us.
        applyChecksum: false,
        uriEscapePath: true,
      });
      signers.set(key.accessKeyId, signer);
    }
    return signer;
  };

  async function verify(req: IncomingSigned): Promise<Caller> {
    const headers = lowerCaseHeaders(req.headers);
    const authorization = headers.get("authorization");
    if (authorization === undefined || authorization === "") {
      throw new ServiceError("MissingAuthenticationTokenException", "Missing Authentication Token", 403);
    }
    const auth = parseAuthorization(authorization);
    const amzDateText = headers.get("x-amz-date");
    if (amzDateText === undefined) {
      throw incomplete(
        `Authorization header requires existence of an 'X-Amz-Date' header. ${scopeText(auth)}`,
      );
    }
    const signingDate = parseAmzDate(amzDateText);
    if (!signingDate) {
      throw incomplete(
        `X-Amz-Date must be in ISO-8601 basic format (YYYYMMDD'T'HHMMSS'Z'). Got '${amzDateText}'.`,
      );
    }
    for (const required of ["host", "x-amz-date"]) {
      if (!auth.signedHeaders.includes(required)) {
        throw incomplete(
          `'${required}' must be a signed header in the Authorization header. ${scopeText(auth)}`,
        );
      }
    }
    checkScope(auth, amzDateText, services);

    // We issue no session tokens: any token is one we did not issue, however well the request is signed.
    if (carriesSecurityToken(req)) throw unrecognizedSecurityToken();
    const key = keys.get(auth.accessKeyId);
    if (!key) throw unrecognizedSecurityToken();
    checkClock(signingDate, amzDateText, now(), skewMs);

    const expected = await recompute(signerFor(key), req, headers, auth, signingDate);
    if (!sameSignature(expected, auth.signature)) {
      throw new ServiceError(
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. " +
          "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        403,
      );
    }
    return { accountId: key.accountId, region: auth.region, accessKeyId: key.accessKeyId };
  }

  return { verify };
}

async function recompute(
  signer: SignatureV4,
  req: IncomingSigned,
  headers: Map<string, string>,
  auth: ParsedAuthorization,
  signingDate: Date,
): Promise<string> {
  // A signed x-amz-content-sha256 is what the signer hashes in place of the body; it must then be the body's hash,
  // or a client could sign "UNSIGNED-PAYLOAD" (or any digest) and send another body.
  const declared = auth.signedHeaders.includes(CONTENT_SHA256)
    ? (headers.get(CONTENT_SHA256) ?? "")
    : undefined;
  if (declared !== undefined && declared !== createHash("sha256").update(req.body).digest("hex")) return "";
  return recomputeSignature(signer, {
    method: req.method,
    path: req.path,
    query: req.query,
    signedHeaders: auth.signedHeaders,
    headers,
    signingDate,
    region: auth.region,
    service: auth.service,
    body: req.body,
  });
}

/** Scope problems AWS reports as InvalidSignatureException: the credential is well formed but not for us. */
function checkScope(auth: ParsedAuthorization, amzDateText: string, services: Set<string>): void {
  if (!services.has(auth.service)) {
    const accepted = [...services].map((s) => `'${s}'`).join(" or ");
    throw invalidSignature(`Credential should be scoped to correct service: ${accepted}.`);
  }
  if (!REGION.test(auth.region)) {
    throw invalidSignature("Credential should be scoped to a valid region.");
  }
  if (auth.date !== amzDateText.slice(0, 8)) {
    throw invalidSignature(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ` +
        `'${auth.date}' != '${amzDateText.slice(0, 8)}', from '${amzDateText}'.`,
    );
  }
}

function checkClock(signingDate: Date, amzDateText: string, now: Date, skewMs: number): void {
  const allowed = describeSkew(skewMs);
  if (signingDate.getTime() < now.getTime() - skewMs) {
    const limit = amzBasic(new Date(now.getTime() - skewMs));
    throw invalidSignature(
      `Signature expired: ${amzDateText} is now earlier than ${limit} (${amzBasic(now)} - ${allowed}).`,
    );
  }
  if (signingDate.getTime() > now.getTime() + skewMs) {
    const limit = amzBasic(new Date(now.getTime() + skewMs));
    throw invalidSignature(
      `Signature not yet current: ${amzDateText} is still later than ${limit} (${amzBasic(now)} + ${allowed}).`,
    );
  }
}

/** Header names lower-cased; a header sent several times is joined with commas, as SigV4 canonicalises it. */
function lowerCaseHeaders(headers: IncomingSigned["headers"]): Map<string, string> {
  const out = new Map<string, string>();
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    out.set(name.toLowerCase(), Array.isArray(value) ? value.join(",") : value);
  }
  return out;
}

function amzBasic(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

function describeSkew(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min.` : `${ms / 1000} s.`;
}

function scopeText(auth: ParsedAuthorization): string {
  return `Credential=${auth.accessKeyId}/${auth.date}/${auth.region}/${auth.service}/aws4_request`;
}

function incomplete(message: string): ServiceError {
  return new ServiceError("IncompleteSignatureException", message, 403);
}

function invalidSignature(message: string): ServiceError {
  return new ServiceError("InvalidSignatureException", message, 403);
}
