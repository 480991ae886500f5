import type { BlobLease, BlobStore } from "../storage/blob-store.js";
import type { ResourceRecord } from "../store/resource-store.js";

/**
 * The version under which a resource's own file is fetched: its creation time. A forecast's forecast.parquet and
 * series list, a what-if forecast's forecast.parquet and an explainability's impacts.parquet are written by the
 * resource's job before it turns ACTIVE and never rewritten while it lives; a resource created again under its
 * name (same key) has another creation time. So a cached copy checked once for this version is served with no
 * request to S3 (storage/blob-store.ts, "Immutable keys"). Not for a key rewritten in place (a dataset's current
 * data, a model a later job replaces): those are fetched without a version.
 */
export function ownFileVersion(record: Pick<ResourceRecord, "createdAt">): string {
  return String(record.createdAt);
}

/** A local copy of the resource's own file that `attribute` names (its key), through the versioned cache. */
export function fetchOwnFile(
  blobs: BlobStore,
  record: Pick<ResourceRecord, "createdAt" | "attrs">,
  attribute: "ForecastFile" | "ImpactFile",
): Promise<BlobLease> {
  return blobs.fetch(String(record.attrs[attribute]), { version: ownFileVersion(record) });
}
