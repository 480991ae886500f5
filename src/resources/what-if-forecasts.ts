import type {
  CreateWhatIfForecastRequest,
  DeleteWhatIfForecastRequest,
  DescribeWhatIfForecastRequest,
  ListWhatIfForecastsRequest,
} from "../contract/generated/forecast.js";
import type { QueryWhatIfForecastRequest } from "../contract/generated/forecastquery.js";
import { metadataFields, relatedFields, targetFields } from "../data/series-fields.js";
import { timestampParsing } from "../data/timestamp-format.js";
import { inUse, invalidInput, limitExceeded } from "../errors.js";
import { STATUS } from "../jobs/statuses.js";
import type { ResourceRecord, ResourceStore } from "../store/resource-store.js";
import { buildArn } from "./arn.js";
import { checkCreate, createJob, deleteJobResource, epochSeconds, requireResource } from "./common.js";
import type { OperationHandler, RequestContext } from "./context.js";
import { dataFileOf, groupDatasets, schemaOf } from "./group-data.js";
import { listPage } from "./listing.js";
import { ownFileVersion } from "./own-files.js";
import { queryForecastFile } from "./query-forecast.js";
import { checkS3Config } from "./s3-access.js";
import { checkTransformations, type Transformation, type WhatIfSchema } from "./what-if-changes.js";

const KIND = "what-if-forecast";
/** What-if forecasts per what-if analysis (docs/decisions.md, "What-if analyses"). */
export const MAX_WHAT_IF_FORECASTS_PER_ANALYSIS = 50;

export type Replacements = NonNullable<CreateWhatIfForecastRequest["TimeSeriesReplacementsDataSource"]>;

/** The baseline forecast and predictor behind an analysis, as they are now. */
export async function lineage(store: ResourceStore, analysis: ResourceRecord) {
  const forecast = await store.get(String(analysis.attrs.ForecastArn));
  const predictor = forecast ? await store.get(String(forecast.attrs.PredictorArn)) : undefined;
  return { forecast, predictor };
}

/** The fields a what-if forecast may name, from the predictor's dataset group as it is now. */
export async function whatIfSchema(
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
  await checkS3Config(ctx, source.S3Config, "read");
}

export const CreateWhatIfForecast: OperationHandler<CreateWhatIfForecastRequest> = async (ctx, input) => {
  const { tags, parent: analysis } = await checkCreate(ctx, {
    tags: input.Tags,
    parentArn: input.WhatIfAnalysisArn,
    kinds: ["what-if-analysis"],
    needs: "what-if forecasts",
  });
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
  const attrs = {
    WhatIfAnalysisArn: analysis.arn,
    ForecastArn: forecast.arn,
    ForecastTypes: forecast.attrs.ForecastTypes,
    KeyNames: forecast.attrs.KeyNames,
    TimeSeriesTransformations: transformations.length > 0 ? transformations : undefined,
    TimeSeriesReplacementsDataSource: replacements,
  };
  // The limit is counted with the insert, atomically (the store's maxChildren guard): creates racing at 49 make
  // one more, not two (docs/decisions.md, "What-if analyses").
  const outcome = await createJob(
    ctx,
    { arn, kind: KIND, name: input.WhatIfForecastName, parentArn: analysis.arn, attrs },
    {
      tags,
      guard: {
        maxChildren: { parentArn: analysis.arn, kind: KIND, limit: MAX_WHAT_IF_FORECASTS_PER_ANALYSIS },
      },
    },
  );
  if (!outcome.inserted && outcome.reason === "limit") {
    throw limitExceeded(
      `The what-if analysis ${analysis.arn} already has ${outcome.count} what-if forecasts; the limit is ` +
        `${MAX_WHAT_IF_FORECASTS_PER_ANALYSIS}. Delete one or start another analysis.`,
    );
  }
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
  await deleteJobResource(ctx, whatIf, { relation: "is exported by", record: exporting });
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
      version: ownFileVersion(whatIf),
      keyNames: whatIf.attrs.KeyNames as string[],
      types: whatIf.attrs.ForecastTypes as string[],
    },
    input,
  );
};
