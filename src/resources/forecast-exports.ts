import type {
  CreateForecastExportJobRequest,
  DeleteForecastExportJobRequest,
  DescribeForecastExportJobRequest,
  ListForecastExportJobsRequest,
} from "../contract/generated/forecast.js";
import { requireResource } from "./common.js";
import type { OperationHandler } from "./context.js";
import { createExport, deleteExport, describeExport, type ExportKind, listExports } from "./export-jobs.js";
import { forecastRowsSql, forecastTypeColumn } from "./forecast-files.js";

/** Forecast exports: the series key columns, `date`, then one column per forecast type (p10, p50, mean...). */
export const FORECAST_EXPORT: ExportKind = {
  kind: "forecast-export-job",
  parentKind: "forecast",
  nameMember: "ForecastExportJobName",
  arnMember: "ForecastExportJobArn",
  parentArnMember: "ForecastArn",
  sourceAttribute: "ForecastFile",
  parts(_services, forecast, file) {
    const keyNames = forecast.attrs.KeyNames as string[];
    const types = forecast.attrs.ForecastTypes as string[];
    return [
      {
        folder: "",
        sql: forecastRowsSql(file, keyNames),
        columns: [
          ...keyNames.map((name) => ({ name, type: "VARCHAR" as const })),
          { name: "date", type: "VARCHAR" as const },
          ...types.map((t) => ({ name: forecastTypeColumn(t), type: "DOUBLE" as const })),
        ],
      },
    ];
  },
};

export const CreateForecastExportJob: OperationHandler<CreateForecastExportJobRequest> = async (
  ctx,
  input,
) => ({
  ForecastExportJobArn: await createExport(ctx, FORECAST_EXPORT, {
    name: input.ForecastExportJobName,
    parentArn: input.ForecastArn,
    destination: input.Destination,
    format: input.Format,
    tags: input.Tags,
  }),
});

export const DescribeForecastExportJob: OperationHandler<DescribeForecastExportJobRequest> = async (
  ctx,
  input,
) =>
  describeExport(
    FORECAST_EXPORT,
    await requireResource(ctx, input.ForecastExportJobArn, [FORECAST_EXPORT.kind]),
  );

export const ListForecastExportJobs: OperationHandler<ListForecastExportJobsRequest> = async (ctx, input) => {
  const { items, NextToken } = await listExports(ctx, FORECAST_EXPORT, "ListForecastExportJobs", input, {
    ForecastArn: "parentArn",
    Status: "status",
  });
  return { ForecastExportJobs: items, NextToken };
};

export const DeleteForecastExportJob: OperationHandler<DeleteForecastExportJobRequest> = async (
  ctx,
  input,
) => {
  await deleteExport(ctx, FORECAST_EXPORT, input.ForecastExportJobArn);
  return {};
};
