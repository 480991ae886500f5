import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { noSuchUpload, S3Error } from "./s3-error.js";
import { type S3FileStore, type WriteChecks, type Written, writeChecked } from "./s3-file-store.js";

/**
 * Multipart uploads on disk, in s3rver's layout: `<bucket>/._S3rver_uploads/<upload id>/` holds `key`, `metadata`
 * (the headers given at CreateMultipartUpload, JSON), and each part as `<number>` with its MD5 in `<number>.md5`.
 * Upload ids are 32 hex digits, so they never name anything but a folder of that directory.
 */
export interface PendingUpload {
  key: string;
  uploadId: string;
  initiated: Date;
}

/** S3's limits: parts 1 to 10,000, every part but the last at least 5 MiB. */
export const MAX_PART_NUMBER = 10_000;
const MIN_PART_SIZE = 5 * 1024 * 1024;
const UPLOAD_ID = /^[A-Za-z0-9]{1,128}$/;

export class S3MultipartStore {
  constructor(private readonly files: S3FileStore) {}

  private uploadsDirectory(bucket: string): string {
    return join(this.files.bucketDirectory(bucket), "._S3rver_uploads");
  }

  private uploadDirectory(bucket: string, uploadId: string): string {
    if (!UPLOAD_ID.test(uploadId)) throw noSuchUpload(uploadId.slice(0, 128));
    return join(this.uploadsDirectory(bucket), uploadId);
  }

  async create(bucket: string, key: string, headers: Record<string, string>): Promise<string> {
    const uploadId = randomBytes(16).toString("hex");
    const directory = this.uploadDirectory(bucket, uploadId);
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, "metadata"), JSON.stringify(headers));
    // The key last: an upload is listed only once it is complete.
    await writeFile(join(directory, "key"), key);
    return uploadId;
  }

  /** The upload's key, after checking that the upload exists and is for `key`. */
  private async requireUpload(bucket: string, uploadId: string, key: string): Promise<string> {
    const directory = this.uploadDirectory(bucket, uploadId);
    let stored: string;
    try {
      stored = await readFile(join(directory, "key"), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw noSuchUpload(uploadId);
      throw error;
    }
    if (stored !== key) throw noSuchUpload(uploadId);
    return directory;
  }

  /** How many parts the upload holds (a bound on how long a CompleteMultipartUpload body may be). */
  async partCount(bucket: string, key: string, uploadId: string): Promise<number> {
    const directory = await this.requireUpload(bucket, uploadId, key);
    return (await readdir(directory)).filter((name) => /^\d+$/.test(name)).length;
  }

  async putPart(
    bucket: string,
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    checks: WriteChecks,
  ): Promise<Written> {
    const directory = await this.requireUpload(bucket, uploadId, key);
    const partPath = join(directory, String(partNumber));
    const temporary = `${partPath}.${randomUUID()}.partial`;
    try {
      const written = await writeChecked(body, temporary, checks, directory);
      await writeFile(`${temporary}.md5`, written.md5Hex);
      await rename(temporary, partPath);
      await rename(`${temporary}.md5`, `${partPath}.md5`);
      return written;
    } catch (error) {
      await Promise.all([rm(temporary, { force: true }), rm(`${temporary}.md5`, { force: true })]);
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw noSuchUpload(uploadId);
      throw error;
    }
  }

  /**
   * Assembles the listed parts into the object (streamed, written atomically like any PUT) and removes the upload.
   * The ETag is S3's: the MD5 of the parts' binary MD5s, then "-<number of parts>".
   */
  async complete(
    bucket: string,
    key: string,
    uploadId: string,
    parts: { partNumber: number; etag: string }[],
  ): Promise<{ etag: string }> {
    const directory = await this.requireUpload(bucket, uploadId, key);
    if (parts.length === 0) {
      throw new S3Error("MalformedXML", "You must specify at least one part.");
    }
    const sizes: number[] = [];
    const digests: Buffer[] = [];
    for (const [index, part] of parts.entries()) {
      if (index > 0 && part.partNumber <= parts[index - 1].partNumber) {
        throw new S3Error("InvalidPartOrder", "The list of parts was not in ascending order.", {
          UploadId: uploadId,
        });
      }
      const partPath = join(directory, String(part.partNumber));
      let md5: string;
      try {
        md5 = (await readFile(`${partPath}.md5`, "utf8")).trim();
        sizes.push((await stat(partPath)).size);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        throw invalidPart(uploadId, part.partNumber);
      }
      if (md5 !== part.etag.replace(/"/g, "").trim().toLowerCase())
        throw invalidPart(uploadId, part.partNumber);
      digests.push(Buffer.from(md5, "hex"));
    }
    const tooSmall = sizes.slice(0, -1).findIndex((size) => size < MIN_PART_SIZE);
    if (tooSmall !== -1) {
      throw new S3Error(
        "EntityTooSmall",
        "Your proposed upload is smaller than the minimum allowed object size.",
        {
          PartNumber: String(parts[tooSmall].partNumber),
          MinSizeAllowed: String(MIN_PART_SIZE),
        },
      );
    }
    const headers = JSON.parse(await readFile(join(directory, "metadata"), "utf8")) as Record<string, string>;
    const etag = `${createHash("md5").update(Buffer.concat(digests)).digest("hex")}-${parts.length}`;
    await this.files.writeObjectFiles(
      this.files.objectPath(bucket, key, "object"),
      bucket,
      key,
      headers,
      async (temporary) => {
        const written = await writeChecked(
          concatenate(parts.map((part) => join(directory, String(part.partNumber)))),
          temporary,
          { maxBytes: Number.POSITIVE_INFINITY },
          this.files.bucketDirectory(bucket),
        );
        return { written, etag };
      },
    );
    await rm(directory, { recursive: true, force: true });
    return { etag: `"${etag}"` };
  }

  async abort(bucket: string, key: string, uploadId: string): Promise<void> {
    const directory = await this.requireUpload(bucket, uploadId, key);
    await rm(directory, { recursive: true, force: true });
  }

  /** Pending uploads, by key then by start time (S3's order). */
  async list(bucket: string): Promise<PendingUpload[]> {
    let ids: string[];
    try {
      ids = await readdir(this.uploadsDirectory(bucket));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const uploads: PendingUpload[] = [];
    for (const uploadId of ids) {
      if (!UPLOAD_ID.test(uploadId)) continue;
      const directory = join(this.uploadsDirectory(bucket), uploadId);
      try {
        const key = await readFile(join(directory, "key"), "utf8");
        uploads.push({ key, uploadId, initiated: (await stat(directory)).birthtime });
      } catch (error) {
        // Completed or aborted meanwhile, or not finished starting.
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
    return uploads.sort(
      (a, b) =>
        Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)) ||
        a.initiated.getTime() - b.initiated.getTime() ||
        (a.uploadId < b.uploadId ? -1 : 1),
    );
  }
}

function invalidPart(uploadId: string, partNumber: number): S3Error {
  return new S3Error(
    "InvalidPart",
    "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    { UploadId: uploadId, PartNumber: String(partNumber) },
  );
}

/** The files one after another, as one stream, opening each only when the previous one ends. */
function concatenate(paths: string[]): Readable {
  return Readable.from(
    (async function* () {
      for (const path of paths) yield* createReadStream(path);
    })(),
    { objectMode: false },
  );
}
