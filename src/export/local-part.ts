import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { sqlString } from "../data/sql.js";
import { copyOptions, type ExportColumn, type ExportFormat } from "./export-format.js";
import { PART_EXTENSION } from "./export-naming.js";

/** A part file written locally, ready for upload. */
export interface LocalPart {
  /** N of `_part<N>`, from 0. */
  index: number;
  file: string;
  rows: number;
}

/** Takes a finished part (starts its upload); resolves when the producer may go on writing the next one. */
export type PartSink = (part: LocalPart) => Promise<void>;

/** What the part producers need to know. */
export interface PartPlan {
  columns: readonly ExportColumn[];
  format: ExportFormat;
  maxRowsPerPart: number;
  /** A private scratch directory; the producers write their files here. */
  directory: string;
  signal?: AbortSignal;
}

export const localPartFile = (plan: PartPlan, index: number): string =>
  join(plan.directory, `part-${index}.${PART_EXTENSION[plan.format]}`);

/** Writes the rows of `query` (positional columns, in order) as part file `index`; returns the rows written. */
export async function copyPart(
  connection: DuckDBConnection,
  plan: PartPlan,
  index: number,
  query: string,
): Promise<LocalPart> {
  const file = localPartFile(plan, index);
  const result = await connection.run(
    `COPY (${query}) TO ${sqlString(file)} ${copyOptions(plan.format, plan.columns)}`,
  );
  return { index, file, rows: Number(result.rowsChanged) };
}
