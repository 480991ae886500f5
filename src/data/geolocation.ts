import { ImportError } from "./import-error.js";

export type GeolocationFormat = "LAT_LONG" | "CC_POSTALCODE";

const FORMATS: readonly GeolocationFormat[] = ["LAT_LONG", "CC_POSTALCODE"];

export function parseGeolocationFormat(value: string | undefined): GeolocationFormat | undefined {
  if (value === undefined || value === "") return undefined;
  if ((FORMATS as readonly string[]).includes(value)) return value as GeolocationFormat;
  throw new ImportError("BAD_OPTION", `GeolocationFormat "${value}" is not one of ${FORMATS.join(", ")}`);
}

// Decimal degrees joined by an underscore; the numeric ranges are checked apart from the pattern.
const LAT_LONG_PATTERN = "[+-]?[0-9]{1,2}(\\.[0-9]+)?_[+-]?[0-9]{1,3}(\\.[0-9]+)?";
// Amazon supports postal codes for the US only: the country code and a five-digit ZIP code.
const CC_POSTALCODE_PATTERN = "US_[0-9]{5}";

function latLongSql(text: string): string {
  const lat = `TRY_CAST(split_part(${text}, '_', 1) AS DOUBLE)`;
  const lon = `TRY_CAST(split_part(${text}, '_', 2) AS DOUBLE)`;
  return `(regexp_full_match(${text}, '${LAT_LONG_PATTERN}') AND abs(${lat}) <= 90 AND abs(${lon}) <= 180)`;
}

/** SQL that is true when the (non-null) text is a geolocation in the given format, or in either if none. */
export function geolocationValidSql(text: string, format: GeolocationFormat | undefined): string {
  const postal = `regexp_full_match(${text}, '${CC_POSTALCODE_PATTERN}')`;
  if (format === "LAT_LONG") return latLongSql(text);
  if (format === "CC_POSTALCODE") return postal;
  return `(${latLongSql(text)} OR ${postal})`;
}

/** How the expected form is named in a message. */
export function describeGeolocationFormat(format: GeolocationFormat | undefined): string {
  if (format === "LAT_LONG") return "LAT_LONG, e.g. 47.61_-122.33";
  if (format === "CC_POSTALCODE") return "CC_POSTALCODE, e.g. US_98121";
  return "LAT_LONG (e.g. 47.61_-122.33) or CC_POSTALCODE (e.g. US_98121)";
}
