import type {
  CreateMonitorRequest,
  DeleteMonitorRequest,
  DescribeMonitorRequest,
  ListMonitorEvaluationsRequest,
  ListMonitorsRequest,
} from "../contract/generated/forecast.js";
import { alreadyExists, inUse, invalidInput } from "../errors.js";
import type { WindowAccuracy } from "../forecasting/auto/accuracy.js";
import { STATUS } from "../jobs/statuses.js";
import type { ResourceRecord, ResourceStore } from "../store/resource-store.js";
import { buildArn } from "./arn.js";
import { checkUserTags, epochSeconds, KIND_LABEL, newRecord, requireResource, type Tag } from "./common.js";
import type { OperationHandler, RequestContext } from "./context.js";
import { listPage } from "./listing.js";
import {
  accuracyMetricResults,
  CHECK_KIND,
  EVALUATION_KIND,
  enqueueMonitorCheck,
  MONITOR_KIND,
} from "./monitor-evaluations.js";

/** Statuses from which Amazon lets DeleteMonitor go ahead (its documentation lists them). */
const MONITOR_DELETABLE: readonly string[] = [
  STATUS.ACTIVE,
  STATUS.ACTIVE_STOPPED,
  STATUS.CREATE_FAILED,
  STATUS.CREATE_STOPPED,
];

/** The monitor of a predictor, if it has one (there is at most one). */
export async function monitorOf(
  store: ResourceStore,
  predictorArn: string,
): Promise<ResourceRecord | undefined> {
  return (await store.children(predictorArn)).find((r) => r.kind === MONITOR_KIND);
}

/**
 * The monitor record of a predictor: ACTIVE at once (it has nothing to build; its Baseline appears once the
 * predictor is ACTIVE).
 */
function newMonitor(ctx: RequestContext, predictorArn: string, name: string): ResourceRecord {
  return newRecord(ctx, {
    arn: buildArn(ctx, MONITOR_KIND, name),
    kind: MONITOR_KIND,
    name,
    parentArn: predictorArn,
    status: STATUS.ACTIVE,
    attrs: { ResourceArn: predictorArn },
  });
}

const monitorExists = (arn: string) => alreadyExists(`A monitor already exists with the arn: ${arn}`);
const predictorExists = (arn: string) =>
  alreadyExists(`A ${KIND_LABEL.predictor ?? "predictor"} already exists with the arn: ${arn}`);

/**
 * CreateAutoPredictor with a MonitorConfig: the predictor and its monitor are made together or not at all. The
 * store has no general transaction, so the monitor goes in first (its name is the one most likely taken) and is
 * taken out again if the predictor's name turns out to be taken; the predictor, a job, is never inserted unless
 * its monitor is there, so no runner can start training a predictor whose creation is then undone.
 */
export async function insertWithMonitor(
  ctx: RequestContext,
  predictor: ResourceRecord,
  tags: readonly Tag[],
  monitorName: string,
): Promise<void> {
  const { store } = ctx.services;
  // A predictor name already taken must not get this monitor attached, even for a moment.
  if (await store.get(predictor.arn)) throw predictorExists(predictor.arn);
  const monitor = newMonitor(ctx, predictor.arn, monitorName);
  const placed = await store.insert({
    record: monitor,
    guard: { noChild: { parentArn: predictor.arn, kind: MONITOR_KIND } },
  });
  if (!placed.inserted) {
    // "child": a racing CreateAutoPredictor of the same name placed its monitor first and will make the predictor.
    throw placed.reason === "exists" ? monitorExists(monitor.arn) : predictorExists(predictor.arn);
  }
  const outcome = await store.insert({ record: predictor, tags });
  if (!outcome.inserted) {
    await store.delete(monitor.arn);
    throw predictorExists(predictor.arn);
  }
}

export const CreateMonitor: OperationHandler<CreateMonitorRequest> = async (ctx, input) => {
  const tags = checkUserTags(input.Tags);
  const predictor = await requireResource(ctx, input.ResourceArn, ["predictor"]);
  if (!predictor.attrs.IsAutoPredictor) {
    throw invalidInput(
      `${predictor.arn} is a legacy predictor; monitoring is only for AutoPredictors (retrain it with CreateAutoPredictor).`,
    );
  }
  if (predictor.status !== STATUS.ACTIVE) {
    throw inUse(`The predictor ${predictor.arn} is ${predictor.status}; a monitor needs it ACTIVE.`);
  }
  const { store } = ctx.services;
  const monitor = newMonitor(ctx, predictor.arn, input.MonitorName);
  // At most one monitor per predictor, checked with the insert (two racing CreateMonitor calls make one).
  const outcome = await store.insert({
    record: monitor,
    tags,
    guard: { noChild: { parentArn: predictor.arn, kind: MONITOR_KIND } },
  });
  if (!outcome.inserted && outcome.reason === "child") {
    throw alreadyExists(
      `The predictor ${predictor.arn} already has the monitor ${outcome.child.arn}; a predictor has at most one.`,
    );
  }
  if (!outcome.inserted) throw monitorExists(monitor.arn);
  // Forecasts made before the monitor whose horizon the data already covers are evaluated right away.
  await enqueueMonitorCheck(store, monitor, "created");
  ctx.services.jobs.kick();
  return { MonitorArn: monitor.arn };
};

