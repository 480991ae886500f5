import { withConnection } from "../data/duckdb.js";
import { sqlString } from "../data/sql.js";
import { JobFailure } from "../jobs/job-runner.js";
import { parseS3Path } from "../storage/s3-path.js";
import type { Services } from "./context.js";
import { toJobFailure } from "./storage-errors.js";

export interface IdentifierSource {
  path: string;
  attributeNames: string[];
  format?: string;
}

/**
 * The series keys listed in an S3 file (CSV without header, or Parquet), each as the JSON of its values in
 * schema order: how TimeSeriesSelector and a forecast explainability's DataSource name series. A first CSV line
 * equal to the attribute names is taken as a header and skipped.
 */
export async function readSeriesIdentifiers(
  services: Services,
  accountId: string,
  source: IdentifierSource,
  signal: AbortSignal,
): Promise<string[]> {
  const { bucket, key } = parseS3Path(source.path);
  const store = services.objectStoreFor(accountId);
  const scratch = await services.blobs.scratch("identifiers");
  const names = source.attributeNames;
  try {
    const objects = await store.listPath(bucket, key).catch((e: unknown) => {
      throw toJobFailure(e, source.path);
    });
    if (objects.length === 0)
      throw new JobFailure(`No file found at ${source.path} to read series identifiers from.`);
    const keys: string[] = [];
    const seen = new Set<string>();
    for (const [i, object] of objects.entries()) {
      const local = scratch.file(`ids-${i}`);
      await store.downloadToFile(bucket, object.key, local).catch((e: unknown) => {
        throw toJobFailure(e, `s3://${bucket}/${object.key}`);
      });
      const reader =
        source.format === "PARQUET"
          ? `read_parquet(${sqlString(local)})`
          : `read_csv(${sqlString(local)}, header = false, all_varchar = true, columns = {${names
              .map((n) => `${sqlString(n)}: 'VARCHAR'`)
              .join(", ")}})`;
      const rows = await withConnection(signal, async (connection) => {
        const result = await connection.runAndReadAll(`SELECT * FROM ${reader}`);
        return result.getRows() as unknown[][];
      }).catch((e: unknown) => {
        throw new JobFailure(
          `Could not read series identifiers from s3://${bucket}/${object.key}: ${e instanceof Error ? e.message : String(e)}`,
        );
      });
      for (const row of rows) {
        const values = row.map((v) => String(v));
        if (values.every((v, j) => v.toLowerCase() === (names[j] ?? "").toLowerCase())) continue;
        const k = JSON.stringify(values);
        if (!seen.has(k)) {
          seen.add(k);
          keys.push(k);
        }
      }
    }
    return keys;
  } finally {
    await scratch.dispose();
  }
}
