import { sqlString, sqlStringList } from "./sql.js";

/** One CSV input and whether its first line is a header to skip. */
export interface CsvFile {
  path: string;
  /** What the user calls the file (its s3:// URI), for messages. */
  label: string;
  header: boolean;
}

/** Name of the raw column at schema position `index` in every source relation. */
export const rawColumn = (index: number): string => `c${index}`;

/**
 * read_csv arguments that make DuckDB read exactly what the schema says: no sniffing, every column as text
 * (types are checked by our own rules so that every failure can be traced to a row), and strict mode so a
 * row with too many or too few fields is an error instead of being padded or cut.
 */
export function csvReadOptions(columnCount: number, header: boolean): string {
  const columns = Array.from({ length: columnCount }, (_, i) => `${sqlString(rawColumn(i))}: 'VARCHAR'`).join(
    ", ",
  );
  return `header = ${header}, columns = {${columns}}, delim = ',', quote = '"', escape = '"', auto_detect = false, strict_mode = true`;
}

/** A relation of the raw columns of one CSV file. */
export function csvFileRelation(file: CsvFile, columnCount: number): string {
  return `read_csv(${sqlString(file.path)}, ${csvReadOptions(columnCount, file.header)})`;
}

/**
 * A relation of the raw columns of all files. read_csv takes one header setting for all its files, so files
 * with and without a header are read as two groups.
 */
export function csvRelation(files: readonly CsvFile[], columnCount: number): string {
  const columns = Array.from({ length: columnCount }, (_, i) => rawColumn(i)).join(", ");
  const groups = [true, false]
    .map((header) => files.filter((f) => f.header === header))
    .filter((group) => group.length > 0)
    .map(
      (group) =>
        `SELECT ${columns} FROM read_csv(${sqlStringList(group.map((f) => f.path))}, ${csvReadOptions(columnCount, group[0]?.header ?? false)})`,
    );
  return `(${groups.join(" UNION ALL ")})`;
}
