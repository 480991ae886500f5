import { createHash, randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { noSuchBucket, S3Error } from "./s3-error.js";
import {
  INTERNAL_DIRECTORY,
  type Listing,
  type ListOptions,
  listInKeyOrder,
  OBJECT_SUFFIX,
} from "./s3-listing.js";

/**
 * The embedded endpoint's buckets and objects on disk, in the layout s3rver used (so data directories written by
 * earlier versions keep working, with no migration):
 *
 *   <root>/<bucket>/                                  a bucket
 *   <root>/<bucket>/<a>/<b>/<c>._S3rver_object        the bytes of key "a/b/c"
 *   <root>/<bucket>/<a>/<b>/<c>._S3rver_object.md5    its ETag without quotes (MD5 hex, or "<hex>-<parts>")
 *   <root>/<bucket>/<a>/<b>/<c>._S3rver_metadata.json the headers stored with it (Content-Type, x-amz-meta-*, SSE)
 *   <root>/<bucket>/._S3rver_uploads/<upload id>/     a multipart upload (s3-multipart-store.ts)
 *
 * Keys map onto paths only after the endpoint has refused `.`/`..` segments, NUL and internal names
 * (s3-request-safety.ts); `objectPath` checks again that the result stays inside the bucket's folder.
 * Writes go to a temporary file that is renamed into place once complete and checked, so a reader sees the old
 * object or the new one, and a dropped upload leaves the old one.
 */
export interface ObjectInfo {
  key: string;
  size: number;
  /** Quoted, as in the ETag header. */
  etag: string;
  lastModified: Date;
  /** Stored headers, lower-case names: content-type, cache-control, …, x-amz-meta-*, x-amz-server-side-encryption. */
  headers: Record<string, string>;
}

export interface WriteChecks {
  /** Content-MD5 header (base64): BadDigest when the bytes differ. */
  contentMd5?: string;
  /** x-amz-content-sha256 when it is a digest: XAmzContentSHA256Mismatch when the bytes differ. */
  sha256Hex?: string;
  /** EntityTooLarge past this many bytes. */
  maxBytes: number;
}

export interface Written {
  size: number;
  md5Hex: string;
}

const METADATA_SUFFIX = "._S3rver_metadata.json";

export class S3FileStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  bucketDirectory(bucket: string): string {
    return join(this.root, bucket);
  }

  /** The file of a key's `resource` ("object", "object.md5", "metadata.json"), inside the bucket's folder. */
  objectPath(bucket: string, key: string, resource: "object" | "object.md5" | "metadata.json"): string {
    const bucketDirectory = this.bucketDirectory(bucket);
    const parts = key.split("/");
    const last = parts.pop() ?? "";
    const path = resolve(bucketDirectory, ...parts, `${last}._S3rver_${resource}`);
    if (!path.startsWith(bucketDirectory + sep)) {
      throw new S3Error("InvalidArgument", "The key would lead outside its bucket.", { Key: key });
    }
    return path;
  }

  async bucketCreated(bucket: string): Promise<Date | undefined> {
    try {
      const info = await stat(this.bucketDirectory(bucket));
      return info.isDirectory() ? info.birthtime : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async createBucket(bucket: string): Promise<void> {
    await mkdir(this.bucketDirectory(bucket), { recursive: true, mode: 0o755 });
  }

  async isEmpty(bucket: string): Promise<boolean> {
    return (await this.list(bucket, { maxKeys: 1 })).keys.length === 0;
  }

  /** Removes a bucket's folder with everything in it (pending uploads included). */
  async deleteBucket(bucket: string): Promise<void> {
    await rm(this.bucketDirectory(bucket), { recursive: true, force: true });
  }

  list(bucket: string, options: ListOptions): Promise<Listing> {
    return listInKeyOrder(this.bucketDirectory(bucket), options);
  }

  /** A key's size, ETag, date and stored headers; undefined when there is no such key. */
  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const objectPath = this.objectPath(bucket, key, "object");
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(objectPath);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    if (!info.isFile()) return undefined;
    return this.describe(bucket, key, info.size, info.mtime);
  }

  /**
   * Opens a key for reading bytes `start` to `end` (inclusive; the whole object without a range). The file is
   * opened before anything is answered, so a concurrent replacement or delete cannot cut the body short.
   */
  async read(
    bucket: string,
    key: string,
    range?: (size: number) => { start: number; end: number } | undefined,
  ): Promise<{ info: ObjectInfo; body: Readable; start: number; end: number } | undefined> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.objectPath(bucket, key, "object"), "r");
    } catch (error) {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === "EISDIR") return undefined;
      throw error;
    }
    try {
      const fileInfo = await handle.stat();
      const info = await this.describe(bucket, key, fileInfo.size, fileInfo.mtime);
      const wanted = range?.(info.size) ?? { start: 0, end: info.size - 1 };
      const body =
        info.size === 0
          ? emptyStream(handle)
          : handle.createReadStream({ start: wanted.start, end: wanted.end, autoClose: true });
      return { info, body, start: wanted.start, end: wanted.end };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Stores a key from a stream: atomically, after the checks pass. */
  async write(
    bucket: string,
    key: string,
    body: Readable,
    headers: Record<string, string>,
    checks: WriteChecks,
  ): Promise<Written> {
    const objectPath = this.objectPath(bucket, key, "object");
    return this.writeObjectFiles(objectPath, bucket, key, headers, async (temporary) => {
      const written = await writeChecked(body, temporary, checks, this.bucketDirectory(bucket));
      return { written, etag: written.md5Hex };
    });
  }

  /**
   * Writes an object's three files: the bytes (by `produce`, into a temporary file), then its ETag and headers,
   * each renamed into place, the bytes first. A crash between the renames leaves the new bytes with the old
   * ETag/headers at worst, never a partial object.
   */
  async writeObjectFiles(
    objectPath: string,
    bucket: string,
    key: string,
    headers: Record<string, string>,
    produce: (temporary: string) => Promise<{ written: Written; etag: string }>,
  ): Promise<Written> {
    const id = randomUUID();
    const temporary = `${objectPath}.${id}.partial`;
    const md5Path = this.objectPath(bucket, key, "object.md5");
    const metadataPath = this.objectPath(bucket, key, "metadata.json");
    try {
      const { written, etag } = await produce(temporary).catch(keyTooLong(key));
      await writeFile(`${md5Path}.${id}.partial`, etag);
      await writeFile(`${metadataPath}.${id}.partial`, JSON.stringify(headers, null, 2));
      await rename(temporary, objectPath);
      await rename(`${md5Path}.${id}.partial`, md5Path);
      await rename(`${metadataPath}.${id}.partial`, metadataPath);
      return written;
    } catch (error) {
      await Promise.all(
        // Clean-up only: a path that could not be made (too long) cannot be removed either.
        [temporary, `${md5Path}.${id}.partial`, `${metadataPath}.${id}.partial`].map((file) =>
          rm(file, { force: true }).catch(() => {}),
        ),
      );
      // The bucket's folder went away meanwhile (DeleteBucket won the race).
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw noSuchBucket(bucket);
      throw error;
    }
  }

  /** Copies a key (bytes and ETag; headers replaced when `headers` is given). Undefined when the source is gone. */
  async copy(
    from: { bucket: string; key: string },
    to: { bucket: string; key: string },
    headers: Record<string, string> | undefined,
  ): Promise<ObjectInfo | undefined> {
    const source = await this.read(from.bucket, from.key);
    if (source === undefined) return undefined;
    const etag = source.info.etag.replace(/"/g, "");
    try {
      await this.writeObjectFiles(
        this.objectPath(to.bucket, to.key, "object"),
        to.bucket,
        to.key,
        headers ?? source.info.headers,
        async (temporary) => {
          const written = await writeChecked(
            source.body,
            temporary,
            { maxBytes: Number.POSITIVE_INFINITY },
            this.bucketDirectory(to.bucket),
          );
          return { written, etag };
        },
      );
    } finally {
      source.body.destroy();
    }
    return this.head(to.bucket, to.key);
  }

  /**
   * Deletes a key and then the folders it leaves empty. Each folder's removal is its own check (rmdir fails when
   * another delete removed it first or another write refilled it), so concurrent deletes of keys in one folder
   * (DeleteObjects) cannot fail each other.
   */
  async delete(bucket: string, key: string): Promise<void> {
    await Promise.all(
      (["object", "object.md5", "metadata.json"] as const).map((resource) =>
        rm(this.objectPath(bucket, key, resource), { force: true }),
      ),
    );
    const bucketDirectory = this.bucketDirectory(bucket);
    // The last part of the key names the files, not a folder; empty parts name none either.
    const folders = key
      .split("/")
      .slice(0, -1)
      .filter((part) => part !== "");
    for (; folders.length > 0; folders.pop()) {
      try {
        await rmdir(join(bucketDirectory, ...folders));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") continue;
        if (code === "ENOTEMPTY" || code === "EEXIST" || code === "ENOTDIR") return;
        throw error;
      }
    }
  }

  private async describe(bucket: string, key: string, size: number, mtime: Date): Promise<ObjectInfo> {
    const objectPath = this.objectPath(bucket, key, "object");
    const [headers, md5] = await Promise.all([
      readFile(this.objectPath(bucket, key, "metadata.json"), "utf8")
        .then((text) => storedHeaders(JSON.parse(text)))
        .catch((error) => {
          if (isMissing(error) || error instanceof SyntaxError) return {};
          throw error;
        }),
      readFile(`${objectPath}.md5`, "utf8").catch(async (error) => {
        if (!isMissing(error)) throw error;
        // Objects written by hand into the folder have no ETag file yet: compute it once, as s3rver did.
        const hash = createHash("md5");
        const handle = await open(objectPath, "r");
        try {
          for await (const chunk of handle.createReadStream({ autoClose: false }))
            hash.update(chunk as Buffer);
        } finally {
          await handle.close();
        }
        const digest = hash.digest("hex");
        await writeFile(`${objectPath}.md5`, digest);
        return digest;
      }),
    ]);
    return { key, size, etag: `"${md5.trim()}"`, lastModified: mtime, headers };
  }
}

/** Streams `body` into `path`, measuring and hashing it; refuses it (and removes the file) when a check fails. */
export async function writeChecked(
  body: Readable,
  path: string,
  checks: WriteChecks,
  /** The folder that must exist already (the bucket's, the upload's); those between it and `path` are made. */
  root: string,
): Promise<Written> {
  const md5 = createHash("md5");
  const sha256 = checks.sha256Hex === undefined ? undefined : createHash("sha256");
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > checks.maxBytes) {
        callback(
          new S3Error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.", {
            MaxSizeAllowed: String(checks.maxBytes),
          }),
        );
        return;
      }
      md5.update(chunk);
      sha256?.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    const file = await createFile(path, root);
    await pipeline(body, measure, file.createWriteStream());
    const digest = md5.digest();
    if (checks.contentMd5 !== undefined && digest.toString("base64") !== checks.contentMd5) {
      throw new S3Error("BadDigest", "The Content-MD5 you specified did not match what we received.");
    }
    if (sha256 !== undefined && sha256.digest("hex") !== checks.sha256Hex?.toLowerCase()) {
      throw new S3Error(
        "XAmzContentSHA256Mismatch",
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
    return { size, md5Hex: digest.toString("hex") };
  } catch (error) {
    await rm(path, { force: true }).catch(() => {});
    throw error;
  }
}

