import { createReadStream, type ReadStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import type { ObjectStore } from "../storage/object-store.js";

export interface PartUploaderOptions {
  store: ObjectStore;
  bucket: string;
  kmsKeyArn?: string;
  contentType: string;
  /** Uploads running at once; the producer waits for a free one, which bounds the part files on disk. */
  maxInFlight?: number;
}

/**
 * Uploads local part files in the background while the next part is being written, and remembers every key it
 * started so that a failed export can remove all of them (`abandon`). Each file is removed once uploaded.
 */
export class PartUploader {
  /** Every key an upload was started for, in order, whether or not it has finished. */
  readonly keys: string[] = [];
  /** Bytes of the parts uploaded so far. */
  bytes = 0;
  private readonly options: PartUploaderOptions;
  private readonly maxInFlight: number;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly bodies = new Set<ReadStream>();
  private failure: { error: unknown } | undefined;

  constructor(options: PartUploaderOptions) {
    this.options = options;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1);
  }

  /**
   * Starts uploading `file` to `key` and returns once it is under way (after waiting for a free slot). Throws
   * the first failure of any upload of this uploader.
   */
  async upload(key: string, file: string): Promise<void> {
    this.throwIfFailed();
    while (this.inFlight.size >= this.maxInFlight) {
      await Promise.race(this.inFlight);
      this.throwIfFailed();
    }
    const { size } = await stat(file);
    this.keys.push(key);
    const task: Promise<void> = this.send(key, file, size)
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  /** Waits for every upload; throws the first failure. */
  async finish(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  /** Makes the uploads in flight fail now (their bodies end with `reason`); used when the export is stopped. */
  interrupt(reason: unknown): void {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    for (const body of this.bodies) body.destroy(error);
  }

  /**
   * Gives up: interrupts the uploads in flight, waits until none is running (an upload that completes after
   * the delete would leave its object behind), then deletes every key this uploader started.
   */
  async abandon(reason: unknown): Promise<void> {
    this.interrupt(reason);
    while (this.inFlight.size > 0) await Promise.allSettled(this.inFlight);
    if (this.keys.length > 0) await this.deleteAll();
  }

  /**
   * One batch request; if that fails, key by key, so that a transient error or an endpoint that mishandles
   * batches does not leave parts behind.
   */
  private async deleteAll(): Promise<void> {
    const { store, bucket } = this.options;
    try {
      await store.deleteObjects(bucket, this.keys);
    } catch {
      for (const key of this.keys) await store.deleteObjects(bucket, [key]);
    }
  }

  private async send(key: string, file: string, size: number): Promise<void> {
    const { store, bucket, kmsKeyArn, contentType } = this.options;
    // The stream is ours (not uploadFile's) so that interrupt() can end it.
    const body = createReadStream(file);
    this.bodies.add(body);
    try {
      await store.uploadStream(bucket, key, body, { kmsKeyArn, contentType });
    } finally {
      this.bodies.delete(body);
      body.destroy();
    }
    this.bytes += size;
    await rm(file, { force: true });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
