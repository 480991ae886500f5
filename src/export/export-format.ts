import { sqlIdent } from "../data/sql.js";

/** The two file formats of Forecast exports; the API spells them exactly so. */
export type ExportFormat = "CSV" | "PARQUET";

/** Column types an export may have: ids and timestamps-as-text, scores and values, counts. */
export type ExportColumnType = "VARCHAR" | "DOUBLE" | "BIGINT";

export interface ExportColumn {
  name: string;
  type: ExportColumnType;
}

export const CONTENT_TYPE: Record<ExportFormat, string> = {
  CSV: "text/csv",
  PARQUET: "application/vnd.apache.parquet",
};

/**
 * Rows per row group of a Parquet part, for about 8 MB of values per group whatever the column count. DuckDB's
 * default (122,880 rows) made its order-keeping writer hold several such groups: 2M rows x 18 columns peaked at
 * 520 MB RSS, 390 MB with 30,720-row groups, and wrote no faster. A few MB per group is still what Parquet
 * readers handle well; a multiple of DuckDB's 2,048-row vectors, from 2,048 to DuckDB's default.
 */
export function parquetRowGroupRows(columns: readonly ExportColumn[]): number {
  const targetBytes = 8 * 1024 * 1024;
  // A guess at a typical value's size in memory: ids and timestamp text are short strings.
  const rowBytes = columns.reduce((sum, column) => sum + (column.type === "VARCHAR" ? 32 : 8), 0);
  const rows = Math.floor(targetBytes / rowBytes / 2048) * 2048;
  return Math.min(122_880, Math.max(2048, rows));
}

/**
 * The COPY options of a part file. CSV: comma, `"` quotes only where needed, a header row, missing values as
 * empty fields. Parquet: DuckDB's default Snappy compression, which every Parquet reader understands, and row
 * groups of parquetRowGroupRows.
 */
export function copyOptions(format: ExportFormat, columns: readonly ExportColumn[]): string {
  return format === "CSV"
    ? "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"')"
    : `(FORMAT parquet, ROW_GROUP_SIZE ${parquetRowGroupRows(columns)})`;
}

/**
 * Inside DuckDB the columns go by position (`c0`, `c1`, ...), so that no export column name can collide with
 * anything of ours (such as `file_row_number`); they get their real names only in the part files.
 */
export const positionalName = (index: number): string => `c${index}`;

/** `c0 AS "item_id", c1 AS "timestamp", ...`: the select list of a part file. */
export function namedSelectList(columns: readonly ExportColumn[]): string {
  return columns.map((column, index) => `${positionalName(index)} AS ${sqlIdent(column.name)}`).join(", ");
}

/** `CAST(c0 AS VARCHAR) AS c0, ...`: the declared types, whatever the source query yields. */
export function typedSelectList(columns: readonly ExportColumn[]): string {
  return columns
    .map((column, index) => `CAST(${positionalName(index)} AS ${column.type}) AS ${positionalName(index)}`)
    .join(", ");
}

/** `c0 VARCHAR, c1 DOUBLE, ...`: a table that holds export rows by position. */
export function positionalTableColumns(columns: readonly ExportColumn[]): string {
  return columns.map((column, index) => `${positionalName(index)} ${column.type}`).join(", ");
}

/** Refuses column lists no export can have: none, an unknown type, a name twice (readers would mix them up). */
export function checkColumns(columns: readonly ExportColumn[]): void {
  if (columns.length === 0) throw new RangeError("An export needs at least one column");
  const seen = new Set<string>();
  for (const column of columns) {
    if (column.name === "") throw new RangeError("Export column names must not be empty");
    if (!["VARCHAR", "DOUBLE", "BIGINT"].includes(column.type)) {
      throw new RangeError(`Export column "${column.name}" has the unknown type ${String(column.type)}`);
    }
    // Readers (DuckDB, Athena, pandas) treat names case-insensitively or rename duplicates; refuse both.
    const folded = column.name.toLowerCase();
    if (seen.has(folded)) throw new RangeError(`Export column "${column.name}" appears twice`);
    seen.add(folded);
  }
}
