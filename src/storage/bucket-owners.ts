import { readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Which account owns each bucket of the embedded endpoint, kept in one JSON file in the endpoint's directory so
 * that ownership survives restarts. The file name holds an underscore, which bucket names cannot, so s3rver never
 * mistakes it for a bucket (it lists directories only, anyway).
 *
 * Claims are decided synchronously in memory (one process owns the directory), then written with write-to-temp and
 * rename, one write at a time, so a crash leaves either the old or the new file.
 */
export const OWNERS_FILE = "_openforecast-bucket-owners.json";

interface OwnersFile {
  version: 1;
  owners: Record<string, string>;
}

export class BucketOwners {
  private readonly owners: Map<string, string>;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly directory: string,
    owners: Map<string, string>,
  ) {
    this.owners = owners;
  }

  /**
   * Loads the owners file. Buckets on disk with no owner (data directories from before ownership existed) are given
   * to `legacyOwner`, and `onAdopt` is told which, so an operator can see it in the log.
   */
  static async open(
    directory: string,
    legacyOwner: string,
    onAdopt: (bucket: string, accountId: string) => void = () => {},
  ): Promise<BucketOwners> {
    const owners = new Map<string, string>();
    try {
      const parsed = JSON.parse(await readFile(join(directory, OWNERS_FILE), "utf8")) as OwnersFile;
      for (const [bucket, accountId] of Object.entries(parsed.owners ?? {})) {
        if (typeof accountId === "string") owners.set(bucket, accountId);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const registry = new BucketOwners(directory, owners);
    let adopted = false;
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      if (!entry.isDirectory() || owners.has(entry.name)) continue;
      owners.set(entry.name, legacyOwner);
      onAdopt(entry.name, legacyOwner);
      adopted = true;
    }
    if (adopted) await registry.save();
    return registry;
  }

  ownerOf(bucket: string): string | undefined {
    return this.owners.get(bucket);
  }

  /** Buckets owned by `accountId`. */
  bucketsOf(accountId: string): Set<string> {
    const buckets = new Set<string>();
    for (const [bucket, owner] of this.owners) if (owner === accountId) buckets.add(bucket);
    return buckets;
  }

  /**
   * Claims a bucket name for an account before it is created. Returns the owner after the call: `accountId` when
   * the claim holds (or the account owned it already), another account when the name is taken.
   */
  claim(bucket: string, accountId: string): string {
    const owner = this.owners.get(bucket);
    if (owner !== undefined) return owner;
    this.owners.set(bucket, accountId);
    return accountId;
  }

  /** Drops a bucket's owner (the bucket was deleted, or its creation failed). */
  release(bucket: string, accountId: string): void {
    if (this.owners.get(bucket) === accountId) this.owners.delete(bucket);
  }

  /** Writes the current owners to disk; resolves once this state (or a later one) is stored. */
  save(): Promise<void> {
    const next = this.writing.then(() => this.write());
    this.writing = next.catch(() => {});
    return next;
  }

  private async write(): Promise<void> {
    const file = join(this.directory, OWNERS_FILE);
    const temporary = `${file}.${process.pid}.tmp`;
    const content: OwnersFile = { version: 1, owners: Object.fromEntries([...this.owners].sort()) };
    await writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`);
    await rename(temporary, file);
  }
}
