import type {
  CreateForecastRequest,
  DeleteForecastRequest,
  DescribeForecastRequest,
  ListForecastsRequest,
} from "../contract/generated/forecast.js";
import { invalidInput } from "../errors.js";
import { buildArn } from "./arn.js";
import { checkCreate, createJob, deleteJobResource, epochSeconds, requireResource } from "./common.js";
import type { OperationHandler } from "./context.js";
import { listPage } from "./listing.js";
import { parseForecastTypes } from "./predictor-config.js";
import { checkTimeSeriesSelector } from "./s3-access.js";

const KIND = "forecast";

export const CreateForecast: OperationHandler<CreateForecastRequest> = async (ctx, input) => {
  const { tags, parent: predictor } = await checkCreate(ctx, {
    tags: input.Tags,
    parentArn: input.PredictorArn,
    kinds: ["predictor"],
    needs: "forecasts",
  });
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
  const attrs = {
    PredictorArn: predictor.arn,
    DatasetGroupArn: predictor.attrs.DatasetGroupArn,
    ForecastTypes: types.types,
    TimeSeriesSelector: input.TimeSeriesSelector,
    CreatedUsingAutoPredictor: predictor.attrs.IsAutoPredictor === true,
  };
  await createJob(
    ctx,
    { arn, kind: KIND, name: input.ForecastName, parentArn: predictor.arn, attrs },
    { tags },
  );
  return { ForecastArn: arn };
};

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
  await deleteJobResource(ctx, forecast, { relation: "is used by", record: dependent });
  return {};
};
