import { rm } from "node:fs/promises";
import { join } from "node:path";
import {
  BIGINT,
  DOUBLE,
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  VARCHAR,
} from "@duckdb/node-api";
import { sqlString, sqlStringList } from "../data/sql.js";
import { type ExportColumnType, namedSelectList, positionalTableColumns } from "./export-format.js";
import { copyPart, type PartPlan, type PartSink } from "./local-part.js";
import { ColumnBuffer } from "./row-values.js";
import { STAGING_COPY_OPTIONS } from "./staging.js";

const DUCKDB_TYPE: Record<ExportColumnType, DuckDBType> = { VARCHAR, DOUBLE, BIGINT };
/** Rows per data chunk handed to the appender: DuckDB's vector size, the most a chunk holds. */
const CHUNK_ROWS = 2048;
/**
 * Rows held in DuckDB's memory at once. Measured with 1M rows x 18 columns to CSV: a whole 1M-row part in the
 * table peaked at 780 MB RSS, 250k rows at 570 MB.
 */
const SEGMENT_ROWS = 100_000;
/** The connection's private table of the rows not yet staged. */
const TABLE = "export_segment_rows";

/**
 * Writes row batches from JS as parts of at most `maxRowsPerPart` rows, in the order given, handing each to
 * `sink` as soon as it is written. Returns the number of rows.
 *
 * Rows go, a data chunk at a time, into a temporary DuckDB table; every SEGMENT_ROWS rows (and at the end of a
 * part) the table is written to a staging Parquet segment and dropped, and a part file is copied from its
 * segments. So memory holds one segment, never a part or the export, and DuckDB formats the values exactly as
 * for a SQL source.
 */
export async function writeRowsSourceParts(
  connection: DuckDBConnection,
  batches: AsyncIterable<unknown[][]>,
  plan: PartPlan,
  sink: PartSink,
): Promise<number> {
  const writer = new StagedRowsWriter(connection, plan, sink);
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
        if (writer.add(row)) await writer.flush();
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

/** Rows in, staged segments, part files out. */
class StagedRowsWriter {
  private readonly connection: DuckDBConnection;
  private readonly plan: PartPlan;
  private readonly sink: PartSink;
  private readonly buffer: ColumnBuffer;
  /** Reused for every chunk: each one created anew would hold native memory until garbage collection. */
  private readonly chunk: DuckDBDataChunk;
  private readonly segmentRows: number;
  private appender: DuckDBAppender | undefined;
  /** Staged segment files of the part being written. */
  private segments: string[] = [];
  private segmentCount = 0;
  private partIndex = 0;
  private rowsInSegment = 0;
  private rowsInPart = 0;
  private rows = 0;

  constructor(connection: DuckDBConnection, plan: PartPlan, sink: PartSink) {
    this.connection = connection;
    this.plan = plan;
    this.sink = sink;
    this.buffer = new ColumnBuffer(plan.columns);
    this.chunk = DuckDBDataChunk.create(plan.columns.map((column) => DUCKDB_TYPE[column.type]));
    this.segmentRows = Math.min(SEGMENT_ROWS, plan.maxRowsPerPart);
  }

  /**
   * Adds a row (to the chunk buffer, and a full chunk to the table). Synchronous, since it runs per row; true
   * when a segment or the part is full and `flush` is due.
   */
  add(row: unknown): boolean {
    this.buffer.add(row, this.rows + 1);
    this.rows += 1;
    this.rowsInSegment += 1;
    this.rowsInPart += 1;
    if (this.buffer.size >= CHUNK_ROWS) this.appendBuffered();
    return this.rowsInSegment >= this.segmentRows || this.rowsInPart >= this.plan.maxRowsPerPart;
  }

  /** Stages the rows so far; writes the part when it is full. */
  async flush(): Promise<void> {
    await this.stageSegment();
    if (this.rowsInPart >= this.plan.maxRowsPerPart) await this.writePart();
  }

  /** Writes the last part (part 0 with no rows when there were none) and returns the row count. */
  async close(): Promise<number> {
    if (this.rowsInPart > 0 || this.partIndex === 0) {
      if (this.rowsInSegment > 0 || this.segments.length === 0) await this.stageSegment();
      await this.writePart();
    }
    return this.rows;
  }

  dispose(): void {
    this.appender?.closeSync();
    this.appender = undefined;
  }

  /** Creates the table of the next rows (and its appender). */
  async open(): Promise<void> {
    await this.connection.run(
      `CREATE OR REPLACE TEMP TABLE ${TABLE} (${positionalTableColumns(this.plan.columns)})`,
    );
    this.appender = await this.connection.createAppender(TABLE);
  }

  private appendBuffered(): void {
    if (this.buffer.size === 0) return;
    this.chunk.setColumns(this.buffer.columns);
    (this.appender as DuckDBAppender).appendDataChunk(this.chunk);
    this.buffer.clear();
  }

  /** Writes the table (and the buffered rows) to the next segment file and drops it. */
  private async stageSegment(): Promise<void> {
    this.plan.signal?.throwIfAborted();
    this.appendBuffered();
    // Closing flushes the appender's rows into the table.
    this.dispose();
    const file = join(this.plan.directory, `segment-${this.segmentCount}.parquet`);
    this.segmentCount += 1;
    await this.connection.run(`COPY ${TABLE} TO ${sqlString(file)} ${STAGING_COPY_OPTIONS}`);
    // Dropped rather than emptied: DuckDB gives a dropped table's memory back at once.
    await this.connection.run(`DROP TABLE ${TABLE}`);
    this.segments.push(file);
    this.rowsInSegment = 0;
    await this.open();
  }

  private async writePart(): Promise<void> {
    this.plan.signal?.throwIfAborted();
    const part = await copyPart(
      this.connection,
      this.plan,
      this.partIndex,
      `SELECT ${namedSelectList(this.plan.columns)} FROM read_parquet(${sqlStringList(this.segments)})`,
    );
    await Promise.all(this.segments.map((file) => rm(file, { force: true })));
    this.segments = [];
    this.partIndex += 1;
    this.rowsInPart = 0;
    await this.sink(part);
  }
}
