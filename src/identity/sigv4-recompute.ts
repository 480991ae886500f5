/**
 * The one place a SigV4 signature is recomputed for verification, for the Forecast gateway (sigv4.ts) and the
 * embedded S3 endpoint (sigv4-s3.ts) alike: @smithy/signature-v4 (the AWS SDK's own signer) is run over exactly what
 * the client declared it signed — the headers named in SignedHeaders with their values as received, the method,
 * path and query, the client's X-Amz-Date as signing date, the region and service of the credential scope — and
 * the result is compared in constant time.
 */
import { timingSafeEqual } from "node:crypto";
import { HttpRequest } from "@smithy/protocol-http";
import type { SignatureV4 } from "@smithy/signature-v4";

export interface SignedParts {
  method: string;
  /** The path as the signer is to see it (the signer escapes it again or not, as it was built). */
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-cased names the client listed in SignedHeaders, in its order. */
  signedHeaders: readonly string[];
  /** Lower-cased header name → value as received (repeated headers joined with commas). */
  headers: ReadonlyMap<string, string>;
  signingDate: Date;
  region: string;
  service: string;
  /**
   * The body, when the payload hash is to be computed from it (or checked against a signed x-amz-content-sha256
   * by the caller). Absent for streamed bodies: then the x-amz-content-sha256 header value is the payload hash.
   */
  body?: Buffer;
}

/** The hex signature the client should have sent for `parts`. */
export async function recomputeSignature(signer: SignatureV4, parts: SignedParts): Promise<string> {
  const signed: Record<string, string> = {};
  // A declared header that did not arrive counts as empty, which can only match if the client signed it empty.
  for (const name of parts.signedHeaders) signed[name] = parts.headers.get(name) ?? "";
  // The signer adds these two itself and drops any other value; the date is the one parsed from it anyway.
  delete signed.authorization;
  delete signed["x-amz-date"];
  const declaredHash = parts.headers.get("x-amz-content-sha256");
  const unsigned = new Set<string>();
  if (
    parts.body === undefined &&
    declaredHash !== undefined &&
    signed["x-amz-content-sha256"] === undefined
  ) {
    // The signer takes the payload hash from this header; it is a canonical header only if the client signed it.
    signed["x-amz-content-sha256"] = declaredHash;
    unsigned.add("x-amz-content-sha256");
  }
  const request = new HttpRequest({
    method: parts.method.toUpperCase(),
    protocol: "http:",
    hostname: "localhost",
    path: parts.path === "" ? "/" : parts.path,
    query: parts.query,
    headers: signed,
    body: parts.body,
  });
  const result = await signer.sign(request, {
    signingDate: parts.signingDate,
    signingRegion: parts.region,
    signingService: parts.service,
    // Without this the signer would skip headers it never signs itself (user-agent, expect, ...) even if the client did.
    signableHeaders: new Set(parts.signedHeaders),
    unsignableHeaders: unsigned,
  });
  const header = result.headers.authorization ?? "";
  return header.slice(header.lastIndexOf("Signature=") + "Signature=".length);
}

export function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "latin1");
  const b = Buffer.from(given, "latin1");
  // Lengths are not secret (a signature is always 64 hex digits); only the content comparison must not leak.
  return a.length === b.length && timingSafeEqual(a, b);
}