/** The predictor's own backtest accuracy, averaged over its windows, under the names evaluations use. */
async function baselineOf(store: ResourceStore, predictorArn: string) {
  const predictor = await store.get(predictorArn);
  const windows = (predictor?.attrs.Accuracy as WindowAccuracy[] | undefined) ?? [];
  if (!predictor || predictor.status !== STATUS.ACTIVE || windows.length === 0) return undefined;
  const names = new Map<string, number[]>();
  for (const w of windows) {
    for (const m of accuracyMetricResults(w)) {
      names.set(m.MetricName, [...(names.get(m.MetricName) ?? []), m.MetricValue]);
    }
  }
  const BaselineMetrics = [...names]
    .filter(([, values]) => values.length === windows.length)
    .map(([Name, values]) => ({ Name, Value: values.reduce((s, v) => s + v, 0) / values.length }));
  return { PredictorBaseline: { BaselineMetrics } };
}

/** The newest finished evaluation of a monitor (results and failures alike). */
function lastEvaluation(children: readonly ResourceRecord[]): ResourceRecord | undefined {
  let last: ResourceRecord | undefined;
  for (const r of children) {
    if (r.kind === EVALUATION_KIND && (!last || r.createdAt >= last.createdAt)) last = r;
  }
  return last;
}

/** Minutes left of the evaluation running or waiting for this monitor: 0 when none is. */
function minutesRemaining(children: readonly ResourceRecord[]): number {
  const working = children.filter(
    (r) =>
      r.kind === CHECK_KIND && (r.status === STATUS.CREATE_PENDING || r.status === STATUS.CREATE_IN_PROGRESS),
  );
  if (working.length === 0) return 0;
  return Math.max(1, ...working.map((r) => Number(r.attrs.EstimatedTimeRemainingInMinutes ?? 1)));
}

export const DescribeMonitor: OperationHandler<DescribeMonitorRequest> = async (ctx, input) => {
  const monitor = await requireResource(ctx, input.MonitorArn, [MONITOR_KIND]);
  const { store } = ctx.services;
  const children = await store.children(monitor.arn);
  const last = lastEvaluation(children);
  return {
    MonitorName: monitor.name,
    MonitorArn: monitor.arn,
    ResourceArn: monitor.attrs.ResourceArn,
    Status: monitor.status,
    LastEvaluationTime: last ? epochSeconds(Number(last.attrs.EvaluationTime)) : undefined,
    LastEvaluationState: last?.attrs.EvaluationState,
    Baseline: await baselineOf(store, String(monitor.attrs.ResourceArn)),
    Message: monitor.message ?? undefined,
    CreationTime: epochSeconds(monitor.createdAt),
    LastModificationTime: epochSeconds(monitor.modifiedAt),
    EstimatedEvaluationTimeRemainingInMinutes: minutesRemaining(children),
  };
};

export const ListMonitors: OperationHandler<ListMonitorsRequest> = async (ctx, input) => {
  const page = await listPage(
    ctx,
    { operation: "ListMonitors", kind: MONITOR_KIND, filterKeys: { Status: "status" } },
    input,
  );
  return {
    Monitors: page.records.map((r) => ({
      MonitorArn: r.arn,
      MonitorName: r.name,
      ResourceArn: r.attrs.ResourceArn,
      Status: r.status,
      CreationTime: epochSeconds(r.createdAt),
      LastModificationTime: epochSeconds(r.modifiedAt),
    })),
    NextToken: page.nextToken,
  };
};

const EVALUATION_STATES = ["SUCCESS", "FAILURE"];

