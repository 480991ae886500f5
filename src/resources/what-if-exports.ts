import type {
  CreateWhatIfForecastExportRequest,
  DeleteWhatIfForecastExportRequest,
  DescribeWhatIfForecastExportRequest,
  ListWhatIfForecastExportsRequest,
} from "../contract/generated/forecast.js";
import { sqlIdent, sqlString } from "../data/sql.js";
import { inUse, invalidInput } from "../errors.js";
import { STATUS } from "../jobs/statuses.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { requireResource } from "./common.js";
import type { OperationHandler } from "./context.js";
import { createExport, deleteExport, describeExport, type ExportKind, listExports } from "./export-jobs.js";
import { forecastTypeColumn } from "./forecast-files.js";
import { ownFileVersion } from "./own-files.js";

/** The column naming each row's what-if forecast, since one file set holds several (docs/decisions.md). */
export const WHAT_IF_NAME_COLUMN = "what_if_forecast_name";

/**
 * What-if forecast exports: one file set for one or more what-if forecasts of one analysis. Columns: the series
 * keys, `date`, what_if_forecast_name, then one column per forecast type.
 */
export const WHAT_IF_FORECAST_EXPORT: ExportKind = {
  kind: "what-if-forecast-export",
  parentKind: "what-if-analysis",
  nameMember: "WhatIfForecastExportName",
  arnMember: "WhatIfForecastExportArn",
  parentArnMember: "WhatIfAnalysisArn",
  // The what-if forecasts' objects, recorded at creation (they were ACTIVE then, and cannot be deleted while
  // this export refers to them), with their versions (exports created before versions were recorded have none).
  sources: (record) => {
    const versions = record.attrs.WhatIfForecastVersions as string[] | undefined;
    return (record.attrs.WhatIfForecastFiles as string[]).map((key, i) => ({ key, version: versions?.[i] }));
  },
  parts(_services, _analysis, _file, record, files = []) {
    if (!record) return [];
    // Everything comes from the export's own attributes (recorded at creation), so no store call is needed here.
    const names = record.attrs.WhatIfForecastNames as string[];
    const keyNames = record.attrs.KeyNames as string[];
    const types = record.attrs.ForecastTypes as string[];
    const columns = [...keyNames.map(sqlIdent), "date"];
    const values = types.map((t) => sqlIdent(forecastTypeColumn(t)));
    // Only the folder is wanted when no files were fetched (removing stale parts, listing the output).
    const selects = files.map(
      (file, i) =>
        `SELECT ${columns.join(", ")}, ${sqlString(names[i] as string)} AS ${WHAT_IF_NAME_COLUMN}, ${values.join(", ")}
         FROM read_parquet(${sqlString(file)})`,
    );
    return [
      {
        folder: "",
        sql: `SELECT * FROM (${selects.join(" UNION ALL ")}) ORDER BY ${WHAT_IF_NAME_COLUMN}, ${columns.join(", ")}`,
        columns: [
          ...keyNames.map((name) => ({ name, type: "VARCHAR" as const })),
          { name: "date", type: "VARCHAR" as const },
          { name: WHAT_IF_NAME_COLUMN, type: "VARCHAR" as const },
          ...types.map((t) => ({ name: forecastTypeColumn(t), type: "DOUBLE" as const })),
        ],
      },
    ];
  },
};

export const CreateWhatIfForecastExport: OperationHandler<CreateWhatIfForecastExportRequest> = async (
  ctx,
  input,
) => {
  const arns = input.WhatIfForecastArns;
  if (new Set(arns).size !== arns.length) {
    throw invalidInput("WhatIfForecastArns names a what-if forecast more than once.");
  }
  const forecasts: ResourceRecord[] = [];
  for (const arn of arns) forecasts.push(await requireResource(ctx, arn, ["what-if-forecast"]));
  for (const r of forecasts) {
    if (r.status !== STATUS.ACTIVE) {
      throw inUse(`The what-if forecast ${r.arn} is ${r.status}; it can be exported once ACTIVE.`);
    }
  }
  const analysisArn = String(forecasts[0]?.attrs.WhatIfAnalysisArn);
  const other = forecasts.find((r) => r.attrs.WhatIfAnalysisArn !== analysisArn);
  if (other) {
    throw invalidInput(
      `The what-if forecasts of one export must belong to one what-if analysis: ${other.arn} belongs to ` +
        `${String(other.attrs.WhatIfAnalysisArn)}, not ${analysisArn}.`,
    );
  }
  return {
    WhatIfForecastExportArn: await createExport(ctx, WHAT_IF_FORECAST_EXPORT, {
      name: input.WhatIfForecastExportName,
      parentArn: analysisArn,
      destination: input.Destination,
      format: input.Format,
      tags: input.Tags,
      attrs: {
        WhatIfForecastArns: arns,
        WhatIfForecastNames: forecasts.map((r) => r.name),
        WhatIfForecastFiles: forecasts.map((r) => String(r.attrs.ForecastFile)),
        WhatIfForecastVersions: forecasts.map(ownFileVersion),
        KeyNames: forecasts[0]?.attrs.KeyNames,
        ForecastTypes: forecasts[0]?.attrs.ForecastTypes,
      },
      refs: arns,
    }),
  };
};

export const DescribeWhatIfForecastExport: OperationHandler<DescribeWhatIfForecastExportRequest> = async (
  ctx,
  input,
) => {
  const r = await requireResource(ctx, input.WhatIfForecastExportArn, [WHAT_IF_FORECAST_EXPORT.kind]);
  const { WhatIfAnalysisArn: _analysis, ...described } = describeExport(WHAT_IF_FORECAST_EXPORT, r);
  return {
    ...described,
    WhatIfForecastArns: r.attrs.WhatIfForecastArns,
    EstimatedTimeRemainingInMinutes: r.attrs.EstimatedTimeRemainingInMinutes,
  };
};

export const ListWhatIfForecastExports: OperationHandler<ListWhatIfForecastExportsRequest> = async (
  ctx,
  input,
) => {
  const { items, NextToken } = await listExports(
    ctx,
    WHAT_IF_FORECAST_EXPORT,
    "ListWhatIfForecastExports",
    input,
    {
      WhatIfForecastExportArn: "arn",
      WhatIfAnalysisArn: "parentArn",
      Status: "status",
    },
  );
  const byArn = new Map<string, unknown>();
  for (const item of items) {
    const r = await ctx.services.store.get(String(item.WhatIfForecastExportArn));
    byArn.set(String(item.WhatIfForecastExportArn), r?.attrs.WhatIfForecastArns);
  }
  return {
    WhatIfForecastExports: items.map((item) => ({
      ...item,
      WhatIfForecastArns: byArn.get(String(item.WhatIfForecastExportArn)),
    })),
    NextToken,
  };
};

export const DeleteWhatIfForecastExport: OperationHandler<DeleteWhatIfForecastExportRequest> = async (
  ctx,
  input,
) => {
  await deleteExport(ctx, WHAT_IF_FORECAST_EXPORT, input.WhatIfForecastExportArn);
  return {};
};
