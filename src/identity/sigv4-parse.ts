/**
 * Parsing of the SigV4 Authorization header and of X-Amz-Date. Anything malformed is an
 * IncompleteSignatureException (403) naming what is missing or wrong, so a client author can fix the signer.
 */
import { ServiceError } from "../errors.js";

export interface ParsedAuthorization {
  accessKeyId: string;
  /** YYYYMMDD of the credential scope. */
  date: string;
  region: string;
  service: string;
  /** Lower-cased, in the order the client listed them. */
  signedHeaders: string[];
  signature: string;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const TERMINATOR = "aws4_request";
const REQUIRED = ["Credential", "SignedHeaders", "Signature"] as const;

export function parseAuthorization(header: string): ParsedAuthorization {
  const text = header.trim();
  const space = text.search(/\s/);
  const algorithm = space < 0 ? text : text.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw incomplete(`Unsupported authorization algorithm '${algorithm}': only ${ALGORITHM} is accepted.`);
  }
  const params = new Map<string, string>();
  for (const part of text.slice(space < 0 ? text.length : space).split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!params.has(name)) params.set(name, part.slice(eq + 1).trim());
  }
  const missing = REQUIRED.filter((name) => !params.get(name));
  if (missing.length > 0) {
    throw incomplete(missing.map((name) => `Authorization header requires '${name}' parameter.`).join(" "));
  }

  const credential = params.get("Credential") as string;
  const scope = credential.split("/");
  if (
    scope.length !== 5 ||
    scope.some((s) => s === "") ||
    scope[4] !== TERMINATOR ||
    !/^\d{8}$/.test(scope[1])
  ) {
    throw incomplete(
      `Credential must have the form '<access key id>/<YYYYMMDD>/<region>/<service>/${TERMINATOR}', ` +
        `got '${credential}'.`,
    );
  }
  const signedHeaders = (params.get("SignedHeaders") as string).toLowerCase().split(";");
  if (signedHeaders.some((h) => h.trim() === "" || h.trim() !== h)) {
    throw incomplete("SignedHeaders must be a ';'-separated list of header names without empty entries.");
  }
  const [accessKeyId, date, region, service] = scope;
  return { accessKeyId, date, region, service, signedHeaders, signature: params.get("Signature") as string };
}

/** X-Amz-Date in ISO-8601 basic format (20240131T235959Z); undefined when it is not a real instant in that form. */
export function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls 20240231 over into March; a round trip catches such non-dates.
  const roundTrip = date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  return roundTrip === text ? date : undefined;
}

function incomplete(message: string): ServiceError {
  return new ServiceError("IncompleteSignatureException", message, 403);
}
