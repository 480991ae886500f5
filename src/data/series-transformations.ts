// Amazon's AttributeConfigs (the "Transformations" map per attribute): aggregation and filling, checked against
// what Amazon accepts for the target field and for related time series fields, with Amazon's defaults.
import { SeriesPreparationError } from "./series-error.js";

/** One AttributeConfig of CreateAutoPredictor's DataConfig. */
export interface AttributeConfig {
  AttributeName: string;
  Transformations: Record<string, string>;
}

export type Aggregation = "sum" | "avg" | "first" | "min" | "max";

/** How a missing value is filled: a constant, or a statistic of the values observed before the gap. */
export type FillMethod =
  | { method: "zero" | "nan" | "mean" | "median" | "min" | "max" }
  | { method: "value"; value: number };

export interface TargetTransformations {
  aggregation: Aggregation;
  middlefill: FillMethod;
  backfill: FillMethod;
}

/** Related fields have no defaults: an unset fill leaves the value missing (NaN). */
export interface RelatedTransformations {
  middlefill?: FillMethod;
  backfill?: FillMethod;
  futurefill?: FillMethod;
}

const AGGREGATIONS: readonly string[] = ["sum", "avg", "first", "min", "max"];
const TARGET_FILLS: readonly string[] = ["zero", "nan", "value", "median", "mean", "min", "max"];
// Amazon offers no "nan" for related fields: leaving the fill unset is how a related value stays missing.
const RELATED_FILLS: readonly string[] = ["zero", "value", "median", "mean", "min", "max"];

const refuse = (message: string): never => {
  throw new SeriesPreparationError("BAD_TRANSFORMATION", message);
};

/** Reads `<key>` and `<key>_value` of one attribute's map into a fill method (undefined when unset). */
function fillOf(
  attribute: string,
  map: Record<string, string>,
  key: string,
  accepted: readonly string[],
): FillMethod | undefined {
  const name = map[key];
  const valueText = map[`${key}_value`];
  if (name === undefined) {
    if (valueText !== undefined) refuse(`${attribute}: ${key}_value is set but ${key} is not "value"`);
    return undefined;
  }
  if (!accepted.includes(name)) {
    refuse(`${attribute}: ${key} must be one of ${accepted.join(", ")}, not ${JSON.stringify(name)}`);
  }
  if (name !== "value") {
    if (valueText !== undefined)
      refuse(`${attribute}: ${key}_value is set but ${key} is ${JSON.stringify(name)}, not "value"`);
    return { method: name as Exclude<FillMethod["method"], "value"> };
  }
  const value = valueText === undefined || valueText.trim() === "" ? Number.NaN : Number(valueText);
  if (!Number.isFinite(value)) {
    refuse(
      `${attribute}: ${key} is "value", so ${key}_value must be a number, not ${JSON.stringify(valueText ?? "")}`,
    );
  }
  return { method: "value", value };
}

function checkKeys(attribute: string, map: Record<string, string>, keys: readonly string[]): void {
  for (const key of Object.keys(map)) {
    if (!keys.includes(key)) {
      refuse(
        `${attribute}: the transformation ${JSON.stringify(key)} is not supported; use ${keys.join(", ")}`,
      );
    }
  }
}

const TARGET_KEYS = [
  "aggregation",
  "frontfill",
  "middlefill",
  "middlefill_value",
  "backfill",
  "backfill_value",
];
const RELATED_KEYS = [
  "middlefill",
  "middlefill_value",
  "backfill",
  "backfill_value",
  "futurefill",
  "futurefill_value",
];

export interface ParsedTransformations {
  target: TargetTransformations;
  /** By related field name; fields without a config are absent (no filling). */
  related: Map<string, RelatedTransformations>;
}

/**
 * Checks AttributeConfigs and applies Amazon's defaults: the target is summed into buckets and its missing values
 * are filled with zero (frontfill none); related fields are not filled unless configured.
 */
export function parseTransformations(
  configs: readonly AttributeConfig[] | undefined,
  targetField: string,
  relatedFields: readonly string[],
): ParsedTransformations {
  const target: TargetTransformations = {
    aggregation: "sum",
    middlefill: { method: "zero" },
    backfill: { method: "zero" },
  };
  const related = new Map<string, RelatedTransformations>();
  const seen = new Set<string>();
  for (const { AttributeName: attribute, Transformations: map } of configs ?? []) {
    if (seen.has(attribute)) refuse(`AttributeConfigs has ${attribute} more than once`);
    seen.add(attribute);
    if (attribute === targetField) {
      checkKeys(attribute, map, TARGET_KEYS);
      const aggregation = map.aggregation;
      if (aggregation !== undefined) {
        if (!AGGREGATIONS.includes(aggregation)) {
          refuse(
            `${attribute}: aggregation must be one of ${AGGREGATIONS.join(", ")}, not ${JSON.stringify(aggregation)}`,
          );
        }
        target.aggregation = aggregation as Aggregation;
      }
      // The target's series start at its first observation; nothing is filled before it.
      if (map.frontfill !== undefined && map.frontfill !== "none") {
        refuse(`${attribute}: frontfill can only be "none", not ${JSON.stringify(map.frontfill)}`);
      }
      target.middlefill = fillOf(attribute, map, "middlefill", TARGET_FILLS) ?? target.middlefill;
      target.backfill = fillOf(attribute, map, "backfill", TARGET_FILLS) ?? target.backfill;
    } else if (relatedFields.includes(attribute)) {
      if (map.aggregation !== undefined) {
        refuse(
          `${attribute}: related time series fields are not aggregated, so aggregation cannot be set for them`,
        );
      }
      checkKeys(attribute, map, RELATED_KEYS);
      const fills: RelatedTransformations = {};
      for (const key of ["middlefill", "backfill", "futurefill"] as const) {
        const fill = fillOf(attribute, map, key, RELATED_FILLS);
        if (fill) fills[key] = fill;
      }
      related.set(attribute, fills);
    } else {
      const names = [targetField, ...relatedFields].join(", ");
      refuse(
        `AttributeConfigs names ${attribute}, which is neither the target field nor a related time series feature (${names})`,
      );
    }
  }
  return { target, related };
}
