import { rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import type { FilesystemStore } from "s3rver";

/**
 * Replaces how s3rver's filesystem store deletes an object. Its own version removes the object's files, then
 * walks up removing each folder it finds empty with a separate check and removal; DeleteObjects deletes its keys
 * concurrently, so two keys of one folder race there and the loser's removal of a folder already gone (or no
 * longer empty) fails the whole request with 500 InternalError. Here each folder's removal is the check itself:
 * rmdir fails harmlessly when another delete removed it first or another write put something in it.
 */
export function makeDeletesConcurrent(store: FilesystemStore): void {
  store.deleteObject = async function deleteObject(bucket: string, key: string) {
    await Promise.all(
      ["object", "object.md5", "metadata.json"].map((resource) =>
        rm(this.getResourcePath(bucket, key, resource), { force: true }),
      ),
    );
    const bucketPath = this.getBucketPath(bucket);
    // The last part of the key names the files, not a folder; empty parts (a leading or doubled "/") name none
    // either, and must not lead to removing the bucket's own folder.
    const folders = key
      .split("/")
      .slice(0, -1)
      .filter((part) => part !== "");
    for (; folders.length > 0; folders.pop()) {
      try {
        await rmdir(join(bucketPath, ...folders));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") continue;
        if (code === "ENOTEMPTY" || code === "EEXIST") return;
        throw error;
      }
    }
  };
}
