/**
 * OpenForecast issues no temporary credentials (no STS, no session tokens), so a request that carries a security
 * token, as a header or as a presigned URL's query parameter, carries one that we did not issue. AWS answers such
 * a token with 403 UnrecognizedClientException, even when the signature over it is right; so do we, instead of
 * ignoring it and letting a client believe its temporary credentials work. Kept apart from sigv4.ts so that the
 * embedded S3 endpoint can ask the same question (S3 words its refusal differently).
 */
import { ServiceError } from "../errors.js";
import type { IncomingSigned } from "./sigv4.js";

const TOKEN_NAME = "x-amz-security-token";

/** Whether the request names a security token in a header or in its query string (any case, even empty). */
export function carriesSecurityToken(req: Pick<IncomingSigned, "headers" | "query">): boolean {
  for (const name in req.headers) {
    if (name.toLowerCase() === TOKEN_NAME && req.headers[name] !== undefined) return true;
  }
  for (const name in req.query) {
    if (name.toLowerCase() === TOKEN_NAME) return true;
  }
  return false;
}

/** The error AWS's JSON services answer for a security token they did not issue. */
export function unrecognizedSecurityToken(): ServiceError {
  return new ServiceError(
    "UnrecognizedClientException",
    "The security token included in the request is invalid.",
    403,
  );
}
