import fs from "node:fs/promises";
import type {
  CreateWhatIfForecastRequest,
  DeleteWhatIfForecastRequest,
  DescribeWhatIfForecastRequest,
  ListWhatIfForecastsRequest,
} from "../contract/generated/forecast.js";
import type { QueryWhatIfForecastRequest } from "../contract/generated/forecastquery.js";
import { withConnection } from "../data/duckdb.js";
import { metadataFields, relatedFields, targetFields } from "../data/series-fields.js";
import { sqlIdent, sqlString } from "../data/sql.js";
import { timestampParsing } from "../data/timestamp-format.js";
import { inUse, invalidInput, limitExceeded } from "../errors.js";
import { ALGORITHM_OF, memberTraits } from "../forecasting/auto/members.js";
import type { PreparedSeries } from "../forecasting/series-set.js";
import { type JobContext, JobFailure, type JobHandler } from "../jobs/job-runner.js";
import { DELETABLE_STATUSES, STATUS } from "../jobs/statuses.js";
import type { WorkerPool } from "../jobs/worker-pool.js";
import { computeForecasts } from "../pipelines/forecast.js";
import { keyOf, readPredictorModel, seriesWeightsOf } from "../pipelines/predictor-training.js";
import { resourcePrefix, type Scratch } from "../storage/blob-store.js";
import { parseS3Path } from "../storage/s3-path.js";
import type { ResourceRecord, ResourceStore } from "../store/resource-store.js";
import { buildArn } from "./arn.js";
import {
  checkKmsKeyArn,
  checkRoleArn,
  checkUserTags,
  epochSeconds,
  insertNew,
  KIND_LABEL,
  newRecord,
  requireResource,
} from "./common.js";
import type { OperationHandler, RequestContext, Services } from "./context.js";
import { forecastTypeColumn, writeForecastFile } from "./forecast-files.js";
import { dataFileOf, groupDatasets, schemaOf } from "./group-data.js";
import { listPage } from "./listing.js";
import { parseForecastTypes } from "./predictor-config.js";
import { queryForecastFile } from "./query-forecast.js";
import { requireS3Access } from "./s3-access.js";
import { predictorSeries } from "./series-input.js";
import { toJobFailure } from "./storage-errors.js";
import { analysisSelection, forecastFileKeys } from "./what-if-analyses.js";
import {
  applyReplacements,
  applyTransformations,
  checkTransformations,
  type ReplacementRow,
  type Transformation,
  type WhatIfSchema,
} from "./what-if-changes.js";

const KIND = "what-if-forecast";
/** What-if forecasts per what-if analysis (docs/decisions.md, "What-if analyses"). */
export const MAX_WHAT_IF_FORECASTS_PER_ANALYSIS = 50;

type Replacements = NonNullable<CreateWhatIfForecastRequest["TimeSeriesReplacementsDataSource"]>;

/** The baseline forecast and predictor behind an analysis, as they are now. */
async function lineage(store: ResourceStore, analysis: ResourceRecord) {
  const forecast = await store.get(String(analysis.attrs.ForecastArn));
  const predictor = forecast ? await store.get(String(forecast.attrs.PredictorArn)) : undefined;
  return { forecast, predictor };
}

