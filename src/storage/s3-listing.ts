import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * Lists the keys of a bucket directory (s3rver's layout: `<key>._S3rver_object` files in folders named after the
 * key's `/`-separated parts) in S3's order, UTF-8 bytes: "sales-x/a" and "sales.csv" sort before "sales/a", though
 * a plain walk meets the folder "sales" first. Each folder is sorted by the key text its entries stand for (a
 * folder "sales" for "sales/", a file "sales.csv._S3rver_object" for "sales.csv"); subtrees wholly before
 * `startAfter` or outside `prefix` are skipped, and common prefixes count toward `maxKeys` as on S3.
 */
export interface ListOptions {
  prefix?: string;
  delimiter?: string;
  startAfter?: string;
  maxKeys: number;
}

export interface Listing {
  keys: string[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** Where the next page starts: the last key, or past every key under the last common prefix. */
  resumeAfter: string | undefined;
}

export const OBJECT_SUFFIX = "._S3rver_object";
// s3rver's own resources (pending multipart uploads) live in directories of this form, beside the keys.
export const INTERNAL_DIRECTORY = "._S3rver_";
// The greatest code point: appended to a common prefix it sorts after every key under that prefix.
const AFTER_ALL = String.fromCodePoint(0x10ffff);

/** One page of keys and common prefixes of the bucket folder `bucketDirectory`. */
export async function listInKeyOrder(bucketDirectory: string, options: ListOptions): Promise<Listing> {
  const prefix = options.prefix ?? "";
  const startAfter = options.startAfter ?? "";
  const delimiter = options.delimiter ?? "";
  const keys: string[] = [];
  const commonPrefixes: string[] = [];
  let isTruncated = false;
  let resumeAfter: string | undefined;

  for await (const key of keysInOrder(bucketDirectory, "", prefix, startAfter)) {
    if (!key.startsWith(prefix) || compareKeys(key, startAfter) <= 0) continue;
    const cut = delimiter === "" ? -1 : key.indexOf(delimiter, prefix.length);
    const commonPrefix = cut === -1 ? undefined : key.slice(0, cut + delimiter.length);
    // Keys come in order, so the keys of one common prefix are contiguous.
    if (commonPrefix !== undefined && commonPrefix === commonPrefixes[commonPrefixes.length - 1]) continue;
    if (keys.length + commonPrefixes.length >= options.maxKeys) {
      isTruncated = true;
      break;
    }
    if (commonPrefix === undefined) {
      keys.push(key);
      resumeAfter = key;
    } else {
      commonPrefixes.push(commonPrefix);
      resumeAfter = commonPrefix + AFTER_ALL;
    }
  }

  return { keys, commonPrefixes, isTruncated, resumeAfter };
}

async function* keysInOrder(
  directory: string,
  keyPrefix: string,
  prefix: string,
  startAfter: string,
): AsyncGenerator<string> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const items: { text: string; bytes: Buffer; path?: string }[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) {
      if (!entry.name.startsWith(INTERNAL_DIRECTORY)) {
        const text = `${keyPrefix}${entry.name}/`;
        items.push({ text, bytes: Buffer.from(text), path: join(directory, entry.name) });
      }
    } else if (entry.isFile() && entry.name.endsWith(OBJECT_SUFFIX)) {
      const text = keyPrefix + entry.name.slice(0, -OBJECT_SUFFIX.length);
      items.push({ text, bytes: Buffer.from(text) });
    }
  }
  items.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  for (const item of items) {
    if (item.path === undefined) {
      yield item.text;
      continue;
    }
    const under = item.text;
    if (!under.startsWith(prefix) && !prefix.startsWith(under)) continue;
    if (compareKeys(under, startAfter) < 0 && !startAfter.startsWith(under)) continue;
    yield* keysInOrder(item.path, under, prefix, startAfter);
  }
}

/** S3's key order: UTF-8 bytes (JavaScript's own string order differs above U+FFFF). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
