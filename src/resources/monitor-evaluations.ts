// Predictor monitoring's records. When new target data is imported into a monitored predictor's dataset group,
// or the predictor (or one retrained from it) makes a new forecast, a "monitor check" job is queued for the monitor,
// in the same transaction that makes the import or forecast ACTIVE (pipelines/monitor-triggers.ts). The check
// (pipelines/monitor-check.ts) compares every earlier forecast whose whole horizon the data now covers with the
// actuals, and publishes one evaluation record per such forecast in the transaction that ends the check. Evaluation
// records are keyed by the forecast they score (the ARN, the store's primary key on SQLite and PostgreSQL alike, and
// publish inserts skip a taken ARN), so a check that runs twice (after kill -9, or two checks racing) still leaves
// exactly one evaluation per forecast. Here: the kinds, the metrics' names, and the check record to queue.

import { formatLevel, type WindowAccuracy } from "../forecasting/auto/accuracy.js";
import { STATUS } from "../jobs/statuses.js";
import type { NewResource, ResourceRecord, ResourceStore } from "../store/resource-store.js";
import { buildArn } from "./arn.js";
import { nextCreationTime } from "./common.js";

export const MONITOR_KIND = "monitor";
/** The job that looks for forecasts to evaluate (internal: never named by a client). */
export const CHECK_KIND = "monitor-check";
/** One evaluation result (internal record; ListMonitorEvaluations shows them). */
export const EVALUATION_KIND = "monitor-evaluation";

export interface MetricResult {
  MetricName: string;
  MetricValue: number;
}

/**
 * A window's accuracy as monitor metrics: RMSE, WAPE, MAPE and MASE of the mean forecast, wQL per quantile
 * ("wQL[0.1]") and AverageWeightedQuantileLoss when quantiles were forecast. Metrics that cannot be computed
 * (no volume, say) are left out: JSON has no NaN.
 */
export function accuracyMetricResults(w: WindowAccuracy): MetricResult[] {
  const mean = w.ErrorMetrics.find((e) => e.ForecastType === "mean");
  const out: MetricResult[] = [];
  if (mean) {
    out.push(
      { MetricName: "RMSE", MetricValue: mean.RMSE },
      { MetricName: "WAPE", MetricValue: mean.WAPE },
      { MetricName: "MAPE", MetricValue: mean.MAPE },
      { MetricName: "MASE", MetricValue: mean.MASE },
    );
  }
  for (const q of w.WeightedQuantileLosses) {
    out.push({ MetricName: `wQL[${formatLevel(q.Quantile)}]`, MetricValue: q.LossValue });
  }
  if (w.WeightedQuantileLosses.length > 0) {
    out.push({ MetricName: "AverageWeightedQuantileLoss", MetricValue: w.AverageWeightedQuantileLoss });
  }
  return out.filter((m) => Number.isFinite(m.MetricValue));
}

/**
 * A record the service makes under a monitor (a check, an evaluation), named `name` within it: internal, so made
 * from the monitor rather than from a request.
 */
export function monitorChild(
  monitor: ResourceRecord,
  fields: {
    kind: typeof CHECK_KIND | typeof EVALUATION_KIND;
    name: string;
    status: string;
    message?: string | undefined;
    attrs: Record<string, unknown>;
  },
): ResourceRecord {
  const now = nextCreationTime();
  return {
    arn: buildArn(monitor, fields.kind, fields.name, monitor.name),
    accountId: monitor.accountId,
    region: monitor.region,
    kind: fields.kind,
    name: fields.name,
    parentArn: monitor.arn,
    status: fields.status,
    message: fields.message ?? null,
    createdAt: now,
    modifiedAt: now,
    attrs: fields.attrs,
  };
}

/**
 * The check to queue for an ACTIVE monitor (none for another status). `trigger` names what caused it and makes the
 * check's identity, so the same import or forecast never queues two checks (the insert of a taken ARN is skipped).
 */
export function monitorCheck(monitor: ResourceRecord, trigger: string): NewResource | undefined {
  if (monitor.status !== STATUS.ACTIVE) return undefined;
  const attrs = { Trigger: trigger };
  return {
    record: monitorChild(monitor, { kind: CHECK_KIND, name: trigger, status: STATUS.CREATE_PENDING, attrs }),
  };
}

/** Queues a check for an ACTIVE monitor now (a monitor just made or resumed). */
export async function enqueueMonitorCheck(
  store: ResourceStore,
  monitor: ResourceRecord,
  trigger: string,
): Promise<void> {
  const check = monitorCheck(monitor, trigger);
  if (check) await store.insert(check);
}
