import { randomUUID } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ObjectStore } from "../storage/object-store.js";

/**
 * Task inputs and results in object storage, under `tasks/<task id>/`. The queue message carries only the task's
 * id, so a chunk of 10,000 series never passes through PostgreSQL, and the worker that runs a task needs nothing
 * but the S3 endpoint to get its input. Objects pass through files in the scratch directory (the object store
 * streams files), which is the only local disk a worker uses.
 */
export class TaskPayloads {
  constructor(
    private readonly objects: ObjectStore,
    private readonly bucket: string,
    private readonly scratchDir: string,
  ) {}

  inputKey(taskId: string): string {
    return `tasks/${taskId}/input`;
  }

  resultKey(taskId: string): string {
    return `tasks/${taskId}/result`;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const file = await this.scratchFile();
    try {
      await writeFile(file, bytes);
      await this.objects.uploadFile(this.bucket, key, file);
    } finally {
      await rm(file, { force: true });
    }
  }

  async get(key: string): Promise<Buffer> {
    const file = await this.scratchFile();
    try {
      await this.objects.downloadToFile(this.bucket, key, file);
      return await readFile(file);
    } finally {
      await rm(file, { force: true });
    }
  }

  /** True when the object is there (a result an earlier attempt of the task already wrote). */
  async exists(key: string): Promise<boolean> {
    try {
      await this.objects.headObject(this.bucket, key);
      return true;
    } catch (error) {
      if ((error as { kind?: string }).kind === "NoSuchKey") return false;
      throw error;
    }
  }

  async deleteTask(taskId: string): Promise<void> {
    await this.objects.deleteObjects(this.bucket, [this.inputKey(taskId), this.resultKey(taskId)]);
  }

  private async scratchFile(): Promise<string> {
    await mkdir(this.scratchDir, { recursive: true });
    return path.join(this.scratchDir, `task-${randomUUID()}`);
  }
}
