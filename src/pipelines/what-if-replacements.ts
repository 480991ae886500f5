// The what-if forecast job's reading of a TimeSeriesReplacementsDataSource: the user's CSV files, each row checked
// (timestamp format, numbers, one row per series and timestamp) and turned into the rows applyReplacements merges.
import { withConnection } from "../data/duckdb.js";
import { sqlIdent, sqlString } from "../data/sql.js";
import { timestampParsing } from "../data/timestamp-format.js";
import { JobFailure } from "../jobs/job-runner.js";
import type { Services } from "../resources/context.js";
import { toJobFailure } from "../resources/storage-errors.js";
import type { ReplacementRow } from "../resources/what-if-changes.js";
import type { Replacements } from "../resources/what-if-forecasts.js";
import type { Scratch } from "../storage/blob-store.js";
import { parseS3Path } from "../storage/s3-path.js";

/** The replacement file's rows, checked: series key values, point, new values by related index. */
export async function readReplacementRows(
  services: Services,
  scratch: Scratch,
  accountId: string,
  source: Replacements,
  relatedNames: readonly string[],
  relatedKeys: readonly string[],
  signal: AbortSignal,
): Promise<ReplacementRow[]> {
  const { bucket, key } = parseS3Path(source.S3Config.Path);
  const store = services.objectStoreFor(accountId);
  const attributes = source.Schema.Attributes ?? [];
  const names = attributes.map((a) => a.AttributeName ?? "");
  const find = (n: string) => names.find((m) => m.toLowerCase() === n.toLowerCase()) as string;
  const stamp = attributes.find((a) => a.AttributeType === "timestamp")?.AttributeName ?? "timestamp";
  const parsing = timestampParsing(source.TimestampFormat);
  const objects = await store.listPath(bucket, key).catch((e: unknown) => {
    throw toJobFailure(e, source.S3Config.Path);
  });
  if (objects.length === 0) throw new JobFailure(`No file found at ${source.S3Config.Path}.`);
  const rows: ReplacementRow[] = [];
  const seen = new Set<string>();
  for (const [i, object] of objects.entries()) {
    const local = scratch.file(`replacements-${i}.csv`);
    await store.downloadToFile(bucket, object.key, local).catch((e: unknown) => {
      throw toJobFailure(e, `s3://${bucket}/${object.key}`);
    });
    const columns = names.map((n) => `${sqlString(n)}: 'VARCHAR'`).join(", ");
    const parsed = parsing.strptime.map((f) => `try_strptime(${sqlIdent(stamp)}, ${sqlString(f)})`);
    const time = parsing.hasOffset ? `(${parsed.join(", ")})` : `COALESCE(${parsed.join(", ")})`;
    const select = [
      ...relatedKeys.map((k) => sqlIdent(find(k))),
      sqlIdent(stamp),
      `epoch_ms(CAST(${parsed.length > 1 ? time : (parsed[0] as string)} AS TIMESTAMP))`,
      ...relatedNames.map((r) => {
        const n = names.find((m) => m.toLowerCase() === r.toLowerCase());
        return n ? sqlIdent(n) : "NULL";
      }),
    ];
    const data = await withConnection(signal, async (connection) => {
      const reader = await connection.runAndReadAll(
        `SELECT ${select.join(", ")} FROM read_csv(${sqlString(local)}, header = false, all_varchar = true,
             columns = {${columns}})`,
      );
      return reader.getRows() as unknown[][];
    }).catch((e: unknown) => {
      throw new JobFailure(
        `Could not read the replacement file s3://${bucket}/${object.key}: ${e instanceof Error ? e.message : String(e)}`,
      );
    });
    for (const [line, row] of data.entries()) {
      const keyValues = row.slice(0, relatedKeys.length).map((v) => (v === null ? "" : String(v)));
      const text = row[relatedKeys.length];
      const msValue = row[relatedKeys.length + 1];
      const raw = row.slice(relatedKeys.length + 2);
      // A first line equal to the attribute names is a header.
      if (line === 0 && String(text).toLowerCase() === stamp.toLowerCase()) continue;
      if (msValue === null || msValue === undefined) {
        throw new JobFailure(
          `The replacement file s3://${bucket}/${object.key} has the timestamp "${String(text)}", which does not ` +
            `match ${parsing.description}.`,
        );
      }
      const values = raw.map((v, r) => {
        if (v === null || String(v).trim() === "") return undefined;
        const x = Number(v);
        if (!Number.isFinite(x)) {
          throw new JobFailure(
            `The replacement value "${String(v)}" of ${relatedNames[r]} for ${keyValues.join(", ")} at ${String(text)} is not a number.`,
          );
        }
        return x;
      });
      const ms = Number(msValue);
      const id = JSON.stringify([keyValues, ms]);
      if (seen.has(id)) {
        throw new JobFailure(
          `The replacement file has more than one row for ${keyValues.join(", ")} at ${String(text)}; each ` +
            "series may have one row per timestamp.",
        );
      }
      seen.add(id);
      rows.push({ key: keyValues, ms, values });
    }
  }
  return rows;
}
