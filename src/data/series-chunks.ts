// Reading a large query result chunk by chunk (2,048 rows each), so that tens of millions of rows pass into
// typed arrays without ever existing as JS objects or arrays.
import type { DuckDBConnection, DuckDBDataChunk, DuckDBVector } from "@duckdb/node-api";

/**
 * The values of a DOUBLE or INTEGER column of a chunk as a typed array. The SQL must make the column non-NULL
 * (missing numbers as NaN): NULL slots of DuckDB's buffer hold no defined value.
 *
 * @duckdb/node-api 1.5 keeps the column's own buffer as a typed array (`items`) but exposes it only value by value
 * (getItem, with a BigInt validity test per value when the chunk has NULLs), which costs more than the rest of the
 * per-row work here. So the buffer is used when it is there, and copied value by value when it is not (another
 * library version).
 */
function column<T extends Float64Array | Int32Array>(
  chunk: DuckDBDataChunk,
  index: number,
  kind: { new (length: number): T },
): T {
  const vector = chunk.getColumnVector(index) as DuckDBVector<number>;
  const items = (vector as unknown as { items?: unknown }).items;
  if (items instanceof kind && items.length === chunk.rowCount) return items as T;
  const copy = new kind(chunk.rowCount);
  for (let i = 0; i < copy.length; i++) copy[i] = vector.getItem(i) ?? Number.NaN;
  return copy;
}

export const doubles = (chunk: DuckDBDataChunk, index: number): Float64Array =>
  column(chunk, index, Float64Array);
export const integers = (chunk: DuckDBDataChunk, index: number): Int32Array =>
  column(chunk, index, Int32Array);

/** Runs `sql` and hands every chunk of its result to `visit`; checks `signal` between chunks. */
export async function forEachChunk(
  connection: DuckDBConnection,
  sql: string,
  signal: AbortSignal | undefined,
  visit: (chunk: DuckDBDataChunk) => void,
): Promise<void> {
  const result = await connection.stream(sql);
  for (;;) {
    signal?.throwIfAborted();
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    visit(chunk);
  }
}
