import type { DuckDBConnection } from "@duckdb/node-api";
import { detectCsvHeader } from "./csv-header.js";
import { type CsvFile, csvRelation } from "./csv-source.js";
import { firstCsvProblem, firstParquetProblem } from "./first-problem.js";
import type { ImportError } from "./import-error.js";
import { matchParquetColumns, parquetRelation } from "./parquet-source.js";
import type { ImportFormat, SchemaAttribute } from "./schema.js";
import { type ColumnConversion, type ConversionSettings, columnConversion } from "./value-conversion.js";

/** An input file and what the user calls it. */
export interface InputFile {
  path: string;
  label: string;
}

/** The input files as one relation of raw columns c0..cn, with the way to explain a failure in them. */
export interface ImportSource {
  relation: string;
  conversions: ColumnConversion[];
  /** Finds the first row (by file, then row) that stops the import; undefined if none does. */
  firstProblem(): Promise<ImportError | undefined>;
}

async function csvSource(
  connection: DuckDBConnection,
  files: readonly InputFile[],
  schema: readonly SchemaAttribute[],
  settings: ConversionSettings,
): Promise<ImportSource> {
  const conversions = schema.map((attribute) => columnConversion(attribute, "VARCHAR", settings));
  const csvFiles: CsvFile[] = [];
  for (const file of files) {
    csvFiles.push({ ...file, header: await detectCsvHeader(connection, file, conversions) });
  }
  return {
    relation: csvRelation(csvFiles, conversions.length),
    conversions,
    firstProblem: () => firstCsvProblem(connection, csvFiles, conversions),
  };
}

async function parquetSource(
  connection: DuckDBConnection,
  files: readonly InputFile[],
  schema: readonly SchemaAttribute[],
  settings: ConversionSettings,
): Promise<ImportSource> {
  const columns = await matchParquetColumns(connection, files, schema);
  const conversions = schema.map((attribute, i) =>
    columnConversion(attribute, columns.types[i] as string, settings),
  );
  return {
    relation: parquetRelation(
      files.map((f) => f.path),
      columns,
    ),
    conversions,
    firstProblem: () => firstParquetProblem(connection, files, columns, conversions),
  };
}

/** Looks at the inputs (CSV headers, Parquet columns) and describes how to read them. */
export function importSource(
  connection: DuckDBConnection,
  format: ImportFormat,
  files: readonly InputFile[],
  schema: readonly SchemaAttribute[],
  settings: ConversionSettings,
): Promise<ImportSource> {
  return format === "CSV"
    ? csvSource(connection, files, schema, settings)
    : parquetSource(connection, files, schema, settings);
}
