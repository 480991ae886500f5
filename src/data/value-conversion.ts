import type { Statistics } from "./field-statistics.js";
import { describeGeolocationFormat, type GeolocationFormat, geolocationValidSql } from "./geolocation.js";
import { type DatasetType, isRequiredAttribute, type SchemaAttribute, STORAGE_TYPE } from "./schema.js";
import { sqlString } from "./sql.js";
import type { TimestampParsing } from "./timestamp-format.js";

/** Import-wide settings that decide how values are read. */
export interface ConversionSettings {
  datasetType: DatasetType;
  timestamp: TimestampParsing;
  /** Wall-clock zone for timestamps that carry a UTC offset; UTC when absent. */
  timeZone?: string;
  geolocationFormat?: GeolocationFormat;
}

/**
 * How one attribute's raw values become typed values, as SQL fragments, in two forms with the same rule:
 * - for the one-pass write, `strictValue` yields the value or raises an error; the parts of the rule that
 *   are cheaper to judge on the written column than row by row (a missing required value, an infinite
 *   float) are left to `writtenColumnFails`, which looks at the column's statistics;
 * - for finding the first bad row, `tryValue` yields the value or NULL, and `valid` says whether the raw
 *   value passes the whole rule.
 */
export interface ColumnConversion {
  attribute: SchemaAttribute;
  required: boolean;
  strictValue(raw: string): string;
  writtenColumnFails(statistics: Statistics): boolean;
  /** The typed value of `raw`, NULL when raw is NULL or does not fit. */
  tryValue(raw: string): string;
  /** True when the raw value is acceptable; `value` names the column holding tryValue's result. */
  valid(raw: string, value: string): string;
  /** How a bad value is described: `Value "x" in f, row n, column c <problem>`. */
  problem: string;
}

type Family = "text" | "integer" | "decimal" | "temporal" | "zoned" | "other";

/** Groups DuckDB type names (as DESCRIBE prints them) by how they convert. CSV columns are always VARCHAR. */
function family(sourceType: string): Family {
  if (sourceType === "VARCHAR") return "text";
  if (/^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/.test(sourceType)) return "integer";
  if (sourceType === "FLOAT" || sourceType === "DOUBLE" || sourceType.startsWith("DECIMAL")) return "decimal";
  if (sourceType === "TIMESTAMP WITH TIME ZONE") return "zoned";
  if (/^TIMESTAMP(_S|_MS|_NS)?$/.test(sourceType) || sourceType === "DATE") return "temporal";
  return "other";
}

/** Raised by strict values; the failed write is followed by a search for the row, so no detail is needed. */
export const BAD_VALUE_MARKER = "openforecast: value does not fit its attribute";
const fail = `error('${BAD_VALUE_MARKER}')`;

/**
 * A rule for non-null raw values. `strict` is the fast form (error on a bad value; may skip what
 * `infinityChecked` says is checked on the written column); absent, it is derived from tryValue and check.
 */
interface Rule {
  tryValue(raw: string): string;
  check(raw: string, value: string): string;
  strict?(raw: string): string;
  /** Infinite values are rejected by looking at the written column's Min and Max. */
  infinityChecked?: boolean;
}

// DuckDB's cast accepts forms Java's parsers do not ("1.5" rounded to 2, "1e3", "0x10", "1_000"); those
// characters mark text that is not a plain integer.
const notPlainInteger = (raw: string): string =>
  `(contains(${raw}, '.') OR contains(${raw}, 'e') OR contains(${raw}, 'E') OR contains(${raw}, '_') OR contains(${raw}, 'x') OR contains(${raw}, 'X'))`;

// The default formats are ISO 8601 shapes, which DuckDB's cast parses several times faster than strptime.
// The cast also takes other forms (a "T", fractions, offsets, unpadded fields), so the text must also have
// the zero-padded shape of the format; LIKE is the cheapest test of that measured (substr costs 5x more).
const ISO_SHAPES: Record<string, (raw: string) => string> = {
  "%Y-%m-%d %H:%M:%S": (raw) => `${raw} LIKE '____-__-__ __:__:__'`,
  "%Y-%m-%d": (raw) => `${raw} LIKE '____-__-__'`,
};

/** A shape check when every format is one the cast can stand in for; undefined otherwise. */
function isoShapes(strptime: readonly string[]): ((raw: string) => string) | undefined {
  const shapes = strptime.map((format) => ISO_SHAPES[format]);
  if (shapes.some((shape) => shape === undefined)) return undefined;
  return (raw) => `(${shapes.map((shape) => (shape as (raw: string) => string)(raw)).join(" OR ")})`;
}

function timestampTextRule(settings: ConversionSettings): Rule {
  const { strptime, hasOffset } = settings.timestamp;
  const iso = isoShapes(strptime);
  if (iso) {
    return {
      tryValue: (raw) => `TRY_CAST(${raw} AS TIMESTAMP)`,
      check: (raw, value) => `(${value} IS NOT NULL AND ${iso(raw)})`,
      strict: (raw) =>
        `CASE WHEN ${iso(raw)} THEN CAST(${raw} AS TIMESTAMP) WHEN ${raw} IS NOT NULL THEN ${fail} END`,
    };
  }
  const formats =
    strptime.length === 1 ? sqlString(strptime[0] as string) : `[${strptime.map(sqlString).join(", ")}]`;
  const zone = sqlString(settings.timeZone ?? "UTC");
  const local = (parsed: string): string => (hasOffset ? `timezone(${zone}, ${parsed})` : parsed);
  return {
    tryValue: (raw) => local(`try_strptime(${raw}, ${formats})`),
    check: (_raw, value) => `(${value} IS NOT NULL)`,
    strict: (raw) => local(`strptime(${raw}, ${formats})`),
  };
}

