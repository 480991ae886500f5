// Item metadata: one row per item, numbers as numbers and strings as category codes.
import type { DuckDBConnection } from "@duckdb/node-api";
import { SeriesPreparationError } from "./series-error.js";
import type { MetadataFields } from "./series-fields.js";
import { sqlIdent, sqlString } from "./sql.js";
import { TimeSlice } from "./time-slice.js";

export interface ItemMetadata {
  /** Per field, the labels of its category codes (code i is levels[i]); empty for numeric fields. */
  levels: string[][];
  /** Per item: one value per field (a number, or a category code; NaN when missing). */
  byItem: Map<string, Float64Array>;
}

/**
 * Reads the item metadata file. Category codes number the distinct labels of a field in sorted order (by UTF-16
 * code units), so the same data always gives the same codes. Two rows for one item are refused: which one
 * describes the item would be a guess.
 */
export async function readItemMetadata(
  connection: DuckDBConnection,
  file: string,
  fields: MetadataFields,
): Promise<ItemMetadata> {
  const source = `read_parquet(${sqlString(file)})`;
  const item = sqlIdent(fields.itemId);
  const duplicate = (
    await connection.runAndReadAll(
      `SELECT CAST(${item} AS VARCHAR) AS item, count(*) AS n FROM ${source} WHERE ${item} IS NOT NULL
       GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 1`,
    )
  ).getRowObjectsJS()[0];
  if (duplicate) {
    throw new SeriesPreparationError(
      "DUPLICATE_METADATA",
      `The item metadata dataset has ${String(duplicate.n)} rows for the item ${String(duplicate.item)}; it must have one row per item`,
    );
  }
  const columns = fields.fields.map(({ name, categorical }) =>
    categorical ? `CAST(${sqlIdent(name)} AS VARCHAR)` : `CAST(${sqlIdent(name)} AS DOUBLE)`,
  );
  const reader = await connection.runAndReadAll(
    `SELECT CAST(${item} AS VARCHAR)${columns.map((c) => `, ${c}`).join("")} FROM ${source} WHERE ${item} IS NOT NULL`,
  );
  const [items = [], ...values] = reader.getColumnsJS();
  const levels = fields.fields.map(({ categorical }, f) =>
    categorical
      ? [...new Set((values[f] ?? []).filter((v): v is string => typeof v === "string"))].sort((a, b) =>
          a < b ? -1 : a > b ? 1 : 0,
        )
      : [],
  );
  const codes = levels.map((labels) => new Map(labels.map((label, code) => [label, code])));
  const byItem = new Map<string, Float64Array>();
  const slice = new TimeSlice();
  for (let row = 0; row < items.length; row++) {
    const vector = new Float64Array(fields.fields.length);
    fields.fields.forEach(({ categorical }, f) => {
      const value = values[f]?.[row];
      if (value === null || value === undefined) vector[f] = Number.NaN;
      else vector[f] = categorical ? (codes[f]?.get(value as string) ?? Number.NaN) : (value as number);
    });
    byItem.set(items[row] as string, vector);
    if (slice.due()) await slice.pause();
  }
  return { levels, byItem };
}
