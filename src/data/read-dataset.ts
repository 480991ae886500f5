import type { DuckDBConnection, DuckDBValue, JS } from "@duckdb/node-api";
import { type DatasetMetadata, parseDatasetMetadata } from "./dataset-metadata.js";
import { withConnection } from "./duckdb.js";
import { sqlString } from "./sql.js";

/** Parameters of a query: positional ($1, $2, ...) or named ($name). */
export type QueryParameters = DuckDBValue[] | Record<string, DuckDBValue>;

export interface DatasetDescription {
  rowCount: number;
  columns: { name: string; type: string }[];
  /** Undefined for a Parquet file not written by importFiles. */
  metadata?: DatasetMetadata;
}

/** Runs `sql` with the file visible as the view `dataset` (and nothing else of other callers in scope). */
async function onDataset<T>(
  parquetPath: string,
  signal: AbortSignal | undefined,
  work: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  return withConnection(signal, async (connection) => {
    await connection.run(`CREATE TEMP VIEW dataset AS SELECT * FROM read_parquet(${sqlString(parquetPath)})`);
    return work(connection);
  });
}

/**
 * The rows of a query over a canonical dataset file, which the query calls `dataset`, e.g.
 * `SELECT item_id, sum(demand) AS total FROM dataset GROUP BY item_id`. Values come as plain JS: numbers,
 * strings, Date for TIMESTAMP, bigint for BIGINT (cast in SQL when a number is wanted).
 */
export async function queryDataset(
  parquetPath: string,
  sql: string,
  parameters?: QueryParameters,
  signal?: AbortSignal,
): Promise<Record<string, JS>[]> {
  return onDataset(parquetPath, signal, async (connection) => {
    const reader = await connection.runAndReadAll(sql, parameters);
    return reader.getRowObjectsJS();
  });
}

/** Like queryDataset, but column by column: the shape numeric code wants (one array per column). */
export async function queryDatasetColumns(
  parquetPath: string,
  sql: string,
  parameters?: QueryParameters,
  signal?: AbortSignal,
): Promise<Record<string, JS[]>> {
  return onDataset(parquetPath, signal, async (connection) => {
    const reader = await connection.runAndReadAll(sql, parameters);
    return reader.getColumnsObjectJS();
  });
}

/** Row count, columns and import metadata of a canonical dataset file, without reading its data. */
export async function describeDataset(
  parquetPath: string,
  signal?: AbortSignal,
): Promise<DatasetDescription> {
  return withConnection(signal, async (connection) => {
    const file = sqlString(parquetPath);
    const columns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${file})`))
      .getRowObjectsJS()
      .map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    const count = await connection.runAndReadAll(
      `SELECT sum(num_rows) AS n FROM parquet_file_metadata(${file})`,
    );
    const pairs = await connection.runAndReadAll(
      `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${file})`,
    );
    const metadata = parseDatasetMetadata(new Map(pairs.getRows().map(([k, v]) => [String(k), String(v)])));
    return {
      rowCount: Number(count.getRows()[0]?.[0] ?? 0),
      columns,
      ...(metadata === undefined ? {} : { metadata }),
    };
  });
}