/** The fields a what-if forecast may name, from the predictor's dataset group as it is now. */
async function whatIfSchema(
  store: ResourceStore,
  predictor: ResourceRecord,
): Promise<WhatIfSchema & { relatedKeys: string[] }> {
  const group = await store.get(String(predictor.attrs.DatasetGroupArn));
  if (!group) throw inUse(`The dataset group of the predictor ${predictor.arn} no longer exists.`);
  const datasets = await groupDatasets(store, group);
  const dims = (predictor.attrs.ForecastDimensions as string[] | undefined) ?? [];
  const fail = (e: unknown) => {
    throw invalidInput(e instanceof Error ? e.message : String(e));
  };
  let timestampName = "timestamp";
  let relatedNames: string[] = [];
  let relatedKeys = [datasets.itemIdField];
  let metadataNames: string[] = [];
  try {
    if (datasets.target) {
      timestampName = targetFields(
        schemaOf(datasets.target),
        datasets.itemIdField,
        datasets.targetField,
        dims,
      ).timestamp;
    }
    if (datasets.related && dataFileOf(datasets.related)) {
      const related = relatedFields(schemaOf(datasets.related), datasets.itemIdField, dims);
      relatedNames = related.features;
      relatedKeys = related.keys;
    }
    if (datasets.metadata && dataFileOf(datasets.metadata)) {
      metadataNames = metadataFields(schemaOf(datasets.metadata), datasets.itemIdField).fields.map(
        (f) => f.name,
      );
    }
  } catch (e) {
    fail(e);
  }
  return {
    relatedNames,
    keyNames: [datasets.itemIdField, ...dims],
    metadataNames,
    timestampName,
    relatedKeys,
  };
}

/** A replacement data source's checks at creation: format, schema, timestamp format, role, key, path, access. */
async function checkReplacements(
  ctx: RequestContext,
  source: Replacements,
  schema: WhatIfSchema & { relatedKeys: string[] },
): Promise<void> {
  if (source.Format && source.Format !== "CSV") {
    throw invalidInput("The replacement time series must be a CSV file; Format PARQUET is not accepted.");
  }
  const attributes = source.Schema.Attributes ?? [];
  const names = attributes.map((a) => (a.AttributeName ?? "").toLowerCase());
  if (new Set(names).size !== names.length) {
    throw invalidInput("The replacement schema names an attribute more than once.");
  }
  for (const key of schema.relatedKeys) {
    if (!names.includes(key.toLowerCase())) {
      throw invalidInput(
        `The replacement schema must include ${key}: a replacement names its series by ${schema.relatedKeys.join(", ")}.`,
      );
    }
  }
  const stamps = attributes.filter((a) => a.AttributeType === "timestamp");
  if (stamps.length !== 1) {
    throw invalidInput("The replacement schema must have exactly one attribute of type timestamp.");
  }
  const related = new Set(schema.relatedNames.map((n) => n.toLowerCase()));
  const keys = new Set(schema.relatedKeys.map((n) => n.toLowerCase()));
  let changes = 0;
  for (const a of attributes) {
    const name = (a.AttributeName ?? "").toLowerCase();
    if (keys.has(name) || a.AttributeType === "timestamp") continue;
    if (!related.has(name)) {
      throw invalidInput(
        schema.relatedNames.length === 0
          ? "The predictor has no related time series, so there is nothing to replace."
          : `The replacement attribute ${a.AttributeName} is not a related time series attribute of the predictor; it has ${schema.relatedNames.join(", ")}.`,
      );
    }
    if (a.AttributeType !== "float" && a.AttributeType !== "integer") {
      throw invalidInput(`The replacement attribute ${a.AttributeName} must be of type float or integer.`);
    }
    changes++;
  }
  if (changes === 0) {
    throw invalidInput(
      `The replacement schema must include at least one related time series attribute (${schema.relatedNames.join(", ")}).`,
    );
  }
  try {
    timestampParsing(source.TimestampFormat);
  } catch (e) {
    throw invalidInput((e as Error).message);
  }
  const s3 = source.S3Config;
  await checkRoleArn(ctx, s3.RoleArn);
  if (s3.KMSKeyArn) checkKmsKeyArn(ctx, s3.KMSKeyArn);
  try {
    parseS3Path(s3.Path);
  } catch (error) {
    throw invalidInput((error as Error).message);
  }
  await requireS3Access(ctx, s3.Path, "read", s3.RoleArn);
}

