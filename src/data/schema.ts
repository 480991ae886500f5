import { ImportError } from "./import-error.js";

export type AttributeType = "string" | "integer" | "float" | "timestamp" | "geolocation";

/** One attribute of a dataset schema, spelled as in the Forecast API. */
export interface SchemaAttribute {
  AttributeName: string;
  AttributeType: AttributeType;
}

export type DatasetType = "TARGET_TIME_SERIES" | "RELATED_TIME_SERIES" | "ITEM_METADATA";

export type ImportFormat = "CSV" | "PARQUET";

/** How each attribute type is stored in the canonical Parquet file. */
export const STORAGE_TYPE: Record<AttributeType, string> = {
  string: "VARCHAR",
  integer: "BIGINT",
  float: "DOUBLE",
  timestamp: "TIMESTAMP",
  geolocation: "VARCHAR",
};

const ATTRIBUTE_TYPES = new Set<string>(Object.keys(STORAGE_TYPE));

/** Rejects schemas the import cannot honour; the contract layer should have caught most of this already. */
export function checkSchema(schema: readonly SchemaAttribute[]): void {
  if (schema.length === 0) throw new ImportError("BAD_OPTION", "The dataset schema has no attributes");
  const seen = new Set<string>();
  for (const { AttributeName, AttributeType } of schema) {
    if (!ATTRIBUTE_TYPES.has(AttributeType)) {
      throw new ImportError("BAD_OPTION", `Attribute ${AttributeName} has the unknown type ${AttributeType}`);
    }
    // DuckDB and Parquet readers match column names case-insensitively; two such names would be ambiguous.
    const key = AttributeName.toLowerCase();
    if (seen.has(key))
      throw new ImportError("BAD_OPTION", `Attribute ${AttributeName} appears twice in the schema`);
    seen.add(key);
  }
}

/**
 * Attributes that may not be empty. A time series row without its timestamp or item cannot be placed;
 * every other value may be missing (the predictor's filling rules deal with that).
 */
export function isRequiredAttribute(attribute: SchemaAttribute, datasetType: DatasetType): boolean {
  if (attribute.AttributeName.toLowerCase() === "item_id") return true;
  return attribute.AttributeType === "timestamp" && datasetType !== "ITEM_METADATA";
}
