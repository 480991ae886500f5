// What each attribute of the three datasets is for when series are prepared: key, timestamp, target, related
// feature or metadata field. Checked here, before any data is read, so that a misnamed field fails at once.
import { SeriesPreparationError } from "./series-error.js";

/** One attribute of a dataset schema; the type is a plain string, as the resources layer stores it. */
export interface SeriesAttribute {
  AttributeName: string;
  AttributeType: string;
}

type Schema = readonly SeriesAttribute[];

export interface TargetFields {
  timestamp: string;
  /** The item identifier field, then the forecast dimensions: the columns that name a series. */
  keys: string[];
  target: string;
}

export interface RelatedFields {
  timestamp: string;
  /** The item identifier and those forecast dimensions the related dataset has (Amazon allows a subset). */
  keys: string[];
  /** Integer and float attributes, in schema order: the related features. */
  features: string[];
}

export interface MetadataFields {
  itemId: string;
  /** In schema order; strings (and geolocations) become category codes, numbers stay numbers. */
  fields: { name: string; categorical: boolean }[];
}

const refuse = (message: string): never => {
  throw new SeriesPreparationError("BAD_FIELD", message);
};

const find = (schema: Schema, name: string) => schema.find((a) => a.AttributeName === name);

function timestampOf(schema: Schema, dataset: string): string {
  const stamps = schema.filter((a) => a.AttributeType === "timestamp");
  if (stamps.length !== 1) refuse(`The ${dataset} schema must have exactly one timestamp attribute`);
  return (stamps[0] as SeriesAttribute).AttributeName;
}

function requireItemId(schema: Schema, itemIdField: string, dataset: string): void {
  const attribute = find(schema, itemIdField);
  if (attribute?.AttributeType !== "string") {
    refuse(`The ${dataset} schema has no string attribute ${itemIdField} to identify items`);
  }
}

export function targetFields(
  schema: Schema,
  itemIdField: string,
  targetField: string,
  forecastDimensions: readonly string[],
): TargetFields {
  requireItemId(schema, itemIdField, "target time series");
  const target = find(schema, targetField);
  if (target?.AttributeType !== "integer" && target?.AttributeType !== "float") {
    refuse(`The target time series schema has no integer or float attribute ${targetField} to forecast`);
  }
  const timestamp = timestampOf(schema, "target time series");
  const seen = new Set<string>();
  for (const dimension of forecastDimensions) {
    const attribute = find(schema, dimension);
    if (dimension === itemIdField || seen.has(dimension)) {
      refuse(
        `ForecastDimensions lists ${dimension} more than once (the item identifier is always a dimension)`,
      );
    }
    if (attribute?.AttributeType !== "string") {
      const strings = schema
        .filter((a) => a.AttributeType === "string" && a.AttributeName !== itemIdField)
        .map((a) => a.AttributeName);
      refuse(
        `The forecast dimension ${dimension} is not a string attribute of the target time series dataset` +
          (strings.length > 0
            ? ` (its string attributes: ${strings.join(", ")})`
            : " (it has no other string attributes)"),
      );
    }
    seen.add(dimension);
  }
  return { timestamp, keys: [itemIdField, ...forecastDimensions], target: targetField };
}

export function relatedFields(
  schema: Schema,
  itemIdField: string,
  forecastDimensions: readonly string[],
): RelatedFields {
  requireItemId(schema, itemIdField, "related time series");
  const timestamp = timestampOf(schema, "related time series");
  const keys = [itemIdField];
  const features: string[] = [];
  for (const { AttributeName: name, AttributeType: type } of schema) {
    if (name === itemIdField || name === timestamp) continue;
    if (type === "integer" || type === "float") features.push(name);
    else if (type === "string") {
      // A string field is a dimension; one the target series are not split by would make the related value of a
      // series ambiguous, so Amazon requires the related dimensions to be among the forecast dimensions.
      if (!forecastDimensions.includes(name)) {
        refuse(
          `The related time series attribute ${name} is a string, so it would be a dimension, but it is not one of ` +
            "the forecast dimensions; related features must be integer or float, and related dimensions must be " +
            "forecast dimensions",
        );
      }
      keys.push(name);
    }
    // Geolocation serves the weather index, which is not built; it is not a feature.
  }
  if (features.length === 0)
    refuse("The related time series dataset has no integer or float attribute to use as a feature");
  return { timestamp, keys, features };
}

export function metadataFields(schema: Schema, itemIdField: string): MetadataFields {
  requireItemId(schema, itemIdField, "item metadata");
  const fields: MetadataFields["fields"] = [];
  for (const { AttributeName: name, AttributeType: type } of schema) {
    if (name === itemIdField) continue;
    if (type === "integer" || type === "float") fields.push({ name, categorical: false });
    else if (type === "string" || type === "geolocation") fields.push({ name, categorical: true });
    else
      refuse(
        `The item metadata attribute ${name} has the type ${type}; item metadata can use string, integer and float`,
      );
  }
  return { itemId: itemIdField, fields };
}
