import fs from "node:fs/promises";
import path from "node:path";
import type { Scope } from "../store/resource-store.js";

/**
 * Where bulk data (imported datasets as Parquet, trained models, export staging) lives. Today a folder of the data
 * dir; everything goes through this one class so that it can become an S3 bucket without touching its users.
 */
export class DataFiles {
  constructor(readonly root: string) {}

  /** A folder private to one resource, e.g. a dataset's imported versions. */
  resourceDir(scope: Scope, kind: string, ...names: string[]): string {
    return path.join(this.root, "resources", scope.accountId, scope.region, kind, ...names);
  }

  /** A scratch folder for one job run; callers remove it when done. */
  async scratchDir(label: string): Promise<string> {
    const dir = path.join(this.root, "tmp");
    await fs.mkdir(dir, { recursive: true });
    return fs.mkdtemp(path.join(dir, `${label.replace(/[^a-zA-Z0-9_-]/g, "_")}-`));
  }

  /**
   * Empties the scratch area. Called at start, when no job runs yet: whatever is there was left by a process that
   * died mid-job, and that job will run again from the start.
   */
  async clearScratch(): Promise<void> {
    await fs.rm(path.join(this.root, "tmp"), { recursive: true, force: true });
  }

  /** Removes files a killed run left beside `file` (`<file>.<anything>.tmp`). */
  async removeStaleTemps(file: string): Promise<void> {
    const dir = path.dirname(file);
    const prefix = `${path.basename(file)}.`;
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((n) => n.startsWith(prefix) && n.endsWith(".tmp"))
        .map((n) => fs.rm(path.join(dir, n), { force: true })),
    );
  }

  async removeTree(target: string): Promise<void> {
    await fs.rm(target, { recursive: true, force: true });
  }
}
