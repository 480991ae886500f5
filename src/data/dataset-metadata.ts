import type { GeolocationFormat } from "./geolocation.js";
import type { DatasetType, SchemaAttribute } from "./schema.js";
import { sqlString } from "./sql.js";

/**
 * What a canonical Parquet file says about itself, kept in the file's key-value metadata so that the data
 * and its meaning travel together (to another machine, or an object store, later).
 */
export interface DatasetMetadata {
  datasetType: DatasetType;
  schema: SchemaAttribute[];
  /** The TimestampFormat the text was read with (Java-style, as the user gave it). */
  timestampFormat: string;
  /** The zone of the stored wall-clock timestamps, when the import named one. */
  timeZone?: string;
  /** Timestamps are local times of the place in the geolocation attribute. */
  useGeolocationForTimeZone?: boolean;
  geolocationFormat?: GeolocationFormat;
}

/** The Parquet key-value metadata key holding DatasetMetadata as JSON. */
export const METADATA_KEY = "openforecast.dataset";

/** The KV_METADATA option of DuckDB's COPY for this metadata. */
export function kvMetadataSql(metadata: DatasetMetadata): string {
  return `{${sqlString(METADATA_KEY)}: ${sqlString(JSON.stringify(metadata))}}`;
}

/** Reads the metadata back from the key-value pairs of a Parquet file; undefined if it has none. */
export function parseDatasetMetadata(pairs: ReadonlyMap<string, string>): DatasetMetadata | undefined {
  const json = pairs.get(METADATA_KEY);
  return json === undefined ? undefined : (JSON.parse(json) as DatasetMetadata);
}