export const CreateWhatIfForecast: OperationHandler<CreateWhatIfForecastRequest> = async (ctx, input) => {
  const tags = checkUserTags(input.Tags);
  const analysis = await requireResource(ctx, input.WhatIfAnalysisArn, ["what-if-analysis"]);
  if (analysis.status !== STATUS.ACTIVE) {
    throw inUse(
      `The what-if analysis ${analysis.arn} is ${analysis.status}; what-if forecasts need it ACTIVE.`,
    );
  }
  const transformations = input.TimeSeriesTransformations ?? [];
  const replacements = input.TimeSeriesReplacementsDataSource;
  if (transformations.length > 0 && replacements) {
    throw invalidInput(
      "Give either TimeSeriesTransformations or TimeSeriesReplacementsDataSource, not both: a what-if forecast " +
        "changes the related time series in one of the two ways.",
    );
  }
  if (transformations.length === 0 && !replacements) {
    throw invalidInput(
      "A what-if forecast needs TimeSeriesTransformations or a TimeSeriesReplacementsDataSource to change the " +
        "related time series; without either it would be the baseline forecast.",
    );
  }
  const { forecast, predictor } = await lineage(ctx.services.store, analysis);
  if (!forecast || forecast.status !== STATUS.ACTIVE || !predictor) {
    throw inUse(`The baseline forecast of the what-if analysis ${analysis.arn} is gone or not ACTIVE.`);
  }
  const schema = await whatIfSchema(ctx.services.store, predictor);
  if (schema.relatedNames.length === 0) {
    throw invalidInput(
      `The predictor ${predictor.arn} was trained without a related time series; a what-if forecast changes ` +
        "related time series, so there is nothing to change.",
    );
  }
  if (replacements) await checkReplacements(ctx, replacements, schema);
  else checkTransformations(transformations as Transformation[], schema);
  const arn = buildArn(ctx, KIND, input.WhatIfForecastName, analysis.name);
  const record = newRecord(ctx, {
    arn,
    kind: KIND,
    name: input.WhatIfForecastName,
    parentArn: analysis.arn,
    status: STATUS.CREATE_PENDING,
    attrs: {
      WhatIfAnalysisArn: analysis.arn,
      ForecastArn: forecast.arn,
      ForecastTypes: forecast.attrs.ForecastTypes,
      KeyNames: forecast.attrs.KeyNames,
      TimeSeriesTransformations: transformations.length > 0 ? transformations : undefined,
      TimeSeriesReplacementsDataSource: replacements,
    },
  });
  // Counted just before the insert, not with it: the store's guards count per account, not per parent, so two
  // creates racing at the limit could both pass (docs/decisions.md, "What-if analyses").
  const siblings = (await ctx.services.store.children(analysis.arn)).filter((r) => r.kind === KIND).length;
  if (siblings >= MAX_WHAT_IF_FORECASTS_PER_ANALYSIS) {
    throw limitExceeded(
      `The what-if analysis ${analysis.arn} already has ${siblings} what-if forecasts; the limit is ` +
        `${MAX_WHAT_IF_FORECASTS_PER_ANALYSIS}. Delete one or start another analysis.`,
    );
  }
  await insertNew(ctx, record, { tags });
  ctx.services.jobs.kick();
  return { WhatIfForecastArn: arn };
};

/** Describe's Message: the failure, else what the job found worth saying (e.g. that nothing responded). */
const messageOf = (r: ResourceRecord) => r.message ?? (r.attrs.Notice as string | undefined);

export const DescribeWhatIfForecast: OperationHandler<DescribeWhatIfForecastRequest> = async (ctx, input) => {
  const r = await requireResource(ctx, input.WhatIfForecastArn, [KIND]);
  return {
    WhatIfForecastName: r.name,
    WhatIfForecastArn: r.arn,
    WhatIfAnalysisArn: r.attrs.WhatIfAnalysisArn,
    EstimatedTimeRemainingInMinutes: r.attrs.EstimatedTimeRemainingInMinutes,
    Status: r.status,
    Message: messageOf(r),
    CreationTime: epochSeconds(r.createdAt),
    LastModificationTime: epochSeconds(r.modifiedAt),
    TimeSeriesTransformations: r.attrs.TimeSeriesTransformations,
    TimeSeriesReplacementsDataSource: r.attrs.TimeSeriesReplacementsDataSource,
    ForecastTypes: r.attrs.ForecastTypes,
  };
};

