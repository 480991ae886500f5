import { createHash, randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { ObjectStore, ObjectSummary } from "./object-store.js";
import type { S3FileStore } from "./s3-file-store.js";
import { StorageError } from "./storage-error.js";

/**
 * The service's bulk data (imported datasets, fitted models, backtests, forecasts, impact files) as objects of one
 * internal bucket, addressed by key through the S3 API: the embedded endpoint by default, any S3-compatible store
 * in scale-out mode. Resource attributes hold keys (`resources/<account>/<region>/<kind>/<name>/<file>`), never
 * local paths. Code that needs a local file (DuckDB reads files; its httpfs extension cannot be had here) fetches
 * the object into a job's scratch folder through `Scratch.fetch`; results are written to scratch and `put`.
 *
 * Local disk is scratch and cache only: `<scratchRoot>/jobs/<label>-*` per job (removed by `Scratch.dispose`), and
 * `<scratchRoot>/cache/`, a bounded cache of fetched objects checked against the object's ETag on every fetch, so a
 * job (or QueryForecast) reading the same object again does not download it again, and a key rewritten by another
 * process is never served stale.
 *
 * Immutable keys. The ETag check costs a HeadObject per fetch, a round trip to the S3 endpoint on QueryForecast's
 * hot path. A caller may skip it by naming the version it wants (`fetch(key, { version })`): the cached copy that
 * was checked once for that version is then used without asking the endpoint again. That is safe only for a key
 * whose bytes never change while the version names it, and the rule is the caller's to keep:
 * - the version must change whenever the key may hold other bytes. A resource's own file (a forecast's
 *   forecast.parquet) qualifies with the resource's creation time as the version: its job writes the key before
 *   the resource turns ACTIVE and nothing rewrites it while the resource lives; deleting the resource deletes the
 *   key, and a resource re-created under the same name (same key) has another creation time, so a copy of the
 *   old one is never served for it, in this process or any other;
 * - a key that is rewritten in place (a dataset's current data, a model a later job replaces) must be fetched
 *   without a version, and pays the HeadObject.
 * A `put` through this store still drops its own cached copy of the key, version or not.
 *
 * Bytes on the embedded endpoint. A training's spilled chunks (a few MB per 250 series) are put and got as bytes
 * (`putBytes`, `getBytes`). Through the S3 API to an endpoint served by this same process, each one costs SigV4
 * signing and verification, the client's and the endpoint's HTTP handling and the hashing on the event loop that
 * also answers the API: 36–47 ms of the loop's time per 250-series chunk written and read back (bench/RESULTS.md,
 * "Clean-up after issues 9, 11, 13"), against 7–14 ms on the files. When this process
 * serves the endpoint (`local`), those calls write and read the endpoint's own files instead (s3-file-store.ts,
 * the same layout, atomic rename, ETag file), so the file I/O runs on libuv's threads and the loop only hashes
 * the bytes (MD5, for the ETag the endpoint serves). Everyone else still sees the objects through the endpoint,
 * and with an external S3 (scale-out) nothing changes.
 *
 * Job scratch in object storage. What a job's worker tasks leave for the job itself (a training's spilled
 * backtest chunks) cannot go to local disk when the tasks run on other hosts: it goes under the job's scratch
 * prefix (`jobScratchPrefix`), one key per task, written once and deleted by the job when it ends, and with the
 * resource's own objects when a failed or stopped job is cleaned up.
 *
 * Data directories from before keys hold absolute paths in their attributes: a reference that is an absolute path
 * is read in place (see `isLegacyPath`); nothing new is ever written that way (docs/decisions.md, "Bulk data as
 * object keys").
 */
export interface BlobStoreOptions {
  objects: ObjectStore;
  bucket: string;
  /** Local scratch and cache (emptied by `start`). */
  scratchRoot: string;
  /** Bytes of fetched objects kept for reuse once no job holds them (default 1 GiB). */
  cacheBytes?: number;
  /**
   * The embedded endpoint's files, when this process serves the endpoint the bucket is on: `putBytes` and
   * `getBytes` then go to them directly (see "Bytes on the embedded endpoint" above).
   */
  local?: S3FileStore;
  /**
   * The data dir, where data directories from before keys kept each resource's files in the folder named like its
   * key prefix (`<dataDir>/resources/...`): `deleteResource` removes that folder too.
   */
  legacyRoot?: string;
}

/** What reading a small object needs (models' JSON); tests of model code may read local files instead. */
export interface BlobReader {
  readText(ref: string): Promise<string>;
}

/** A fetched object: its local path stays valid until `release`. */
export interface BlobLease {
  path: string;
  release(): void;
}

interface CacheEntry {
  key: string;
  etag: string;
  /** The caller's version this copy was checked for (an immutable key: see "Immutable keys" above). */
  version?: string;
  file: string;
  size: number;
  pins: number;
  lastUsed: number;
  /** Replaced by a newer version of the key: removed once no lease holds it. */
  stale: boolean;
}

const DEFAULT_CACHE_BYTES = 1024 ** 3;

/**
 * Unlinks a cache copy at once (an unlink is cheap), so the cache's byte count and the disk agree when the call
 * returns; a reader that still has the file open keeps reading it.
 */
function removeNow(file: string): void {
  rmSync(file, { force: true });
}

/** True for references written before bulk data became keys: absolute local paths. */
export function isLegacyPath(ref: string): boolean {
  return path.isAbsolute(ref);
}

/** The key prefix (ending in "/") of one resource's objects. */
export function resourcePrefix(
  scope: { accountId: string; region: string },
  kind: string,
  ...names: string[]
): string {
  return `${["resources", scope.accountId, scope.region, kind, ...names].join("/")}/`;
}

/** Where a resource's jobs keep scratch objects: every run's `jobScratchPrefix` is under it. */
export function jobScratchRoot(
  scope: { accountId: string; region: string },
  kind: string,
  name: string,
): string {
  return `${resourcePrefix(scope, kind, name)}scratch/`;
}

/**
 * The key prefix of one run of a resource's job for the objects its tasks leave it (each under a key of its own,
 * e.g. one per training chunk). Under the resource's prefix, so that the cleanup of a failed or stopped job and the
 * deletion of the resource remove whatever any run left, a run whose process died included; one folder per run,
 * so that a run abandoned after its lease was lost, which still cleans up after itself, never deletes the objects
 * of the run that took the job over.
 */
export function jobScratchPrefix(
  scope: { accountId: string; region: string },
  kind: string,
  name: string,
  run: string,
): string {
  return `${jobScratchRoot(scope, kind, name)}${run}/`;
}

export class BlobStore implements BlobReader {
  readonly bucket: string;
  private readonly objects: ObjectStore;
  private readonly scratchRoot: string;
  private readonly legacyRoot: string | undefined;
  private readonly local: S3FileStore | undefined;
  private readonly cacheDir: string;
  private readonly cacheBytes: number;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly pending = new Map<string, Promise<CacheEntry>>();
  private cachedBytes = 0;
  private clock = 0;

  constructor(options: BlobStoreOptions) {
    this.objects = options.objects;
    this.bucket = options.bucket;
    this.scratchRoot = options.scratchRoot;
    this.legacyRoot = options.legacyRoot;
    this.local = options.local;
    this.cacheDir = path.join(options.scratchRoot, "cache");
    this.cacheBytes = options.cacheBytes ?? DEFAULT_CACHE_BYTES;
  }

  /**
   * Creates the bucket when missing and empties the scratch area: whatever is there was left by a process that
   * died mid-job, and that job will run again from the start.
   */
  async start(): Promise<void> {
    await rm(this.scratchRoot, { recursive: true, force: true });
    await mkdir(this.cacheDir, { recursive: true });
    if (!(await this.objects.bucketExists(this.bucket))) await this.objects.createBucket(this.bucket);
  }

  /** Uploads a local file under `key` (replacing any object there). */
  async put(key: string, file: string): Promise<void> {
    this.forget(key);
    await this.objects.uploadFile(this.bucket, key, file);
  }

  async putText(key: string, text: string): Promise<void> {
    this.forget(key);
    await this.objects.uploadStream(this.bucket, key, Readable.from([Buffer.from(text, "utf8")]));
  }

  /** Uploads bytes under `key` (replacing any object there); on this process's embedded endpoint, to its files. */
  async putBytes(key: string, bytes: Uint8Array): Promise<void> {
    this.forget(key);
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.local) {
      await this.local.write(
        this.bucket,
        key,
        Readable.from([body]),
        { "content-type": "binary/octet-stream" },
        { maxBytes: Number.POSITIVE_INFINITY },
      );
      return;
    }
    await this.objects.uploadStream(this.bucket, key, Readable.from([body]));
  }

  /**
   * An object's bytes, downloaded without the cache: for objects read once and then deleted (a training's spilled
   * chunks), which would only push reusable copies out of it.
   */
  async getBytes(key: string): Promise<Buffer> {
    if (this.local) {
      const found = await this.local.read(this.bucket, key);
      if (!found) {
        throw new StorageError("NoSuchKey", `The object ${key} does not exist in bucket ${this.bucket}.`, {
          bucket: this.bucket,
          key,
          endpoint: "the embedded S3 endpoint",
        });
      }
      return Buffer.concat((await found.body.toArray()) as Buffer[]);
    }
    const dir = path.join(this.scratchRoot, "reads");
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, randomUUID());
    try {
      await this.objects.downloadToFile(this.bucket, key, file);
      return await readFile(file);
    } finally {
      await rm(file, { force: true });
    }
  }

  /**
   * A small object (a model's JSON, a forecast's series list) as text; a legacy path is read in place. `version` as
   * for `fetch` (an immutable key).
   */
  async readText(ref: string, options: { version?: string } = {}): Promise<string> {
    const lease = await this.fetch(ref, options);
    try {
      return await readFile(lease.path, "utf8");
    } finally {
      lease.release();
    }
  }

  /**
   * A local copy of the object `ref` names, from the cache when its ETag still matches. A legacy reference (an
   * absolute path) is its own local copy. With `version` (an immutable key, see "Immutable keys" above), a copy
   * already checked for that version is used as it is, with no request to the endpoint; otherwise the copy is
   * checked (HeadObject) once and remembered as that version.
   */
  async fetch(ref: string, options: { version?: string } = {}): Promise<BlobLease> {
    if (isLegacyPath(ref)) return { path: ref, release: () => {} };
    const { version } = options;
    let entry = this.cache.get(ref);
    if (version === undefined || entry?.version !== version) {
      const head = await this.objects.headObject(this.bucket, ref);
      const etag = head.etag ?? `${head.size}-${head.lastModified?.getTime() ?? 0}`;
      if (!entry || entry.etag !== etag) {
        const inFlight = `${ref}\n${etag}`;
        let download = this.pending.get(inFlight);
        if (!download) {
          download = this.download(ref, etag).finally(() => this.pending.delete(inFlight));
          this.pending.set(inFlight, download);
        }
        entry = await download;
      }
      // Checked against the object just now: this version's reads need no further check while the copy is kept.
      if (version !== undefined && !entry.stale) entry.version = version;
    }
    const held = entry;
    held.pins++;
    held.lastUsed = ++this.clock;
    let released = false;
    return {
      path: held.file,
      release: () => {
        if (released) return;
        released = true;
        held.pins--;
        if (held.stale && held.pins === 0) removeNow(held.file);
        else this.evict();
      },
    };
  }

  /** A scratch folder for one job; `dispose` removes it and releases what it fetched. */
  async scratch(label: string): Promise<Scratch> {
    const parent = path.join(this.scratchRoot, "jobs");
    await mkdir(parent, { recursive: true });
    const dir = await mkdtemp(path.join(parent, `${label.replace(/[^a-zA-Z0-9_-]/g, "_")}-`));
    return new Scratch(dir, this);
  }

  /** Deletes one object; a legacy reference deletes the local file. */
  async delete(ref: string): Promise<void> {
    if (isLegacyPath(ref)) {
      await rm(ref, { force: true });
      return;
    }
    this.forget(ref);
    await this.objects.deleteObjects(this.bucket, [ref]);
  }

  /** Deletes every object under `prefix` (which must end in "/": a whole resource, never a partial name). */
  async deletePrefix(prefix: string): Promise<void> {
    if (!prefix.endsWith("/") || prefix === "/") throw new RangeError(`"${prefix}" is not a folder prefix`);
    const keys = (await this.list(prefix)).map((o) => o.key);
    for (const key of keys) this.forget(key);
    // One key a request: the embedded endpoint fails batch deletes of several keys in one folder.
    for (const key of keys) await this.objects.deleteObjects(this.bucket, [key]);
  }

  /** Deletes a resource's objects (`resourcePrefix`), and its folder of a data dir from before keys. */
  async deleteResource(
    scope: { accountId: string; region: string },
    kind: string,
    name: string,
  ): Promise<void> {
    const prefix = resourcePrefix(scope, kind, name);
    await this.deletePrefix(prefix);
    if (this.legacyRoot !== undefined)
      await rm(path.join(this.legacyRoot, ...prefix.split("/")), { recursive: true, force: true });
  }

  async list(prefix: string): Promise<ObjectSummary[]> {
    return this.objects.listObjects(this.bucket, prefix);
  }

  /** Bytes held by the cache now (for tests and logs). */
  get cacheSize(): number {
    return this.cachedBytes;
  }

  private async download(key: string, etag: string): Promise<CacheEntry> {
    const name = createHash("sha256").update(key).digest("hex").slice(0, 32);
    const file = path.join(this.cacheDir, `${name}-${randomUUID()}`);
    await mkdir(this.cacheDir, { recursive: true });
    await this.objects.downloadToFile(this.bucket, key, file);
    const size = (await stat(file)).size;
    this.forget(key);
    const entry: CacheEntry = { key, etag, file, size, pins: 0, lastUsed: ++this.clock, stale: false };
    this.cache.set(key, entry);
    this.cachedBytes += size;
    return entry;
  }

  /** Drops `key` from the cache (it is being replaced or deleted); a copy in use goes when released. */
  private forget(key: string): void {
    const entry = this.cache.get(key);
    if (!entry) return;
    this.cache.delete(key);
    this.cachedBytes -= entry.size;
    entry.stale = true;
    if (entry.pins === 0) removeNow(entry.file);
  }

  /** Removes the least recently used copies no job holds until the cache fits its budget. */
  private evict(): void {
    if (this.cachedBytes <= this.cacheBytes) return;
    const idle = [...this.cache.values()].filter((e) => e.pins === 0).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const entry of idle) {
      if (this.cachedBytes <= this.cacheBytes) break;
      this.forget(entry.key);
    }
  }
}

/** One job's scratch folder: files it writes, and the objects it fetched (held until `dispose`). */
export class Scratch {
  private readonly leases: BlobLease[] = [];

  constructor(
    readonly dir: string,
    private readonly blobs: BlobStore,
  ) {}

  /** A path for a file of this job's own. */
  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** A local copy of the object `ref` names, valid until `dispose`; `version` as for `BlobStore.fetch`. */
  async fetch(ref: string, options: { version?: string } = {}): Promise<string> {
    const lease = await this.blobs.fetch(ref, options);
    this.leases.push(lease);
    return lease.path;
  }

  async dispose(): Promise<void> {
    for (const lease of this.leases.splice(0)) lease.release();
    await rm(this.dir, { recursive: true, force: true });
  }
}
