import type { ExportColumn, ExportColumnType } from "./export-format.js";

/** A JS value as DuckDB's chunk vectors take it for one column type; null for a missing value. */
export type ColumnValue = string | number | bigint | null;

type Converter = (value: unknown) => ColumnValue | undefined;

// Strict on purpose: a number in a VARCHAR column or a string in a DOUBLE column is a bug in the caller, and
// converting it silently would put it into a user's file. `undefined` from a converter means "refused".
const CONVERTERS: Record<ExportColumnType, Converter> = {
  VARCHAR: (value) => (typeof value === "string" ? value : undefined),
  DOUBLE: (value) => (typeof value === "number" ? value : undefined),
  BIGINT: (value) => {
    if (typeof value === "bigint") return BigInt.asIntN(64, value) === value ? value : undefined;
    if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
    return undefined;
  },
};

const EXPECTED: Record<ExportColumnType, string> = {
  VARCHAR: "a string",
  DOUBLE: "a number",
  BIGINT: "an integer (a bigint in the signed 64-bit range, or a safe-integer number)",
};

/** Describes a refused value briefly, for the message. */
function shown(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "object") return Array.isArray(value) ? "an array" : "an object";
  return `${typeof value} ${String(value)}`;
}

/**
 * Collects rows column by column, checked and converted for the columns' types, up to `capacity` rows at a time
 * (one DuckDB data chunk).
 */
export class ColumnBuffer {
  readonly columns: ColumnValue[][];
  private readonly converters: Converter[];
  private readonly exportColumns: readonly ExportColumn[];

  constructor(columns: readonly ExportColumn[]) {
    this.exportColumns = columns;
    this.converters = columns.map((column) => CONVERTERS[column.type]);
    this.columns = columns.map(() => []);
  }

  get size(): number {
    return this.columns[0]?.length ?? 0;
  }

  /** Adds one row; `rowNumber` (from 1 over the whole export) is only for the message of a bad row. */
  add(row: unknown, rowNumber: number): void {
    const width = this.converters.length;
    if (!Array.isArray(row) || row.length !== width) {
      const got = Array.isArray(row) ? `${row.length} values` : shown(row);
      throw new TypeError(
        `Export row ${rowNumber} should have ${width} values, one per column, but has ${got}`,
      );
    }
    for (let index = 0; index < width; index += 1) {
      const value: unknown = row[index];
      const result =
        value === null || value === undefined ? null : (this.converters[index] as Converter)(value);
      if (result === undefined) {
        // A refused row leaves the buffer as it was: take back the values already added.
        for (let added = 0; added < index; added += 1) (this.columns[added] as ColumnValue[]).pop();
        const column = this.exportColumns[index] as ExportColumn;
        throw new TypeError(
          `Export row ${rowNumber}, column "${column.name}" (${column.type}): expected ${EXPECTED[column.type]}, got ${shown(value)}`,
        );
      }
      (this.columns[index] as ColumnValue[]).push(result);
    }
  }

  clear(): void {
    for (const column of this.columns) column.length = 0;
  }
}
