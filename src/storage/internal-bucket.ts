import { randomBytes } from "node:crypto";
import type { EmbeddedS3Key } from "./embedded-s3.js";

/**
 * The account that owns the service's internal bucket on the embedded endpoint. Not a 12-digit account id, so no
 * user key can ever belong to it: a user's SigV4 request for the bucket is refused (AccessDenied, as for another
 * account's bucket), the bucket never shows in a user's ListBuckets, and its name cannot be created by a user.
 */
export const INTERNAL_ACCOUNT_ID = "openforecast-internal";

/**
 * A fresh key pair for the service's own S3 calls to its embedded endpoint, made at each start and known only to
 * this process (never written anywhere).
 */
export function internalKey(): EmbeddedS3Key & { accountId: string } {
  return {
    accessKeyId: `OFINTERNAL${randomBytes(8).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64url"),
    accountId: INTERNAL_ACCOUNT_ID,
  };
}
