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

  async removeTree(target: string): Promise<void> {
    await fs.rm(target, { recursive: true, force: true });
  }
}
