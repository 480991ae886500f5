import type {
  CreatePredictorBacktestExportJobRequest,
  DeletePredictorBacktestExportJobRequest,
  DescribePredictorBacktestExportJobRequest,
  ListPredictorBacktestExportJobsRequest,
} from "../contract/generated/forecast.js";
import { sqlIdent, sqlString } from "../data/sql.js";
import { requireResource } from "./common.js";
import type { OperationHandler } from "./context.js";
import { createExport, deleteExport, describeExport, type ExportKind, listExports } from "./export-jobs.js";
import { parseForecastTypes } from "./predictor-config.js";

/**
 * Backtest exports, in the two folders Amazon writes: `forecasted-values` (each backtest point: actual and
 * forecasts, with its window) and `accuracy-metrics-values` (per series and window: wQL per quantile, WAPE,
 * RMSE, MAPE of the mean forecast).
 */
export const BACKTEST_EXPORT: ExportKind = {
  kind: "predictor-backtest-export-job",
  parentKind: "predictor",
  nameMember: "PredictorBacktestExportJobName",
  arnMember: "PredictorBacktestExportJobArn",
  parentArnMember: "PredictorArn",
  sourceAttribute: "BacktestFile",
  parts(_services, predictor, local) {
    const file = sqlString(local);
    const { quantiles } = parseForecastTypes(predictor.attrs.ForecastTypes as string[]);
    const qcols = quantiles.map((q) => `p${Math.round(q * 100)}`);
    const header = (predictor.attrs.BacktestColumns as string[] | undefined) ?? [];
    const keyNames = header.slice(1, header.indexOf("timestamp"));
    const types = header.map((name, i) => {
      const type =
        i === 0
          ? "BIGINT"
          : keyNames.includes(name)
            ? "VARCHAR"
            : name === "timestamp"
              ? "TIMESTAMP"
              : "DOUBLE";
      return `${sqlString(name)}: '${type}'`;
    });
    const source = `read_csv(${file}, header = true, columns = {${types.join(", ")}})`;
    const window = `min(timestamp) OVER w AS backtestwindow_start_time, max(timestamp) OVER w AS backtestwindow_end_time`;
    const keys = keyNames.map(sqlIdent).join(", ");
    const pinball = (q: number, c: string) =>
      `2 * sum(CASE WHEN target_value > ${c} THEN ${q} * (target_value - ${c}) ELSE ${1 - q} * (${c} - target_value) END) / nullif(sum(abs(target_value)), 0)`;
    return [
      {
        folder: "forecasted-values",
        sql: `SELECT ${keys}, strftime(timestamp, '%Y-%m-%dT%H:%M:%S') AS timestamp, target_value,
                strftime(backtestwindow_start_time, '%Y-%m-%dT%H:%M:%S') AS backtestwindow_start_time,
                strftime(backtestwindow_end_time, '%Y-%m-%dT%H:%M:%S') AS backtestwindow_end_time,
                ${[...qcols.map(sqlIdent), "mean"].join(", ")}
              FROM (SELECT *, ${window} FROM ${source} WINDOW w AS (PARTITION BY backtestwindow))
              ORDER BY ${keys}, timestamp`,
        columns: [
          ...keyNames.map((name) => ({ name, type: "VARCHAR" as const })),
          { name: "timestamp", type: "VARCHAR" as const },
          { name: "target_value", type: "DOUBLE" as const },
          { name: "backtestwindow_start_time", type: "VARCHAR" as const },
          { name: "backtestwindow_end_time", type: "VARCHAR" as const },
          ...[...qcols, "mean"].map((name) => ({ name, type: "DOUBLE" as const })),
        ],
      },
      {
        folder: "accuracy-metrics-values",
        sql: `SELECT ${keys},
                strftime(min(timestamp), '%Y-%m-%dT%H:%M:%S') AS backtestwindow_start_time,
                strftime(max(timestamp), '%Y-%m-%dT%H:%M:%S') AS backtestwindow_end_time,
                ${quantiles.map((q, i) => `${pinball(q, sqlIdent(qcols[i] as string))} AS ${sqlIdent(`wQL[${q}]`)}`).join(", ")}${quantiles.length ? "," : ""}
                sum(abs(target_value - mean)) / nullif(sum(abs(target_value)), 0) AS WAPE,
                sqrt(avg((target_value - mean) * (target_value - mean))) AS RMSE,
                avg(CASE WHEN target_value <> 0 THEN abs((target_value - mean) / target_value) END) AS MAPE
              FROM ${source} GROUP BY ${keys}, backtestwindow ORDER BY ${keys}, backtestwindow_start_time`,
        columns: [
          ...keyNames.map((name) => ({ name, type: "VARCHAR" as const })),
          { name: "backtestwindow_start_time", type: "VARCHAR" as const },
          { name: "backtestwindow_end_time", type: "VARCHAR" as const },
          ...quantiles.map((q) => ({ name: `wQL[${q}]`, type: "DOUBLE" as const })),
          { name: "WAPE", type: "DOUBLE" as const },
          { name: "RMSE", type: "DOUBLE" as const },
          { name: "MAPE", type: "DOUBLE" as const },
        ],
      },
    ];
  },
};

export const CreatePredictorBacktestExportJob: OperationHandler<
  CreatePredictorBacktestExportJobRequest
> = async (ctx, input) => ({
  PredictorBacktestExportJobArn: await createExport(ctx, BACKTEST_EXPORT, {
    name: input.PredictorBacktestExportJobName,
    parentArn: input.PredictorArn,
    destination: input.Destination,
    format: input.Format,
    tags: input.Tags,
  }),
});

export const DescribePredictorBacktestExportJob: OperationHandler<
  DescribePredictorBacktestExportJobRequest
> = async (ctx, input) =>
  describeExport(
    BACKTEST_EXPORT,
    await requireResource(ctx, input.PredictorBacktestExportJobArn, [BACKTEST_EXPORT.kind]),
  );

export const ListPredictorBacktestExportJobs: OperationHandler<
  ListPredictorBacktestExportJobsRequest
> = async (ctx, input) => {
  const { items, NextToken } = await listExports(
    ctx,
    BACKTEST_EXPORT,
    "ListPredictorBacktestExportJobs",
    input,
    {
      PredictorArn: "parentArn",
      Status: "status",
    },
  );
  return { PredictorBacktestExportJobs: items, NextToken };
};

export const DeletePredictorBacktestExportJob: OperationHandler<
  DeletePredictorBacktestExportJobRequest
> = async (ctx, input) => {
  await deleteExport(ctx, BACKTEST_EXPORT, input.PredictorBacktestExportJobArn);
  return {};
};
