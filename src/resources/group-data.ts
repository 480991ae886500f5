import type { ResourceRecord, ResourceStore } from "../store/resource-store.js";
import { DOMAIN_FIELDS, type SchemaAttribute } from "./domains.js";

/** The datasets of a dataset group by type, as they are now. */
export interface GroupDatasets {
  domain: string;
  itemIdField: string;
  targetField: string;
  target?: ResourceRecord;
  related?: ResourceRecord;
  metadata?: ResourceRecord;
}

export async function groupDatasets(store: ResourceStore, group: ResourceRecord): Promise<GroupDatasets> {
  const domain = String(group.attrs.Domain);
  const fields = DOMAIN_FIELDS[domain] ?? { itemId: "item_id", target: "target_value" };
  const out: GroupDatasets = { domain, itemIdField: fields.itemId, targetField: fields.target };
  for (const arn of (group.attrs.DatasetArns as string[] | undefined) ?? []) {
    const dataset = await store.get(arn);
    if (!dataset) continue;
    if (dataset.attrs.DatasetType === "TARGET_TIME_SERIES") out.target = dataset;
    else if (dataset.attrs.DatasetType === "RELATED_TIME_SERIES") out.related = dataset;
    else if (dataset.attrs.DatasetType === "ITEM_METADATA") out.metadata = dataset;
  }
  return out;
}

export function schemaOf(dataset: ResourceRecord): SchemaAttribute[] {
  return (dataset.attrs.Schema as { Attributes: SchemaAttribute[] }).Attributes;
}

/** The object key of a dataset's current data (a Parquet file), when it has any; see BlobStore for old paths. */
export function dataFileOf(dataset: ResourceRecord | undefined): string | undefined {
  return dataset?.attrs.DataFile as string | undefined;
}
