import type {
  CreateForecastRequest,
  DeleteForecastRequest,
  DescribeForecastRequest,
  ListForecastsRequest,
} from "../contract/generated/forecast.js";
import { inUse, invalidInput } from "../errors.js";
import { DELETABLE_STATUSES, STATUS } from "../jobs/statuses.js";
import { parseS3Path } from "../storage/s3-path.js";
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
import type { OperationHandler, RequestContext } from "./context.js";
import { listPage } from "./listing.js";
import { parseForecastTypes } from "./predictor-config.js";
import { requireS3Access } from "./s3-access.js";

const KIND = "forecast";

export const CreateForecast: OperationHandler<CreateForecastRequest> = async (ctx, input) => {
  const tags = checkUserTags(input.Tags);
  const predictor = await requireResource(ctx, input.PredictorArn, ["predictor"]);
  if (predictor.status !== STATUS.ACTIVE) {
    throw inUse(`The predictor ${predictor.arn} is ${predictor.status}; forecasts need it ACTIVE.`);
  }
  const trained = parseForecastTypes(predictor.attrs.ForecastTypes as string[]);
  const types =
    input.ForecastTypes && input.ForecastTypes.length > 0 ? parseForecastTypes(input.ForecastTypes) : trained;
  for (const type of types.types) {
    if (type !== "mean" && !trained.types.map(Number).includes(Number(type))) {
      // Any quantile can be computed, but Amazon limits a forecast to the predictor's types; so do we.
      throw invalidInput(
        `The forecast type ${type} is not one the predictor was trained for (${trained.types.join(", ")}).`,
      );
    }
  }
  await checkTimeSeriesSelector(ctx, input.TimeSeriesSelector);
  const arn = buildArn(ctx, KIND, input.ForecastName);
  const record = newRecord(ctx, {
    arn,
    kind: KIND,
    name: input.ForecastName,
    parentArn: predictor.arn,
    status: STATUS.CREATE_PENDING,
    attrs: {
      PredictorArn: predictor.arn,
      DatasetGroupArn: predictor.attrs.DatasetGroupArn,
      ForecastTypes: types.types,
      TimeSeriesSelector: input.TimeSeriesSelector,
      CreatedUsingAutoPredictor: predictor.attrs.IsAutoPredictor === true,
    },
  });
  await insertNew(ctx, record, { tags });
  ctx.services.jobs.kick();
  return { ForecastArn: arn };
};

/** A TimeSeriesSelector's checks at creation: identifier schema, role, key, path and read access. */
export async function checkTimeSeriesSelector(
  ctx: RequestContext,
  timeSeriesSelector: CreateForecastRequest["TimeSeriesSelector"],
): Promise<void> {
  const selector = timeSeriesSelector?.TimeSeriesIdentifiers;
  if (selector) {
    if (!selector.DataSource || !selector.Schema?.Attributes?.length) {
      throw invalidInput(
        "TimeSeriesIdentifiers needs a DataSource and a Schema naming the identifier columns.",
      );
    }
    await checkRoleArn(ctx, selector.DataSource.S3Config.RoleArn);
    if (selector.DataSource.S3Config.KMSKeyArn) checkKmsKeyArn(ctx, selector.DataSource.S3Config.KMSKeyArn);
    try {
      parseS3Path(selector.DataSource.S3Config.Path);
    } catch (error) {
      throw invalidInput((error as Error).message);
    }
    await requireS3Access(
      ctx,
      selector.DataSource.S3Config.Path,
      "read",
      selector.DataSource.S3Config.RoleArn,
    );
  }
}

export const DescribeForecast: OperationHandler<DescribeForecastRequest> = async (ctx, input) => {
  const r = await requireResource(ctx, input.ForecastArn, [KIND]);
  return {
    ForecastArn: r.arn,
    ForecastName: r.name,
    ForecastTypes: r.attrs.ForecastTypes,
    PredictorArn: r.attrs.PredictorArn,
    DatasetGroupArn: r.attrs.DatasetGroupArn,
    EstimatedTimeRemainingInMinutes: r.attrs.EstimatedTimeRemainingInMinutes,
    Status: r.status,
    Message: r.message ?? undefined,
    CreationTime: epochSeconds(r.createdAt),
    LastModificationTime: epochSeconds(r.modifiedAt),
    TimeSeriesSelector: r.attrs.TimeSeriesSelector,
  };
};

export const ListForecasts: OperationHandler<ListForecastsRequest> = async (ctx, input) => {
  const page = await listPage(
    ctx,
    {
      operation: "ListForecasts",
      kind: KIND,
      filterKeys: { DatasetGroupArn: "DatasetGroupArn", PredictorArn: "parentArn", Status: "status" },
    },
    input,
  );
  return {
    Forecasts: page.records.map((r) => ({
      ForecastArn: r.arn,
      ForecastName: r.name,
      PredictorArn: r.attrs.PredictorArn,
      CreatedUsingAutoPredictor: r.attrs.CreatedUsingAutoPredictor,
      DatasetGroupArn: r.attrs.DatasetGroupArn,
      Status: r.status,
      Message: r.message ?? undefined,
      CreationTime: epochSeconds(r.createdAt),
      LastModificationTime: epochSeconds(r.modifiedAt),
    })),
    NextToken: page.nextToken,
  };
};

export const DeleteForecast: OperationHandler<DeleteForecastRequest> = async (ctx, input) => {
  const forecast = await requireResource(ctx, input.ForecastArn, [KIND]);
  const dependent = (await ctx.services.store.children(forecast.arn))[0];
  if (dependent) {
    throw inUse(
      `The forecast ${forecast.arn} is used by the ${KIND_LABEL[dependent.kind]} ${dependent.arn}; delete that first, ` +
        "or the whole tree with DeleteResourceTree.",
    );
  }
  if (!(await ctx.services.jobs.delete(forecast.arn, DELETABLE_STATUSES))) {
    throw inUse(`The forecast ${forecast.arn} is ${forecast.status}; stop it or wait before deleting it.`);
  }
  return {};
};
