import type { DatasetMetadata } from "./dataset-metadata.js";
import { parseGeolocationFormat } from "./geolocation.js";
import { ImportError } from "./import-error.js";
import { checkSchema, type DatasetType, type SchemaAttribute } from "./schema.js";
import { checkTimeZone } from "./time-zone.js";
import { timestampParsing } from "./timestamp-format.js";
import type { ConversionSettings } from "./value-conversion.js";

/** The parts of an import request that decide how values are read. */
export interface ImportSettingsInput {
  schema: readonly SchemaAttribute[];
  datasetType: DatasetType;
  timestampFormat?: string;
  timeZone?: string;
  useGeolocationForTimeZone?: boolean;
  geolocationFormat?: string;
  dataFrequency?: string;
}

export interface ImportPlan {
  conversion: ConversionSettings;
  metadata: DatasetMetadata;
}

/**
 * Checks the import's options against each other and the schema before any data is read. Exported so the
 * resource layer can run the same checks when the job is created and answer InvalidInputException early.
 */
export function planImport(input: ImportSettingsInput): ImportPlan {
  checkSchema(input.schema);
  const timestamp = timestampParsing(input.timestampFormat, input.dataFrequency);
  const geolocationFormat = parseGeolocationFormat(input.geolocationFormat);
  const timeZone =
    input.timeZone === undefined || input.timeZone === "" ? undefined : checkTimeZone(input.timeZone);
  const useGeolocation = input.useGeolocationForTimeZone === true;
  if (useGeolocation && timeZone !== undefined) {
    throw new ImportError("BAD_OPTION", "Give either TimeZone or UseGeolocationForTimeZone, not both");
  }
  if (useGeolocation && !input.schema.some((a) => a.AttributeType === "geolocation")) {
    throw new ImportError(
      "BAD_OPTION",
      "UseGeolocationForTimeZone needs an attribute of type geolocation in the dataset schema",
    );
  }
  const metadata: DatasetMetadata = {
    datasetType: input.datasetType,
    schema: input.schema.map((a) => ({ AttributeName: a.AttributeName, AttributeType: a.AttributeType })),
    timestampFormat: timestamp.description,
    ...(timeZone === undefined ? {} : { timeZone }),
    ...(useGeolocation ? { useGeolocationForTimeZone: true } : {}),
    ...(geolocationFormat === undefined ? {} : { geolocationFormat }),
  };
  return {
    conversion: {
      datasetType: input.datasetType,
      timestamp,
      ...(timeZone === undefined ? {} : { timeZone }),
      ...(geolocationFormat === undefined ? {} : { geolocationFormat }),
    },
    metadata,
  };
}
