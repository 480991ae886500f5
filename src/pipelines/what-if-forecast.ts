import fs from "node:fs/promises";
import { withConnection } from "../data/duckdb.js";
import { sqlIdent, sqlString } from "../data/sql.js";
import { ALGORITHM_OF, memberTraits } from "../forecasting/auto/members.js";
import { keyOf, readPredictorModel, seriesWeightsOf } from "../forecasting/auto/predictor-model.js";
import type { PreparedSeries } from "../forecasting/series-set.js";
import { type JobContext, JobFailure, type JobHandler } from "../jobs/job-runner.js";
import { STATUS } from "../jobs/statuses.js";
import type { WorkerPool } from "../jobs/worker-pool.js";
import type { Services } from "../resources/context.js";
import { forecastTypeColumn, writeForecastFile } from "../resources/forecast-files.js";
import { ownFileVersion } from "../resources/own-files.js";
import { parseForecastTypes } from "../resources/predictor-config.js";
import { predictorSeries } from "../resources/series-input.js";
import {
  applyReplacements,
  applyTransformations,
  type Transformation,
} from "../resources/what-if-changes.js";
import { lineage, type Replacements, whatIfSchema } from "../resources/what-if-forecasts.js";
import { resourcePrefix, type Scratch } from "../storage/blob-store.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { computeForecasts } from "./forecast.js";
import { scratchJob } from "./scratch-job.js";
import { analysisSelection, forecastFileKeys } from "./what-if-analysis.js";
import { readReplacementRows } from "./what-if-replacements.js";

const KIND = "what-if-forecast";

/**
 * The key prefix of a what-if forecast's objects, `resources/<account>/<region>/what-if-forecast/<analysis>/<name>/`,
 * from its ARN (what-if-forecast/<analysis>/<name>): names are unique within an analysis only.
 */
