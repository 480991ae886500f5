// What the storage benches share: the internal bucket's BlobStore on an embedded S3 endpoint started in this
// process (as `npm start` runs it, the service's own key pair), in a temporary folder; the load average to print
// beside a timing; and the wall time of one awaited call.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { BlobStore } from "../../src/storage/blob-store.js";
import { startEmbeddedS3 } from "../../src/storage/embedded-s3.js";
import { internalKey } from "../../src/storage/internal-bucket.js";
import { ObjectStore } from "../../src/storage/object-store.js";

export interface EmbeddedBlobs {
  /** The temporary folder: the endpoint's files under s3/, the blob store's scratch under tmp/; free for more. */
  dir: string;
  /** Through the S3 API: the client, and the endpoint's HTTP handling, in this process. */
  blobs: BlobStore;
  /** The same bucket, with bytes put and got on the endpoint's own files (as `serve` does for its spill). */
  direct: BlobStore;
  /** Stops the endpoint and removes the folder. */
  close(): Promise<void>;
}

/** A started BlobStore on the bucket `openforecast-internal` of a fresh embedded endpoint; `label` names the folder. */
export async function openEmbeddedBlobs(label: string): Promise<EmbeddedBlobs> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `${label}-`));
  const own = internalKey();
  const s3 = await startEmbeddedS3({
    host: "127.0.0.1",
    port: 0,
    directory: path.join(dir, "s3"),
    keys: [own],
  });
  const objects = new ObjectStore({
    endpoint: s3.endpoint,
    region: "us-east-1",
    credentials: own,
    forcePathStyle: true,
  });
  const blobs = new BlobStore({
    objects,
    bucket: "openforecast-internal",
    scratchRoot: path.join(dir, "tmp"),
  });
  const direct = new BlobStore({
    objects,
    bucket: "openforecast-internal",
    scratchRoot: path.join(dir, "tmp-direct"),
    local: s3.files,
  });
  const close = async () => {
    objects.close();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await blobs.start();
    await direct.start();
  } catch (error) {
    await close();
    throw error;
  }
  return { dir, blobs, direct, close };
}

/** The 1, 5 and 15 minute load averages, "a / b / c", to print beside every timing. */
export const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");

/** The wall time of `run`, in milliseconds. */
export async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}
