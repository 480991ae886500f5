import { rawColumn } from "./csv-source.js";
import { sqlIdent } from "./sql.js";
import type { ColumnConversion } from "./value-conversion.js";

/** Each raw column once, plus its typed attempt, so the expensive conversion runs once per value. */
function attemptsSql(
  relation: string,
  conversions: readonly ColumnConversion[],
  keep: readonly string[],
): string {
  const columns = conversions.flatMap((c, i) => [
    `${rawColumn(i)} AS r${i}`,
    `${c.tryValue(rawColumn(i))} AS v${i}`,
  ]);
  return `SELECT ${[...keep, ...columns].join(", ")} FROM ${relation}`;
}

/**
 * The rows of `relation` typed as the schema says, under the attribute names. A value that does not fit
 * stops the query with an error (its position is found by the diagnosis that follows), so the normal case
 * is a single pass over the data.
 */
export function convertedRowsSql(relation: string, conversions: readonly ColumnConversion[]): string {
  const columns = conversions.map(
    (c, i) => `${c.strictValue(rawColumn(i))} AS ${sqlIdent(c.attribute.AttributeName)}`,
  );
  return `SELECT ${columns.join(", ")} FROM ${relation}`;
}

/**
 * For each row of `relation`: the columns in `keep`, the raw values r0..rn as text and flags ok0..okn, plus
 * `all_ok`. Used to find the first bad row.
 */
export function checkedRowsSql(
  relation: string,
  conversions: readonly ColumnConversion[],
  keep: readonly string[] = [],
): string {
  const flags = conversions.map((c, i) => `${c.valid(`r${i}`, `v${i}`)} AS ok${i}`);
  const raw = conversions.map((_, i) => `CAST(r${i} AS VARCHAR) AS r${i}`);
  const inner = `SELECT ${[...keep, ...raw, ...flags].join(", ")} FROM (${attemptsSql(relation, conversions, keep)})`;
  const allOk = conversions.map((_, i) => `ok${i}`).join(" AND ");
  return `SELECT *, (${allOk}) AS all_ok FROM (${inner})`;
}
