import type {
  DeleteResourceTreeRequest,
  ResumeResourceRequest,
  StopResourceRequest,
} from "../contract/generated/forecast.js";
import { inUse, invalidInput } from "../errors.js";
import { BUSY_STATUSES, DELETABLE_STATUSES, STATUS } from "../jobs/statuses.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { findResource, KIND_LABEL, resourceNotFound } from "./common.js";
import type { OperationHandler, RequestContext } from "./context.js";
import { resumeMonitor, stopMonitor } from "./monitors.js";

/** The kinds whose creation is a job that StopResource can stop. */
const STOPPABLE = new Set([
  "dataset-import-job",
  "predictor",
  "forecast",
  "forecast-export-job",
  "predictor-backtest-export-job",
  "explainability",
  "explainability-export",
  "what-if-analysis",
  "what-if-forecast",
  "what-if-forecast-export",
]);

async function requireAny(ctx: RequestContext, arn: string): Promise<ResourceRecord> {
  const record = await findResource(ctx, arn);
  if (!record) throw resourceNotFound(arn);
  return record;
}

export const StopResource: OperationHandler<StopResourceRequest> = async (ctx, input) => {
  const record = await requireAny(ctx, input.ResourceArn);
  if (record.kind === "monitor") return stopMonitor(ctx, record);
  if (!STOPPABLE.has(record.kind)) {
    throw invalidInput(
      `A ${KIND_LABEL[record.kind] ?? record.kind} cannot be stopped; StopResource applies to jobs.`,
    );
  }
  if (record.status !== STATUS.CREATE_PENDING && record.status !== STATUS.CREATE_IN_PROGRESS) {
    throw invalidInput(`${record.arn} is ${record.status}; only a resource being created can be stopped.`);
  }
  await ctx.services.jobs.stop(record.arn);
  return {};
};

export const ResumeResource: OperationHandler<ResumeResourceRequest> = async (ctx, input) => {
  const record = await requireAny(ctx, input.ResourceArn);
  if (record.kind !== "monitor") {
    throw invalidInput(
      `Only a stopped monitor can be resumed; ${record.arn} is a ${KIND_LABEL[record.kind]}.`,
    );
  }
  return resumeMonitor(ctx, record);
};

/** The resource and everything created from it, children before parents. */
async function subtree(ctx: RequestContext, root: ResourceRecord): Promise<ResourceRecord[]> {
  const out: ResourceRecord[] = [];
  const seen = new Set<string>();
  const visit = async (r: ResourceRecord) => {
    if (seen.has(r.arn)) return;
    seen.add(r.arn);
    // A what-if forecast export reads several what-if forecasts: it belongs to the tree of each of them.
    const exports =
      r.kind === "what-if-forecast"
        ? (await ctx.services.store.referrers(r.arn)).filter((e) => e.kind === "what-if-forecast-export")
        : [];
    for (const child of [...(await ctx.services.store.children(r.arn)), ...exports]) await visit(child);
    out.push(r);
  };
  await visit(root);
  return out;
}

export const DeleteResourceTree: OperationHandler<DeleteResourceTreeRequest> = async (ctx, input) => {
  const root = await requireAny(ctx, input.ResourceArn);
  const tree = await subtree(ctx, root);
  const busy = tree.find((r) => BUSY_STATUSES.includes(r.status));
  if (busy) throw inUse(`${busy.arn} is ${busy.status}; stop it or wait before deleting the tree.`);
  const stuck = tree.find((r) => !DELETABLE_STATUSES.includes(r.status));
  if (stuck) throw inUse(`${stuck.arn} is ${stuck.status} and cannot be deleted.`);
  await ctx.services.jobs.deleteAll(
    tree.map((r) => r.arn),
    DELETABLE_STATUSES,
  );
  return {};
};
