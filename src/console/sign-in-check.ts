import { createHash, timingSafeEqual } from "node:crypto";
import type { AccessKey } from "../identity/keys.js";

// Compared against when the key id is unknown, so that a wrong id costs the same time as a wrong secret.
const NO_SECRET = digest("\u0000no such key\u0000");

/**
 * The configured key whose id and secret match, else undefined. The secrets are compared as SHA-256 digests with
 * `timingSafeEqual`: equal lengths, and the time taken says nothing about how much of the secret was right.
 */
export function matchAccessKey(
  keys: readonly AccessKey[],
  accessKeyId: string,
  secretAccessKey: string,
): AccessKey | undefined {
  const key = keys.find((k) => k.accessKeyId === accessKeyId);
  const same = timingSafeEqual(digest(secretAccessKey), key ? digest(key.secretAccessKey) : NO_SECRET);
  return key && same ? key : undefined;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Region names as AWS spells them (us-west-2, eu-central-1, us-gov-west-1), loosely: letters, digits, dashes. */
export const REGION_PATTERN = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;