export const ListMonitorEvaluations: OperationHandler<ListMonitorEvaluationsRequest> = async (ctx, input) => {
  const monitor = await requireResource(ctx, input.MonitorArn, [MONITOR_KIND]);
  for (const filter of input.Filters ?? []) {
    if (filter.Key === "EvaluationState" && !EVALUATION_STATES.includes(filter.Value)) {
      throw invalidInput(`The EvaluationState filter takes SUCCESS or FAILURE, not "${filter.Value}".`);
    }
  }
  // The evaluations are records of their own kind whose monitor is their parent: one list query, newest first.
  const page = await listPage(
    ctx,
    {
      operation: `ListMonitorEvaluations ${monitor.arn}`,
      kind: EVALUATION_KIND,
      filterKeys: { EvaluationState: "EvaluationState" },
      parentArn: monitor.arn,
    },
    input,
  );
  return {
    PredictorMonitorEvaluations: page.records.map((r) => ({
      ResourceArn: monitor.attrs.ResourceArn,
      MonitorArn: monitor.arn,
      EvaluationTime: epochSeconds(Number(r.attrs.EvaluationTime)),
      EvaluationState: r.attrs.EvaluationState,
      WindowStartDatetime:
        r.attrs.WindowStart === undefined ? undefined : epochSeconds(Number(r.attrs.WindowStart)),
      WindowEndDatetime:
        r.attrs.WindowEnd === undefined ? undefined : epochSeconds(Number(r.attrs.WindowEnd)),
      PredictorEvent: r.attrs.PredictorEvent
        ? {
            Detail: (r.attrs.PredictorEvent as { Detail: string }).Detail,
            Datetime: epochSeconds((r.attrs.PredictorEvent as { Datetime: number }).Datetime),
          }
        : undefined,
      MonitorDataSource: r.attrs.MonitorDataSource,
      MetricResults: r.attrs.MetricResults,
      NumItemsEvaluated: r.attrs.NumItemsEvaluated,
      Message: r.message ?? undefined,
    })),
    NextToken: page.nextToken,
  };
};

export const DeleteMonitor: OperationHandler<DeleteMonitorRequest> = async (ctx, input) => {
  const monitor = await requireResource(ctx, input.MonitorArn, [MONITOR_KIND]);
  const { store, jobs } = ctx.services;
  const running = (await store.children(monitor.arn)).find(
    (r) => r.status === STATUS.CREATE_IN_PROGRESS || r.status === STATUS.CREATE_STOPPING,
  );
  // The monitor is marked first: a check that starts after this finds it no longer ACTIVE and evaluates nothing.
  // Its evaluations and waiting checks go with it (the monitor's removal deletes its children).
  const refused = running
    ? "evaluating"
    : (await jobs.delete(monitor.arn, MONITOR_DELETABLE))
      ? undefined
      : ((await store.get(monitor.arn))?.status ?? "DELETED");
  if (refused === "evaluating") {
    throw inUse(
      `The monitor ${monitor.arn} is evaluating; stop it with StopResource or wait for the evaluation to end.`,
    );
  }
  if (refused) {
    throw inUse(
      `The monitor ${monitor.arn} is ${refused}; it can be deleted when ${MONITOR_DELETABLE.join(", ")}.`,
    );
  }
  return {};
};

/** StopResource on a monitor: ends the running evaluation, drops waiting ones, and makes none until resumed. */
export async function stopMonitor(ctx: RequestContext, monitor: ResourceRecord): Promise<object> {
  const { store, jobs } = ctx.services;
  const stopped = await store.update(
    monitor.arn,
    { status: STATUS.ACTIVE_STOPPED },
    { status: [STATUS.ACTIVE] },
  );
  if (!stopped) {
    throw invalidInput(
      `The monitor ${monitor.arn} is ${monitor.status}; only an ACTIVE monitor can be stopped.`,
    );
  }
  for (const child of await store.children(monitor.arn)) {
    if (child.kind === CHECK_KIND) await jobs.stop(child.arn);
  }
  return {};
}

/** ResumeResource on a monitor: ACTIVE again, and an evaluation of whatever arrived while it was stopped. */
export async function resumeMonitor(ctx: RequestContext, monitor: ResourceRecord): Promise<object> {
  const { store } = ctx.services;
  const resumed = await store.update(
    monitor.arn,
    { status: STATUS.ACTIVE },
    { status: [STATUS.ACTIVE_STOPPED] },
  );
  // A crash between the two writes leaves the monitor ACTIVE without this check: its next trigger evaluates.
  if (resumed) await enqueueMonitorCheck(store, resumed, `resumed${Date.now()}`);
  if (!resumed) {
    throw inUse(
      `The monitor ${monitor.arn} is ${monitor.status}; only a stopped monitor (ACTIVE_STOPPED) can be resumed.`,
    );
  }
  ctx.services.jobs.kick();
  return {};
}
