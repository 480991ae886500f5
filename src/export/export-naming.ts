import { parseS3Path } from "../storage/s3-path.js";
import type { ExportFormat } from "./export-format.js";

/** Where an export's objects go: a bucket and a key prefix (the path part of the user's s3:// path). */
export interface ExportDestination {
  bucket: string;
  prefix: string;
}

/**
 * Splits the user's `s3://bucket/path` of an export into bucket and prefix. Throws `InvalidS3PathError` (the
 * resource layer maps it to InvalidInputException).
 */
export function parseExportDestination(path: string): ExportDestination {
  const { bucket, key } = parseS3Path(path);
  return { bucket, prefix: key };
}

/**
 * The time stamp in export file names, `yyyy-MM-ddTHH-mm-ssZ` in UTC (colons are awkward in keys and file
 * names, so Amazon writes hyphens).
 */
export function exportTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError("exportTimestamp needs a valid date");
  return `${date.toISOString().slice(0, 19).replaceAll(":", "-")}Z`;
}

/** The prefix as a folder: "" stays the bucket's root, anything else ends in exactly the "/" it may have had. */
export function folderPrefix(prefix: string): string {
  return prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
}

export const PART_EXTENSION: Record<ExportFormat, string> = { CSV: "csv", PARQUET: "parquet" };

/** The key of part `index`: `<folder><baseName>_part<index>.csv` (or `.parquet`). */
export function partKey(prefix: string, baseName: string, index: number, format: ExportFormat): string {
  return `${folderPrefix(prefix)}${baseName}_part${index}.${PART_EXTENSION[format]}`;
}
