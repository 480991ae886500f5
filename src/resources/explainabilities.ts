import type {
  CreateExplainabilityRequest,
  DeleteExplainabilityRequest,
  DescribeExplainabilityRequest,
  ListExplainabilitiesRequest,
} from "../contract/generated/forecast.js";
import { alreadyExists, inUse, invalidInput } from "../errors.js";
import { DELETABLE_STATUSES, STATUS } from "../jobs/statuses.js";
import type { NewResource, ResourceRecord, ResourceStore } from "../store/resource-store.js";
import { buildArn } from "./arn.js";
import { checkUserTags, epochSeconds, insertNew, KIND_LABEL, newRecord, requireResource } from "./common.js";
import type { OperationHandler, RequestContext } from "./context.js";
import { groupDatasets } from "./group-data.js";
import { listPage } from "./listing.js";
import { checkS3Config } from "./s3-access.js";

const KIND = "explainability";
/** Amazon's limits for a forecast explainability (the series are counted by its job, once it reads them). */
export const MAX_EXPLAINED_SERIES = 50;
export const MAX_EXPLAINED_TIME_POINTS = 500;

/** A predictor explains only if it has something to explain with: related data, item metadata or holidays. */
export async function hasAttributes(
  store: ResourceStore,
  datasetGroupArn: string,
  holidayCountries: readonly string[],
): Promise<boolean> {
  const group = await store.get(datasetGroupArn);
  if (!group) return false;
  const datasets = await groupDatasets(store, group);
  return datasets.related !== undefined || datasets.metadata !== undefined || holidayCountries.length > 0;
}

export const NO_ATTRIBUTES =
  "uses no related time series, item metadata or holiday calendar, so no attribute has an impact to explain. " +
  "Add one to the dataset group (or a holiday calendar) and train again.";

async function checkPredictorExplainable(ctx: RequestContext, predictor: ResourceRecord): Promise<void> {
  if (!predictor.attrs.IsAutoPredictor) {
    throw invalidInput(
      `${predictor.arn} is a legacy predictor; explainability works with AutoPredictor predictors only.`,
    );
  }
  const holidays = (predictor.attrs.HolidayCountries as string[] | undefined) ?? [];
  if (!(await hasAttributes(ctx.services.store, String(predictor.attrs.DatasetGroupArn), holidays))) {
    throw invalidInput(`The predictor ${predictor.arn} ${NO_ATTRIBUTES}`);
  }
}

/** The explainability of a predictor, if it has one (Amazon allows one per predictor). */
export async function explainabilityOf(
  store: ResourceStore,
  predictorArn: string,
): Promise<ResourceRecord | undefined> {
  return (await store.children(predictorArn)).find((c) => c.kind === KIND);
}

/** A new explainability of a predictor or forecast, for the job engine to compute, with what its insert needs. */
export function newExplainability(
  ctx: RequestContext,
  name: string,
  resource: ResourceRecord,
  attrs: Record<string, unknown>,
): NewResource {
  const record = newRecord(ctx, {
    arn: buildArn(ctx, KIND, name),
    kind: KIND,
    name,
    parentArn: resource.arn,
    status: STATUS.CREATE_PENDING,
    attrs: { ResourceArn: resource.arn, ...attrs },
  });
  // Amazon allows one explainability per predictor: checked atomically with the insert.
  return resource.kind === "predictor"
    ? { record, guard: { noChild: { parentArn: resource.arn, kind: KIND } } }
    : { record };
}

