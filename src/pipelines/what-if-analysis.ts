import { writeFile } from "node:fs/promises";
import type { CreateWhatIfAnalysisRequest } from "../contract/generated/forecast.js";
import { withConnection } from "../data/duckdb.js";
import { sqlIdent, sqlString } from "../data/sql.js";
import { type JobContext, JobFailure, type JobHandler } from "../jobs/job-runner.js";
import { STATUS } from "../jobs/statuses.js";
import type { Services } from "../resources/context.js";
import { ownFileVersion } from "../resources/own-files.js";
import { readSeriesIdentifiers } from "../resources/series-identifiers.js";
import { resourcePrefix, type Scratch } from "../storage/blob-store.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { resourceObjects, scratchJob } from "./scratch-job.js";

const KIND = "what-if-analysis";

/** The series (JSON of their key values) of a forecast file (a local copy), in file order. */
export async function forecastFileKeys(
  file: string,
  keyNames: readonly string[],
  signal?: AbortSignal,
): Promise<string[]> {
  const columns = keyNames.map(sqlIdent).join(", ");
  const rows = await withConnection(signal, async (connection) => {
    const reader = await connection.runAndReadAll(
      `SELECT DISTINCT ${columns} FROM read_parquet(${sqlString(file)}) ORDER BY ${columns}`,
    );
    return reader.getRows() as unknown[][];
  });
  return rows.map((row) => JSON.stringify(row.map(String)));
}

/** The analysis' series, as its job recorded them: undefined when it takes all of the forecast's. */
export async function analysisSelection(
  services: Services,
  analysis: ResourceRecord,
): Promise<Set<string> | undefined> {
  if (!analysis.attrs.TimeSeriesSelector) return undefined;
  return new Set(JSON.parse(await services.blobs.readText(String(analysis.attrs.SelectionFile))) as string[]);
}

/**
 * An analysis' job reads its TimeSeriesSelector once, keeps the series of the baseline forecast it names, and
 * records them as an object of the analysis (attribute SelectionFile), so that every what-if forecast works on the
 * same series.
 */
export function whatIfAnalysisJobs(services: Services): JobHandler {
  return scratchJob(
    services,
    (ctx, scratch) => selectSeries(services, ctx, scratch),
    resourceObjects(services, KIND),
  );
}

/** The analysis job's work: its series, recorded as an object when a TimeSeriesSelector names some. */
async function selectSeries(
  services: Services,
  ctx: JobContext,
  scratch: Scratch,
): Promise<Record<string, unknown>> {
  const analysis = ctx.record;
  const forecast = await services.store.get(String(analysis.attrs.ForecastArn));
  if (!forecast || forecast.status !== STATUS.ACTIVE) {
    throw new JobFailure(
      `The forecast ${String(analysis.attrs.ForecastArn)} no longer exists or is not ACTIVE.`,
    );
  }
  const keyNames = forecast.attrs.KeyNames as string[];
  const baseline = await scratch
    .fetch(String(forecast.attrs.ForecastFile), { version: ownFileVersion(forecast) })
    .catch((e: unknown) => {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      services.log.warn({ err: e, arn: forecast.arn }, "a what-if analysis could not read its forecast");
      throw new JobFailure(`The data of the forecast ${forecast.arn} could not be read; create it again.`);
    });
  const all = await forecastFileKeys(baseline, keyNames, ctx.signal);
  const selector = analysis.attrs.TimeSeriesSelector as
    | CreateWhatIfAnalysisRequest["TimeSeriesSelector"]
    | undefined;
  const ids = selector?.TimeSeriesIdentifiers;
  if (!ids?.DataSource || !ids.Schema?.Attributes) return { SeriesCount: all.length, KeyNames: keyNames };
  const names = ids.Schema.Attributes.map((a) => a.AttributeName ?? "");
  const missing = keyNames.filter((k) => !names.some((n) => n.toLowerCase() === k.toLowerCase()));
  if (missing.length > 0 || names.length !== keyNames.length) {
    throw new JobFailure(
      `The TimeSeriesSelector's schema must name exactly the forecast's key fields ${keyNames.join(", ")} ` +
        `(in this order); it names ${names.join(", ")}.`,
    );
  }
  const wanted = new Set(
    await readSeriesIdentifiers(
      services,
      analysis.accountId,
      { path: ids.DataSource.S3Config.Path, attributeNames: names, format: ids.Format },
      ctx.signal,
    ),
  );
  const selected = all.filter((k) => wanted.has(k));
  if (selected.length === 0) {
    throw new JobFailure(
      `None of the ${wanted.size} series the TimeSeriesSelector names is in the forecast ${forecast.arn}.`,
    );
  }
  const local = scratch.file("selection.json");
  await writeFile(local, JSON.stringify(selected));
  const file = `${resourcePrefix(analysis, KIND, analysis.name)}selection.json`;
  await services.blobs.put(file, local);
  return { SeriesCount: selected.length, KeyNames: keyNames, SelectionFile: file };
}