export const ListWhatIfForecasts: OperationHandler<ListWhatIfForecastsRequest> = async (ctx, input) => {
  const page = await listPage(
    ctx,
    {
      operation: "ListWhatIfForecasts",
      kind: KIND,
      filterKeys: { WhatIfForecastArn: "arn", WhatIfAnalysisArn: "parentArn", Status: "status" },
    },
    input,
  );
  return {
    WhatIfForecasts: page.records.map((r) => ({
      WhatIfForecastArn: r.arn,
      WhatIfForecastName: r.name,
      WhatIfAnalysisArn: r.attrs.WhatIfAnalysisArn,
      Status: r.status,
      Message: messageOf(r),
      CreationTime: epochSeconds(r.createdAt),
      LastModificationTime: epochSeconds(r.modifiedAt),
    })),
    NextToken: page.nextToken,
  };
};

export const DeleteWhatIfForecast: OperationHandler<DeleteWhatIfForecastRequest> = async (ctx, input) => {
  const whatIf = await requireResource(ctx, input.WhatIfForecastArn, [KIND]);
  const exporting = (await ctx.services.store.referrers(whatIf.arn))[0];
  if (exporting) {
    throw inUse(
      `The what-if forecast ${whatIf.arn} is exported by the ${KIND_LABEL[exporting.kind]} ${exporting.arn}; ` +
        "delete that first, or the whole tree with DeleteResourceTree.",
    );
  }
  if (!(await ctx.services.jobs.delete(whatIf.arn, DELETABLE_STATUSES))) {
    throw inUse(
      `The what-if forecast ${whatIf.arn} is ${whatIf.status}; stop it or wait before deleting it.`,
    );
  }
  return {};
};

export const QueryWhatIfForecast: OperationHandler<QueryWhatIfForecastRequest> = async (ctx, input) => {
  const whatIf = await requireResource(ctx, input.WhatIfForecastArn, [KIND]);
  if (whatIf.status !== STATUS.ACTIVE) {
    throw inUse(`The what-if forecast ${whatIf.arn} is ${whatIf.status}; it can be queried once ACTIVE.`);
  }
  return queryForecastFile(
    ctx.services.blobs,
    {
      operation: "QueryWhatIfForecast",
      arn: whatIf.arn,
      file: String(whatIf.attrs.ForecastFile),
      version: String(whatIf.createdAt),
      keyNames: whatIf.attrs.KeyNames as string[],
      types: whatIf.attrs.ForecastTypes as string[],
    },
    input,
  );
};

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

/** The replacement file's rows, checked: series key values, point, new values by related index. */
async function readReplacementRows(
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

/** Member names as a user reads them (GBDT, ETS...). */
const algorithms = (members: Iterable<string>) => [...new Set([...members].map((m) => ALGORITHM_OF[m] ?? m))];

/**
 * A what-if forecast: the analysis' series with their related data changed over the horizon, forecast again
 * with the predictor's fitted models. Only series that changed and have a member that reads related data are
 * computed; the others are the baseline forecast's rows, so they equal it exactly.
 */
export function whatIfForecastJobs(services: Services, pool: WorkerPool): JobHandler {
  return {
    async run(ctx: JobContext) {
      const scratch = await services.blobs.scratch(ctx.record.name);
      try {
        return await forecastWhatIf(services, pool, ctx, scratch);
      } finally {
        await scratch.dispose();
      }
    },
    async cleanup(record) {
      await services.blobs.deletePrefix(whatIfForecastPrefix(record));
    },
    async remove(record) {
      await services.blobs.deletePrefix(whatIfForecastPrefix(record));
    },
  };
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
  const baseFile = await scratch.fetch(String(forecast.attrs.ForecastFile)).catch((e: unknown) => {
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
