import type {
  CreateWhatIfAnalysisRequest,
  DeleteWhatIfAnalysisRequest,
  DescribeWhatIfAnalysisRequest,
  ListWhatIfAnalysesRequest,
} from "../contract/generated/forecast.js";
import { invalidInput } from "../errors.js";
import { buildArn } from "./arn.js";
import { checkCreate, createJob, deleteJobResource, epochSeconds, requireResource } from "./common.js";
import type { OperationHandler } from "./context.js";
import { listPage } from "./listing.js";
import { checkTimeSeriesSelector } from "./s3-access.js";

const KIND = "what-if-analysis";

export const CreateWhatIfAnalysis: OperationHandler<CreateWhatIfAnalysisRequest> = async (ctx, input) => {
  const { tags, parent: forecast } = await checkCreate(ctx, {
    tags: input.Tags,
    parentArn: input.ForecastArn,
    kinds: ["forecast"],
    needs: "what-if analyses",
    check(forecast) {
      if (forecast.attrs.CreatedUsingAutoPredictor !== true) {
        // Amazon: "You can only create a what-if analysis from a forecast that uses an AutoPredictor."
        throw invalidInput(
          `The forecast ${forecast.arn} was made with a legacy predictor (CreatePredictor); what-if analyses ` +
            "need a forecast of a predictor made with CreateAutoPredictor.",
        );
      }
    },
  });
  await checkTimeSeriesSelector(ctx, input.TimeSeriesSelector);
  const arn = buildArn(ctx, KIND, input.WhatIfAnalysisName);
  const attrs = { ForecastArn: forecast.arn, TimeSeriesSelector: input.TimeSeriesSelector };
  await createJob(
    ctx,
    { arn, kind: KIND, name: input.WhatIfAnalysisName, parentArn: forecast.arn, attrs },
    { tags },
  );
  return { WhatIfAnalysisArn: arn };
};

export const DescribeWhatIfAnalysis: OperationHandler<DescribeWhatIfAnalysisRequest> = async (ctx, input) => {
  const r = await requireResource(ctx, input.WhatIfAnalysisArn, [KIND]);
  return {
    WhatIfAnalysisName: r.name,
    WhatIfAnalysisArn: r.arn,
    ForecastArn: r.attrs.ForecastArn,
    EstimatedTimeRemainingInMinutes: r.attrs.EstimatedTimeRemainingInMinutes,
    Status: r.status,
    Message: r.message ?? undefined,
    CreationTime: epochSeconds(r.createdAt),
    LastModificationTime: epochSeconds(r.modifiedAt),
    TimeSeriesSelector: r.attrs.TimeSeriesSelector,
  };
};

export const ListWhatIfAnalyses: OperationHandler<ListWhatIfAnalysesRequest> = async (ctx, input) => {
  const page = await listPage(
    ctx,
    {
      operation: "ListWhatIfAnalyses",
      kind: KIND,
      // The model documents WhatIfAnalysisArn and Status; ForecastArn is what a user filters on in practice.
      filterKeys: { WhatIfAnalysisArn: "arn", ForecastArn: "parentArn", Status: "status" },
    },
    input,
  );
  return {
    WhatIfAnalyses: page.records.map((r) => ({
      WhatIfAnalysisArn: r.arn,
      WhatIfAnalysisName: r.name,
      ForecastArn: r.attrs.ForecastArn,
      Status: r.status,
      Message: r.message ?? undefined,
      CreationTime: epochSeconds(r.createdAt),
      LastModificationTime: epochSeconds(r.modifiedAt),
    })),
    NextToken: page.nextToken,
  };
};

export const DeleteWhatIfAnalysis: OperationHandler<DeleteWhatIfAnalysisRequest> = async (ctx, input) => {
  const analysis = await requireResource(ctx, input.WhatIfAnalysisArn, [KIND]);
  const dependent = (await ctx.services.store.children(analysis.arn))[0];
  await deleteJobResource(ctx, analysis, { relation: "has", record: dependent });
  return {};
};
