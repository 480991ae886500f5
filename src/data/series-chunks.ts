// Reading a large query result chunk by chunk (2,048 rows each), so that tens of millions of rows pass into
// typed arrays without ever existing as JS objects or arrays.
import type { DuckDBConnection, DuckDBDataChunk, DuckDBVector } from "@duckdb/node-api";

/** The nullable numbers of one column of a chunk (INTEGER, BIGINT-free numeric columns, DOUBLE). */
export const numbersOf = (chunk: DuckDBDataChunk, column: number): DuckDBVector<number> =>
  chunk.getColumnVector(column) as DuckDBVector<number>;

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