export function whatIfForecastPrefix(whatIf: ResourceRecord): string {
  const [analysis, name] = whatIf.arn.split(":").slice(5).join(":").split("/").slice(1) as [string, string];
  return resourcePrefix(whatIf, KIND, analysis, name);
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Member names as a user reads them (GBDT, ETS...). */
const algorithms = (members: Iterable<string>) => [...new Set([...members].map((m) => ALGORITHM_OF[m] ?? m))];

/**
 * A what-if forecast: the analysis' series with their related data changed over the horizon, forecast again
 * with the predictor's fitted models. Only series that changed and have a member that reads related data are
 * computed; the others are the baseline forecast's rows, so they equal it exactly.
 */
export function whatIfForecastJobs(services: Services, pool: WorkerPool): JobHandler {
  return scratchJob(
    services,
    (ctx, scratch) => forecastWhatIf(services, pool, ctx, scratch),
    (record) => services.blobs.deletePrefix(whatIfForecastPrefix(record)),
  );
}

/** The what-if forecast job's work, in its scratch folder; the result is stored under the what-if forecast's prefix. */
async function forecastWhatIf(
  services: Services,
  pool: WorkerPool,
  ctx: JobContext,
  scratch: Scratch,
): Promise<Record<string, unknown>> {
  const whatIf = ctx.record;
  const analysis = await services.store.get(String(whatIf.attrs.WhatIfAnalysisArn));
  if (!analysis || analysis.status !== STATUS.ACTIVE)
    throw new JobFailure(`The what-if analysis ${String(whatIf.attrs.WhatIfAnalysisArn)} is gone.`);
  const { forecast, predictor } = await lineage(services.store, analysis);
  if (!forecast || forecast.status !== STATUS.ACTIVE || !predictor)
    throw new JobFailure("The baseline forecast or its predictor no longer exists.");
  const { set } = await predictorSeries(services.store, predictor, ctx.signal, scratch).catch(
    (e: unknown) => {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      throw new JobFailure(
        `Could not prepare the data to forecast: ${e instanceof Error ? e.message : String(e)}`,
      );
    },
  );
  // The baseline forecast's object: its rows are the what-if forecast's wherever nothing responded.
  const baseFile = await scratch
    .fetch(String(forecast.attrs.ForecastFile), { version: ownFileVersion(forecast) })
    .catch((e: unknown) => {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      services.log.warn({ err: e, arn: forecast.arn }, "a what-if forecast could not read its baseline");
      throw new JobFailure(`The data of the forecast ${forecast.arn} could not be read; create it again.`);
    });
  const keyNames = forecast.attrs.KeyNames as string[];
  const selection = await analysisSelection(services, analysis);
  const wanted = selection ?? new Set(await forecastFileKeys(baseFile, keyNames, ctx.signal));
  const series = set.series.filter((s) => wanted.has(keyOf(s)));
  const schema = await whatIfSchema(services.store, predictor).catch((e: unknown) => {
    throw new JobFailure(e instanceof Error ? e.message : String(e));
  });
  let changed: Set<number>;
  let ignoredRows = 0;
  const replacements = whatIf.attrs.TimeSeriesReplacementsDataSource as Replacements | undefined;
  if (replacements) {
    const rows = await readReplacementRows(
      services,
      scratch,
      whatIf.accountId,
      replacements,
      set.relatedNames,
      schema.relatedKeys,
      ctx.signal,
    );
    const positions = schema.relatedKeys.map((k) => set.keyNames.indexOf(k));
    const result = applyReplacements(set, series, positions, rows);
    if (result.applied === 0) {
      throw new JobFailure(
        `None of the ${rows.length} rows of the replacement file falls on the forecast horizon of a series of ` +
          "the what-if analysis; check the item ids, dimensions and timestamps.",
      );
    }
    changed = result.changed;
    ignoredRows = result.ignored;
  } else {
    changed = applyTransformations(
      set,
      series,
      whatIf.attrs.TimeSeriesTransformations as Transformation[],
      schema.timestampName,
    );
  }
  const model = await readPredictorModel(services.blobs, String(predictor.attrs.ModelFile));
  const responding: PreparedSeries[] = [];
  const silentMembers = new Set<string>();
  for (const i of changed) {
    const s = series[i] as PreparedSeries;
    const members = [...seriesWeightsOf(model, keyOf(s)).keys()];
    if (members.some((m) => memberTraits(m).usesAttributes)) responding.push(s);
    else for (const m of members) silentMembers.add(m);
  }
  const types = forecast.attrs.ForecastTypes as string[];
  const { quantiles } = parseForecastTypes(predictor.attrs.ForecastTypes as string[]);
  const changedFile = scratch.file("changed.parquet");
  if (responding.length > 0) {
    const forecastOf = await computeForecasts(
      services,
      pool,
      predictor,
      set,
      responding,
      ctx.signal,
      ctx.progress,
    );
    await writeForecastFile(changedFile, set, responding, forecastOf, types, quantiles, ctx.signal);
  }
  // The series taken from the baseline as they are: every series of the analysis that did not respond.
  const respondingKeys = new Set(responding.map(keyOf));
  const keep = [...wanted].filter((k) => !respondingKeys.has(k));
  const keepFile = scratch.file("keep.csv");
  await fs.writeFile(
    keepFile,
    keep.map((k) => (JSON.parse(k) as string[]).map(csvField).join(",")).join("\n") +
      (keep.length ? "\n" : ""),
  );
  const keyColumns = keyNames.map((_n, i) => `${sqlString(`k${i}`)}: 'VARCHAR'`).join(", ");
  const on = keyNames.map((n, i) => `b.${sqlIdent(n)} = k.k${i}`).join(" AND ");
  const columns = [...keyNames.map(sqlIdent), "date", ...types.map((t) => sqlIdent(forecastTypeColumn(t)))];
  const parts: string[] = [];
  if (keep.length > 0) {
    parts.push(
      `SELECT ${columns.map((c) => `b.${c}`).join(", ")} FROM read_parquet(${sqlString(baseFile)}) b
           SEMI JOIN read_csv(${sqlString(keepFile)}, header = false, all_varchar = true, columns = {${keyColumns}}) k ON ${on}`,
    );
  }
  if (responding.length > 0) {
    parts.push(`SELECT ${columns.join(", ")} FROM read_parquet(${sqlString(changedFile)})`);
  }
  const local = scratch.file("forecast.parquet");
  await withConnection(ctx.signal, async (connection) => {
    await connection.run(
      `COPY (SELECT * FROM (${parts.join(" UNION ALL ")}) ORDER BY ${[...keyNames.map(sqlIdent), "date"].join(", ")})
           TO ${sqlString(local)} (FORMAT parquet)`,
    );
  });
  // The what-if forecast's rows, in the layout of a forecast file (keys, date, one column per forecast type).
  const file = `${whatIfForecastPrefix(whatIf)}forecast.parquet`;
  await services.blobs.put(file, local);
  const notes: string[] = [];
  if (changed.size === 0) {
    notes.push(
      "No related value in the forecast horizon of the analysis' series changed, so the what-if forecast " +
        "equals the baseline forecast.",
    );
  } else if (responding.length === 0) {
    notes.push(
      `The related data of ${changed.size} series changed, but the members that forecast them ` +
        `(${algorithms(silentMembers).join(", ")}) take no related data, so the what-if forecast equals the ` +
        "baseline forecast.",
    );
  } else if (responding.length < changed.size) {
    notes.push(
      `The related data of ${changed.size} series changed; ${responding.length} respond to it. The other ` +
        `${changed.size - responding.length} are forecast by members that take no related data ` +
        `(${algorithms(silentMembers).join(", ")}) and equal the baseline.`,
    );
  }
  if (ignoredRows > 0) {
    notes.push(
      `${ignoredRows} rows of the replacement file name no series of the analysis or fall outside the ` +
        "forecast horizon; they were ignored.",
    );
  }
  return {
    ForecastFile: file,
    SeriesCount: wanted.size,
    ChangedSeries: changed.size,
    RespondingSeries: responding.length,
    Notice: notes.length > 0 ? notes.join(" ") : undefined,
  };
}
