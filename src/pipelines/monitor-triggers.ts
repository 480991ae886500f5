// Monitor checks are queued by new data and new forecasts: the import and forecast jobs' handlers are wrapped so
// that the transaction making the import or forecast ACTIVE also inserts a check for each monitor concerned.
import type { JobHandler } from "../jobs/job-runner.js";
import { monitorCheck } from "../resources/monitor-evaluations.js";
import { monitorOf } from "../resources/monitors.js";
import type { NewResource, PublishWrites, ResourceRecord, ResourceStore } from "../store/resource-store.js";

/** How far a chain of retrained predictors is followed (a bound on user-made data, not a limit in practice). */
const MAX_LINEAGE = 100;

/** A predictor and the predictors it was retrained from, nearest first. */
async function ancestry(store: ResourceStore, predictor: ResourceRecord): Promise<ResourceRecord[]> {
  const out = [predictor];
  let current: ResourceRecord | undefined = predictor;
  while (out.length < MAX_LINEAGE && current?.attrs.ReferencePredictorArn) {
    current = await store.get(String(current.attrs.ReferencePredictorArn));
    if (current) out.push(current);
  }
  return out;
}

/** A monitored predictor and every predictor retrained from it (transitively): their forecasts are evaluated. */
export async function lineage(store: ResourceStore, predictor: ResourceRecord): Promise<ResourceRecord[]> {
  const group = predictor.parentArn;
  const siblings = group ? (await store.children(group)).filter((r) => r.kind === "predictor") : [];
  const members = new Map([[predictor.arn, predictor]]);
  for (let grew = true; grew && members.size < MAX_LINEAGE; ) {
    grew = false;
    for (const p of siblings) {
      if (!members.has(p.arn) && members.has(String(p.attrs.ReferencePredictorArn))) {
        members.set(p.arn, p);
        grew = true;
      }
    }
  }
  return [...members.values()];
}

/** Called as a dataset import job becomes ACTIVE: new target data queues a check for every monitor of the group. */
export async function importTriggers(store: ResourceStore, job: ResourceRecord): Promise<NewResource[]> {
  const dataset = await store.get(String(job.attrs.DatasetArn));
  if (dataset?.attrs.DatasetType !== "TARGET_TIME_SERIES") return [];
  const checks: NewResource[] = [];
  for (const group of await store.referrers(dataset.arn)) {
    if (group.kind !== "dataset-group") continue;
    for (const predictor of await store.children(group.arn)) {
      if (predictor.kind !== "predictor") continue;
      const monitor = await monitorOf(store, predictor.arn);
      const check = monitor && monitorCheck(monitor, `import/${dataset.name}/${job.name}`);
      if (check) checks.push(check);
    }
  }
  return checks;
}

/** Called as a forecast becomes ACTIVE: the monitors of its predictor and of the ones it was retrained from check. */
export async function forecastTriggers(
  store: ResourceStore,
  forecast: ResourceRecord,
): Promise<NewResource[]> {
  const predictor = await store.get(String(forecast.attrs.PredictorArn));
  if (!predictor) return [];
  const checks: NewResource[] = [];
  for (const p of await ancestry(store, predictor)) {
    const monitor = await monitorOf(store, p.arn);
    const check = monitor && monitorCheck(monitor, `forecast/${forecast.name}`);
    if (check) checks.push(check);
  }
  return checks;
}

/**
 * Wraps a job handler so that its publish writes also insert the monitor checks `trigger` finds: they are written
 * in the transaction that makes the import or forecast ACTIVE. A monitor made between this publish and that
 * transaction, whose first check (queued at CreateMonitor) also ran before it, sees the import or forecast only at
 * its next trigger: a window of milliseconds, accepted rather than a store-wide lock.
 */
export function withMonitorTriggers(
  handler: JobHandler,
  store: ResourceStore,
  trigger: (store: ResourceStore, record: ResourceRecord) => Promise<NewResource[]>,
): JobHandler {
  return {
    run: handler.run.bind(handler),
    async publish(record, result): Promise<PublishWrites> {
      const own = (await handler.publish?.(record, result)) ?? {};
      const checks = await trigger(store, record);
      return { ...own, inserts: [...(own.inserts ?? []), ...checks] };
    },
    cleanup: handler.cleanup?.bind(handler),
    remove: handler.remove?.bind(handler),
  };
}