/**
 * Creates a new file, and the folders between `root` (which must exist: a bucket's folder, an upload's) and it.
 * A concurrent delete of a folder's last key removes the folder (and its emptied parents) while it is empty, which
 * it is between its creation and the file's: then the folders are made again. Once the file exists its folder is
 * not empty, so the delete's rmdir leaves it alone. `root` itself is never made again: a bucket or upload removed
 * meanwhile stays removed (ENOENT).
 */
async function createFile(path: string, root: string): Promise<Awaited<ReturnType<typeof open>>> {
  const folders = relative(root, dirname(path))
    .split(sep)
    .filter((part) => part !== "");
  for (let attempt = 1; ; attempt += 1) {
    try {
      let folder = root;
      for (const part of folders) {
        folder = join(folder, part);
        await mkdir(folder).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== "EEXIST") throw error;
        });
      }
      return await open(path, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || attempt >= 5) throw error;
    }
  }
}

function storedHeaders(parsed: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (parsed === null || typeof parsed !== "object") return headers;
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === "string") headers[name.toLowerCase()] = value;
  }
  return headers;
}

function emptyStream(handle: Awaited<ReturnType<typeof open>>): Readable {
  const stream = handle.createReadStream({ start: 0, autoClose: true });
  return stream;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "ENAMETOOLONG";
}

/** A key part longer than the file system allows is S3's KeyTooLongError, not a server error. */
function keyTooLong(key: string) {
  return (error: unknown): never => {
    if ((error as NodeJS.ErrnoException).code === "ENAMETOOLONG") {
      throw new S3Error(
        "KeyTooLongError",
        "Your key is too long (a part between slashes is too long to store).",
        {
          Key: key.slice(0, 64),
        },
      );
    }
    throw error;
  };
}

export { INTERNAL_DIRECTORY, METADATA_SUFFIX, OBJECT_SUFFIX };