function textRule(attribute: SchemaAttribute, settings: ConversionSettings): Rule {
  switch (attribute.AttributeType) {
    case "string":
      return { tryValue: (raw) => raw, check: () => "TRUE", strict: (raw) => raw };
    case "geolocation":
      return { tryValue: (raw) => raw, check: (raw) => geolocationValidSql(raw, settings.geolocationFormat) };
    case "integer":
      return {
        tryValue: (raw) => `TRY_CAST(${raw} AS BIGINT)`,
        check: (raw, value) => `(${value} IS NOT NULL AND NOT ${notPlainInteger(raw)})`,
        strict: (raw) =>
          `CASE WHEN NOT ${notPlainInteger(raw)} THEN CAST(${raw} AS BIGINT) WHEN ${raw} IS NOT NULL THEN ${fail} END`,
      };
    case "float":
      return {
        tryValue: (raw) => `TRY_CAST(${raw} AS DOUBLE)`,
        check: (_raw, value) => `(${value} IS NOT NULL AND NOT isinf(${value}))`,
        strict: (raw) => `CAST(${raw} AS DOUBLE)`,
        infinityChecked: true,
      };
    case "timestamp":
      return timestampTextRule(settings);
  }
}

function typedRule(attribute: SchemaAttribute, sourceFamily: Family, settings: ConversionSettings): Rule {
  const t = attribute.AttributeType;
  const asText = (raw: string): string => `CAST(${raw} AS VARCHAR)`;
  if (t === "string") return { tryValue: asText, check: () => "TRUE" };
  if (t === "geolocation") {
    return { tryValue: asText, check: (raw) => geolocationValidSql(asText(raw), settings.geolocationFormat) };
  }
  const converted = (expr: (raw: string) => string): Rule => ({
    tryValue: expr,
    check: (_raw, value) => `(${value} IS NOT NULL)`,
  });
  if (t === "integer" && sourceFamily === "integer") return converted((raw) => `TRY_CAST(${raw} AS BIGINT)`);
  if (t === "integer" && sourceFamily === "decimal") {
    // Whole numbers stored as floating point (common in Parquet written by pandas) are accepted.
    return converted(
      (raw) =>
        `CASE WHEN CAST(${raw} AS DOUBLE) = trunc(CAST(${raw} AS DOUBLE)) THEN TRY_CAST(${raw} AS BIGINT) END`,
    );
  }
  if (t === "float" && (sourceFamily === "integer" || sourceFamily === "decimal")) {
    return {
      tryValue: (raw) => `TRY_CAST(${raw} AS DOUBLE)`,
      check: (_raw, value) => `(${value} IS NOT NULL AND NOT isinf(${value}))`,
    };
  }
  if (t === "timestamp" && sourceFamily === "temporal")
    return converted((raw) => `CAST(${raw} AS TIMESTAMP)`);
  if (t === "timestamp" && sourceFamily === "zoned") {
    const zone = sqlString(settings.timeZone ?? "UTC");
    return converted((raw) => `timezone(${zone}, ${raw})`);
  }
  // A column of an unrelated type (say BOOLEAN for a float attribute): every present value is wrong.
  return { tryValue: () => `CAST(NULL AS ${STORAGE_TYPE[t]})`, check: () => "FALSE" };
}

function problemOf(attribute: SchemaAttribute, settings: ConversionSettings): string {
  switch (attribute.AttributeType) {
    case "string":
      return "is not a valid string";
    case "integer":
      return "is not a valid integer";
    case "float":
      return "is not a valid float";
    case "timestamp":
      return `is not a valid timestamp for the format ${settings.timestamp.description}`;
    case "geolocation":
      return `is not a valid geolocation (${describeGeolocationFormat(settings.geolocationFormat)})`;
  }
}

const hasNulls = (s: Statistics): boolean => (s.CountNull ?? 0) !== 0 || (s.CountNullLong ?? 0) !== 0;
const hasInfinity = (s: Statistics): boolean => s.Min === "-Infinity" || s.Max === "Infinity";

/** The conversion of one attribute from a source column of the given DuckDB type. */
export function columnConversion(
  attribute: SchemaAttribute,
  sourceType: string,
  settings: ConversionSettings,
): ColumnConversion {
  const sourceFamily = family(sourceType);
  const rule =
    sourceFamily === "text" ? textRule(attribute, settings) : typedRule(attribute, sourceFamily, settings);
  const required = isRequiredAttribute(attribute, settings.datasetType);
  const derivedStrict = (raw: string): string =>
    `CASE WHEN ${raw} IS NULL THEN NULL WHEN ${rule.check(raw, rule.tryValue(raw))} THEN ${rule.tryValue(raw)} ELSE ${fail} END`;
  const strict = rule.strict ?? derivedStrict;
  return {
    attribute,
    required,
    strictValue: (raw) => `CAST(${strict(raw)} AS ${STORAGE_TYPE[attribute.AttributeType]})`,
    writtenColumnFails: (statistics) =>
      (required && hasNulls(statistics)) || (rule.infinityChecked === true && hasInfinity(statistics)),
    tryValue: rule.tryValue,
    valid: (raw, value) =>
      required
        ? `(${raw} IS NOT NULL AND ${rule.check(raw, value)})`
        : `(${raw} IS NULL OR ${rule.check(raw, value)})`,
    problem: problemOf(attribute, settings),
  };
}
