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
import {
  checkUserTags,
  epochSeconds,
  newRecord,
  requireResource,
  storeCreationTags,
  type Tag,
} from "./common.js";
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
export function monitorOf(store: ResourceStore, predictorArn: string): ResourceRecord | undefined {
  return store.children(predictorArn).find((r) => r.kind === MONITOR_KIND);
}

/**
 * Makes the monitor record of a predictor, inside the caller's transaction: ACTIVE at once (it has nothing to
 * build; its Baseline appears once the predictor is ACTIVE), or undefined when the name is taken.
 */
export function insertMonitor(
  ctx: RequestContext,
  predictorArn: string,
  name: string,
  tags: readonly Tag[],
): ResourceRecord | undefined {
  const arn = buildArn(ctx, MONITOR_KIND, name);
  const record = newRecord(ctx, {
    arn,
    kind: MONITOR_KIND,
    name,
    parentArn: predictorArn,
    status: STATUS.ACTIVE,
    attrs: { ResourceArn: predictorArn },
  });
  if (!ctx.services.store.insert(record)) return undefined;
  storeCreationTags(ctx, arn, tags);
  return record;
}

const monitorExists = (arn: string) => alreadyExists(`A monitor already exists with the arn: ${arn}`);

export const CreateMonitor: OperationHandler<CreateMonitorRequest> = async (ctx, input) => {
  const tags = checkUserTags(input.Tags);
  const predictor = requireResource(ctx, input.ResourceArn, ["predictor"]);
  if (!predictor.attrs.IsAutoPredictor) {
    throw invalidInput(
      `${predictor.arn} is a legacy predictor; monitoring is only for AutoPredictors (retrain it with CreateAutoPredictor).`,
    );
  }
  if (predictor.status !== STATUS.ACTIVE) {
    throw inUse(`The predictor ${predictor.arn} is ${predictor.status}; a monitor needs it ACTIVE.`);
  }
  const { store } = ctx.services;
  const outcome = store.transaction(() => {
    const existing = monitorOf(store, predictor.arn);
    if (existing) return { existing };
    return { created: insertMonitor(ctx, predictor.arn, input.MonitorName, tags) };
  });
  if (outcome.existing) {
    throw alreadyExists(
      `The predictor ${predictor.arn} already has the monitor ${outcome.existing.arn}; a predictor has at most one.`,
    );
  }
  if (!outcome.created) throw monitorExists(buildArn(ctx, MONITOR_KIND, input.MonitorName));
  // Forecasts made before the monitor whose horizon the data already covers are evaluated right away.
  store.transaction(() => enqueueMonitorCheck(store, outcome.created as ResourceRecord, "created"));
  ctx.services.jobs.kick();
  return { MonitorArn: outcome.created.arn };
};

/** The predictor's own backtest accuracy, averaged over its windows, under the names evaluations use. */
function baselineOf(store: ResourceStore, predictorArn: string) {
  const predictor = store.get(predictorArn);
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
function lastEvaluation(store: ResourceStore, monitor: ResourceRecord): ResourceRecord | undefined {
  let last: ResourceRecord | undefined;
  for (const r of store.children(monitor.arn)) {
    if (r.kind === EVALUATION_KIND && (!last || r.createdAt >= last.createdAt)) last = r;
  }
  return last;
}

/** Minutes left of the evaluation running or waiting for this monitor: 0 when none is. */
function minutesRemaining(store: ResourceStore, monitor: ResourceRecord): number {
  const working = store
    .children(monitor.arn)
    .filter(
      (r) =>
        r.kind === CHECK_KIND &&
        (r.status === STATUS.CREATE_PENDING || r.status === STATUS.CREATE_IN_PROGRESS),
    );
  if (working.length === 0) return 0;
  return Math.max(1, ...working.map((r) => Number(r.attrs.EstimatedTimeRemainingInMinutes ?? 1)));
}

export const DescribeMonitor: OperationHandler<DescribeMonitorRequest> = async (ctx, input) => {
  const monitor = requireResource(ctx, input.MonitorArn, [MONITOR_KIND]);
  const { store } = ctx.services;
  const last = lastEvaluation(store, monitor);
  return {
    MonitorName: monitor.name,
    MonitorArn: monitor.arn,
    ResourceArn: monitor.attrs.ResourceArn,
    Status: monitor.status,
    LastEvaluationTime: last ? epochSeconds(Number(last.attrs.EvaluationTime)) : undefined,
    LastEvaluationState: last?.attrs.EvaluationState,
    Baseline: baselineOf(store, String(monitor.attrs.ResourceArn)),
    Message: monitor.message ?? undefined,
    CreationTime: epochSeconds(monitor.createdAt),
    LastModificationTime: epochSeconds(monitor.modifiedAt),
    EstimatedEvaluationTimeRemainingInMinutes: minutesRemaining(store, monitor),
  };
};

export const ListMonitors: OperationHandler<ListMonitorsRequest> = async (ctx, input) => {
  const page = listPage(
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
  const monitor = requireResource(ctx, input.MonitorArn, [MONITOR_KIND]);
  for (const filter of input.Filters ?? []) {
    if (filter.Key === "EvaluationState" && !EVALUATION_STATES.includes(filter.Value)) {
      throw invalidInput(`The EvaluationState filter takes SUCCESS or FAILURE, not "${filter.Value}".`);
    }
  }
  // The evaluations are records of their own kind whose monitor is their parent: one list query, newest first.
  const page = listPage(
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
  const monitor = requireResource(ctx, input.MonitorArn, [MONITOR_KIND]);
  const { store, jobs } = ctx.services;
  const refused = store.transaction(() => {
    const current = store.get(monitor.arn);
    if (!current || !MONITOR_DELETABLE.includes(current.status)) return current?.status ?? "DELETED";
    const children = store.children(monitor.arn);
    const running = children.find(
      (r) => r.status === STATUS.CREATE_IN_PROGRESS || r.status === STATUS.CREATE_STOPPING,
    );
    if (running) return "evaluating";
    // The evaluations go with their monitor; one still waiting is dropped.
    for (const child of children) {
      jobs.delete(child.arn, [...MONITOR_DELETABLE, STATUS.CREATE_PENDING]);
    }
    jobs.delete(monitor.arn, MONITOR_DELETABLE);
    return undefined;
  });
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
  const stopped = store.update(monitor.arn, { status: STATUS.ACTIVE_STOPPED }, [STATUS.ACTIVE]);
  if (!stopped) {
    throw invalidInput(
      `The monitor ${monitor.arn} is ${monitor.status}; only an ACTIVE monitor can be stopped.`,
    );
  }
  for (const child of store.children(monitor.arn)) {
    if (child.kind === CHECK_KIND) jobs.stop(child.arn);
  }
  return {};
}

/** ResumeResource on a monitor: ACTIVE again, and an evaluation of whatever arrived while it was stopped. */
export async function resumeMonitor(ctx: RequestContext, monitor: ResourceRecord): Promise<object> {
  const { store } = ctx.services;
  const resumed = store.transaction(() => {
    const active = store.update(monitor.arn, { status: STATUS.ACTIVE }, [STATUS.ACTIVE_STOPPED]);
    if (active) enqueueMonitorCheck(store, active, `resumed${Date.now()}`);
    return active;
  });
  if (!resumed) {
    throw inUse(
      `The monitor ${monitor.arn} is ${monitor.status}; only a stopped monitor (ACTIVE_STOPPED) can be resumed.`,
    );
  }
  ctx.services.jobs.kick();
  return {};
}
