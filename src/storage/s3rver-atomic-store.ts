import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FilesystemStore, StoredObject } from "s3rver";

/**
 * Replaces how s3rver's filesystem store writes object and part files. Its own writes go straight into the final
 * file and resolve before the file is flushed, and they leave the write stream's errors unhandled. That means a
 * client that drops mid-upload leaves a truncated object in place, a read just after a write can see a short
 * file, and a full disk raises an uncaught error that ends the whole service. Here every write goes to a
 * temporary file beside the final one (invisible to listings, which look only at s3rver's own file suffix), is
 * renamed into place once complete, and fails the one request that caused it.
 */
export function makeWritesAtomic(store: FilesystemStore): void {
  store.putObject = async function putObject(object: StoredObject) {
    const objectPath = this.getResourcePath(object.bucket, object.key, "object");
    const written = await writeFileAtomically(object.content, objectPath);
    await this.putMetadata(object.bucket, object.key, object.metadata, written.md5);
    return written;
  };

  store.putPart = async function putPart(bucket: string, uploadId: string, partNumber: number, content) {
    const partPath = join(this.getResourcePath(bucket, undefined, "uploads"), uploadId, String(partNumber));
    const written = await writeFileAtomically(content, partPath);
    await writeFile(`${partPath}.md5`, written.md5);
    return written;
  };
}

async function writeFileAtomically(
  content: Buffer | Readable,
  finalPath: string,
): Promise<{ size: number; md5: string }> {
  await mkdir(dirname(finalPath), { recursive: true });
  const temporaryPath = `${finalPath}.${randomUUID()}.partial`;
  const md5 = createHash("md5");
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
  try {
    await pipeline(source, measure, createWriteStream(temporaryPath));
    await rename(temporaryPath, finalPath);
  } catch (error) {
    await rm(temporaryPath, { force: true });
    throw error;
  }
  return { size, md5: md5.digest("hex") };
}
