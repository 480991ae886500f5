// Export files (forecast exports, predictor backtest exports, explainability exports): CSV or Parquet parts
// written to an S3 destination, all or nothing.

export { ExportError } from "./export-error.js";
export type { ExportColumn, ExportColumnType, ExportFormat } from "./export-format.js";
export type { ExportDestination } from "./export-naming.js";
export { exportTimestamp, folderPrefix, parseExportDestination, partKey } from "./export-naming.js";
export type { ExportResult, ExportSource, WriteExportPartsOptions } from "./write-export-parts.js";
export { DEFAULT_MAX_ROWS_PER_PART, writeExportParts } from "./write-export-parts.js";