export const CreateExplainability: OperationHandler<CreateExplainabilityRequest> = async (ctx, input) => {
  const tags = checkUserTags(input.Tags);
  const resource = await requireResource(ctx, input.ResourceArn, ["predictor", "forecast"]);
  if (resource.status !== STATUS.ACTIVE) {
    throw inUse(
      `The ${KIND_LABEL[resource.kind]} ${resource.arn} is ${resource.status}; it must be ACTIVE to explain.`,
    );
  }
  const config = input.ExplainabilityConfig;
  const specificSeries = config.TimeSeriesGranularity === "SPECIFIC";
  const specificTime = config.TimePointGranularity === "SPECIFIC";
  if (resource.kind === "predictor") {
    await checkPredictorExplainable(ctx, resource);
    if (specificSeries || specificTime) {
      throw invalidInput(
        "A predictor's explainability covers all series and time points: use ALL for both granularities.",
      );
    }
    const extra = (["DataSource", "Schema", "StartDateTime", "EndDateTime"] as const).filter(
      (k) => input[k] !== undefined,
    );
    if (extra.length > 0) throw invalidInput(`A predictor's explainability takes no ${extra.join(", ")}.`);
    const existing = await explainabilityOf(ctx.services.store, resource.arn);
    if (existing)
      throw alreadyExists(`The predictor ${resource.arn} already has the explainability ${existing.arn}.`);
  } else {
    const predictor = await ctx.services.store.get(String(resource.attrs.PredictorArn));
    if (!predictor)
      throw invalidInput(`The forecast's predictor ${String(resource.attrs.PredictorArn)} no longer exists.`);
    await checkPredictorExplainable(ctx, predictor);
    if (specificSeries) {
      if (!input.DataSource || !input.Schema?.Attributes?.length) {
        throw invalidInput(
          "TimeSeriesGranularity SPECIFIC needs a DataSource listing the series and its Schema.",
        );
      }
      await checkS3Config(ctx, input.DataSource.S3Config, "read");
    } else if (input.DataSource || input.Schema) {
      throw invalidInput("DataSource and Schema go with TimeSeriesGranularity SPECIFIC only.");
    }
    if (specificTime) {
      if (!input.StartDateTime || !input.EndDateTime) {
        throw invalidInput("TimePointGranularity SPECIFIC needs StartDateTime and EndDateTime.");
      }
      if (input.StartDateTime > input.EndDateTime) {
        throw invalidInput(`StartDateTime ${input.StartDateTime} is after EndDateTime ${input.EndDateTime}.`);
      }
      const first = String(resource.attrs.ForecastStart);
      const last = String(resource.attrs.ForecastEnd);
      if (input.StartDateTime < first || input.EndDateTime > last) {
        throw invalidInput(
          `StartDateTime and EndDateTime must lie in the forecast horizon, ${first} to ${last}; ` +
            `${input.StartDateTime} to ${input.EndDateTime} does not.`,
        );
      }
      if (Number(resource.attrs.Horizon) > MAX_EXPLAINED_TIME_POINTS) {
        throw invalidInput(`An explainability covers at most ${MAX_EXPLAINED_TIME_POINTS} time points.`);
      }
    } else if (input.StartDateTime || input.EndDateTime) {
      throw invalidInput("StartDateTime and EndDateTime go with TimePointGranularity SPECIFIC only.");
    }
  }
  const explainability = newExplainability(ctx, input.ExplainabilityName, resource, {
    ExplainabilityConfig: config,
    DataSource: input.DataSource,
    Schema: input.Schema,
    EnableVisualization: input.EnableVisualization ?? false,
    StartDateTime: input.StartDateTime,
    EndDateTime: input.EndDateTime,
  });
  const outcome = await insertNew(ctx, explainability.record, { ...explainability, tags });
  if (!outcome.inserted && outcome.reason === "child") {
    throw alreadyExists(`The predictor ${resource.arn} already has the explainability ${outcome.child.arn}.`);
  }
  const arn = explainability.record.arn;
  ctx.services.jobs.kick();
  return { ExplainabilityArn: arn };
};

/** The failure message, or once ACTIVE the note on explained series that use no attribute (if any). */
function explainabilityMessage(r: ResourceRecord): string | undefined {
  if (r.message) return r.message;
  return r.status === "ACTIVE" && typeof r.attrs.AttributeUseMessage === "string"
    ? r.attrs.AttributeUseMessage
    : undefined;
}

export const DescribeExplainability: OperationHandler<DescribeExplainabilityRequest> = async (ctx, input) => {
  const r = await requireResource(ctx, input.ExplainabilityArn, [KIND]);
  return {
    ExplainabilityArn: r.arn,
    ExplainabilityName: r.name,
    ResourceArn: r.attrs.ResourceArn,
    ExplainabilityConfig: r.attrs.ExplainabilityConfig,
    EnableVisualization: r.attrs.EnableVisualization,
    DataSource: r.attrs.DataSource,
    Schema: r.attrs.Schema,
    StartDateTime: r.attrs.StartDateTime,
    EndDateTime: r.attrs.EndDateTime,
    EstimatedTimeRemainingInMinutes: r.attrs.EstimatedTimeRemainingInMinutes,
    Message: explainabilityMessage(r),
    Status: r.status,
    CreationTime: epochSeconds(r.createdAt),
    LastModificationTime: epochSeconds(r.modifiedAt),
  };
};

export const ListExplainabilities: OperationHandler<ListExplainabilitiesRequest> = async (ctx, input) => {
  const page = await listPage(
    ctx,
    {
      operation: "ListExplainabilities",
      kind: KIND,
      filterKeys: { ResourceArn: "parentArn", Status: "status" },
    },
    input,
  );
  return {
    Explainabilities: page.records.map((r) => ({
      ExplainabilityArn: r.arn,
      ExplainabilityName: r.name,
      ResourceArn: r.attrs.ResourceArn,
      ExplainabilityConfig: r.attrs.ExplainabilityConfig,
      Status: r.status,
      Message: explainabilityMessage(r),
      CreationTime: epochSeconds(r.createdAt),
      LastModificationTime: epochSeconds(r.modifiedAt),
    })),
    NextToken: page.nextToken,
  };
};

/** An explainability goes only without exports (delete those first, or the tree), and not while it computes. */
export const DeleteExplainability: OperationHandler<DeleteExplainabilityRequest> = async (ctx, input) => {
  const explainability = await requireResource(ctx, input.ExplainabilityArn, [KIND]);
  const dependent = (await ctx.services.store.children(explainability.arn))[0];
  if (dependent) {
    throw inUse(
      `The explainability ${explainability.arn} has the export ${dependent.arn}; delete it first, or the whole tree ` +
        "with DeleteResourceTree.",
    );
  }
  if (!(await ctx.services.jobs.delete(explainability.arn, DELETABLE_STATUSES))) {
    throw inUse(
      `The explainability ${explainability.arn} is ${explainability.status}; stop it or wait first.`,
    );
  }
  return {};
};
