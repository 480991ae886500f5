import type {
  CreateExplainabilityExportRequest,
  DeleteExplainabilityExportRequest,
  DescribeExplainabilityExportRequest,
  ListExplainabilityExportsRequest,
} from "../contract/generated/forecast.js";
import { sqlString } from "../data/sql.js";
import { requireResource } from "./common.js";
import type { OperationHandler } from "./context.js";
import { createExport, deleteExport, describeExport, type ExportKind, listExports } from "./export-jobs.js";

/** Explainability exports: the impact file as the design notes fix it (columns, Aggregate rows, part names). */
export const EXPLAINABILITY_EXPORT: ExportKind = {
  kind: "explainability-export",
  parentKind: "explainability",
  nameMember: "ExplainabilityExportName",
  arnMember: "ExplainabilityExportArn",
  parentArnMember: "ExplainabilityArn",
  maxRunning: (services) => services.config.maxConcurrentExplainabilityExports,
  sourceAttribute: "ImpactFile",
  parts(_services, explainability, file) {
    const columns = explainability.attrs.Columns as string[];
    const keyCount = columns.indexOf("timestamp") + 1;
    return [
      {
        folder: "",
        sql: `SELECT * FROM read_parquet(${sqlString(file)})`,
        columns: columns.map((name, i) => ({ name, type: i < keyCount ? "VARCHAR" : "DOUBLE" })),
      },
    ];
  },
};

export const CreateExplainabilityExport: OperationHandler<CreateExplainabilityExportRequest> = async (
  ctx,
  input,
) => ({
  ExplainabilityExportArn: await createExport(ctx, EXPLAINABILITY_EXPORT, {
    name: input.ExplainabilityExportName,
    parentArn: input.ExplainabilityArn,
    destination: input.Destination,
    format: input.Format,
    tags: input.Tags,
  }),
});

export const DescribeExplainabilityExport: OperationHandler<DescribeExplainabilityExportRequest> = async (
  ctx,
  input,
) =>
  describeExport(
    EXPLAINABILITY_EXPORT,
    await requireResource(ctx, input.ExplainabilityExportArn, [EXPLAINABILITY_EXPORT.kind]),
  );

export const ListExplainabilityExports: OperationHandler<ListExplainabilityExportsRequest> = async (
  ctx,
  input,
) => {
  const { items, NextToken } = await listExports(
    ctx,
    EXPLAINABILITY_EXPORT,
    "ListExplainabilityExports",
    input,
    {
      ResourceArn: "parentArn",
      Status: "status",
    },
  );
  return { ExplainabilityExports: items, NextToken };
};

export const DeleteExplainabilityExport: OperationHandler<DeleteExplainabilityExportRequest> = async (
  ctx,
  input,
) => {
  await deleteExport(ctx, EXPLAINABILITY_EXPORT, input.ExplainabilityExportArn);
  return {};
};
