import { type DuckDBAppender, type DuckDBConnection, DuckDBDataChunk, type DuckDBType } from "@duckdb/node-api";
import { BIGINT, DOUBLE, VARCHAR } from "@duckdb/node-api";
import { type ExportColumnType, namedSelectList, positionalTableColumns } from "./export-format.js";
import { copyPart, type PartPlan, type PartSink } from "./local-part.js";
import { ColumnBuffer } from "./row-values.js";

const DUCKDB_TYPE: Record<ExportColumnType, DuckDBType> = { VARCHAR, DOUBLE, BIGINT };
/** Rows per data chunk handed to the appender: DuckDB's vector size, the most a chunk holds. */
const CHUNK_ROWS = 2048;
/** The connection's private table of the part being written. */
const TABLE = "export_part_rows";

/**
 * Writes row batches from JS as parts of at most `maxRowsPerPart` rows, in the order given, handing each to
 * `sink` as soon as it is written. Returns the number of rows.
 *
 * Rows go, a data chunk at a time, into a temporary DuckDB table that holds one part; the part file is copied
 * from it, then the table is dropped. So memory holds one part (DuckDB spills it to disk past its memory limit),
 * never the export, and DuckDB formats the values exactly as for a SQL source.
 */
export async function writeRowsSourceParts(
  connection: DuckDBConnection,
  batches: AsyncIterable<unknown[][]>,
  plan: PartPlan,
  sink: PartSink,
): Promise<number> {
  const writer = new PartTableWriter(connection, plan, sink);
  const iterator = batches[Symbol.asyncIterator]();
  let exhausted = false;
  try {
    await writer.open();
    for (;;) {
      const next = await nextOrAbort(iterator, plan.signal);
      if (next.done) {
        exhausted = true;
        break;
      }
      for (const row of next.value) {
        if (writer.add(row)) await writer.finishPart(true);
      }
    }
    return await writer.close();
  } finally {
    // Tells a generator that nobody reads on, so that it can release what it holds. Not awaited: a generator
    // busy in an await (the very case of a stop) only takes the request at its next yield, maybe never.
    if (!exhausted) iterator.return?.()?.catch(() => {});
    writer.dispose();
  }
}

/** The next batch, or the signal's reason as soon as it aborts (a slow producer must not delay a stop). */
function nextOrAbort<T>(
  iterator: AsyncIterator<T>,
  signal: AbortSignal | undefined,
): Promise<IteratorResult<T>> {
  if (!signal) return iterator.next();
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    iterator.next().then(
      (result) => {
        signal.removeEventListener("abort", onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** One part at a time in a temporary table: rows in, part files out. */
class PartTableWriter {
  private readonly connection: DuckDBConnection;
  private readonly plan: PartPlan;
  private readonly sink: PartSink;
  private readonly buffer: ColumnBuffer;
  /** Reused for every chunk: each one created anew would hold native memory until garbage collection. */
  private readonly chunk: DuckDBDataChunk;
  private appender: DuckDBAppender | undefined;
  private partIndex = 0;
  private rowsInPart = 0;
  private rows = 0;

  constructor(connection: DuckDBConnection, plan: PartPlan, sink: PartSink) {
    this.connection = connection;
    this.plan = plan;
    this.sink = sink;
    this.buffer = new ColumnBuffer(plan.columns);
    this.chunk = DuckDBDataChunk.create(plan.columns.map((column) => DUCKDB_TYPE[column.type]));
  }

  async open(): Promise<void> {
    await this.connection.run(`CREATE OR REPLACE TEMP TABLE ${TABLE} (${positionalTableColumns(this.plan.columns)})`);
    this.appender = await this.connection.createAppender(TABLE);
  }

  /** Adds a row; true when the part is full and `finishPart` is due (kept synchronous: it runs per row). */
  add(row: unknown): boolean {
    this.buffer.add(row, this.rows + 1);
    this.rows += 1;
    this.rowsInPart += 1;
    if (this.buffer.size >= CHUNK_ROWS) this.appendBuffered();
    return this.rowsInPart >= this.plan.maxRowsPerPart;
  }

  /** Writes the last part (part 0 with no rows when there were none) and returns the row count. */
  async close(): Promise<number> {
    if (this.rowsInPart > 0 || this.partIndex === 0) await this.finishPart(false);
    return this.rows;
  }

  dispose(): void {
    this.appender?.closeSync();
    this.appender = undefined;
  }

  private appendBuffered(): void {
    if (this.buffer.size === 0) return;
    this.chunk.setColumns(this.buffer.columns);
    (this.appender as DuckDBAppender).appendDataChunk(this.chunk);
    this.buffer.clear();
  }

  /** Writes the part file of the rows so far and hands it on; `more` starts the table of the next part. */
  async finishPart(more: boolean): Promise<void> {
    this.plan.signal?.throwIfAborted();
    this.appendBuffered();
    // Closing flushes the appender's rows into the table.
    this.dispose();
    const part = await copyPart(
      this.connection,
      this.plan,
      this.partIndex,
      `SELECT ${namedSelectList(this.plan.columns)} FROM ${TABLE}`,
    );
    // Dropped rather than emptied: DuckDB gives a dropped table's memory back at once.
    await this.connection.run(`DROP TABLE ${TABLE}`);
    this.partIndex += 1;
    this.rowsInPart = 0;
    await this.sink(part);
    if (more) await this.open();
  }
}
