// Predictor monitoring's evaluations. When new target data is imported into a monitored predictor's dataset group,
// or the predictor (or one retrained from it) makes a new forecast, a "monitor check" job is queued for the monitor,
// in the same transaction that makes the import or forecast ACTIVE (a publish write of that job). The check compares every earlier forecast whose
// whole horizon the data now covers with the actuals, and publishes one evaluation record per such forecast in the
// transaction that ends the check (its publish writes). Evaluation records are keyed by the forecast they score (the
// ARN, the store's primary key on SQLite and PostgreSQL alike, and publish inserts skip a taken ARN), so a check that
// runs twice (after kill -9, or two checks racing) still leaves exactly one evaluation per forecast.

import { withConnection } from "../data/duckdb.js";
import { doubles, forEachChunk, integers } from "../data/series-chunks.js";
import { sqlIdent, sqlString } from "../data/sql.js";
import { formatLevel, WindowAccumulator, type WindowAccuracy } from "../forecasting/auto/accuracy.js";
import type { JobContext, JobHandler } from "../jobs/job-runner.js";
import { internalRoots, publicMessage } from "../jobs/public-message.js";
import { type PackedSeries, packSeriesSet } from "../jobs/series-transfer.js";
import { STATUS } from "../jobs/statuses.js";
import type { WorkerPool } from "../jobs/worker-pool.js";
import { keyOf } from "../pipelines/predictor-training.js";
import type { Scratch } from "../storage/blob-store.js";
import type { NewResource, PublishWrites, ResourceRecord, ResourceStore } from "../store/resource-store.js";
import { buildArn } from "./arn.js";
import type { Services } from "./context.js";
import { forecastTypeColumn } from "./forecast-files.js";
import { groupDatasets } from "./group-data.js";
import { predictorSeries } from "./series-input.js";

export const MONITOR_KIND = "monitor";
/** The job that looks for forecasts to evaluate (internal: never named by a client). */
export const CHECK_KIND = "monitor-check";
/** One evaluation result (internal record; ListMonitorEvaluations shows them). */
export const EVALUATION_KIND = "monitor-evaluation";

/** How far a chain of retrained predictors is followed (a bound on user-made data, not a limit in practice). */
const MAX_LINEAGE = 100;

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

let lastCreatedAt = 0;
/** Strictly increasing creation times, so that "newest first" orders evaluations made in one millisecond. */
function nextTime(): number {
  lastCreatedAt = Math.max(Date.now(), lastCreatedAt + 1);
  return lastCreatedAt;
}

/**
 * The check to queue for an ACTIVE monitor (none for another status). `trigger` names what caused it and makes the
 * check's identity, so the same import or forecast never queues two checks (the insert of a taken ARN is skipped).
 */
export function monitorCheck(monitor: ResourceRecord, trigger: string): NewResource | undefined {
  if (monitor.status !== STATUS.ACTIVE) return undefined;
  const now = nextTime();
  const record: ResourceRecord = {
    arn: buildArn(monitor, CHECK_KIND, trigger, monitor.name),
    accountId: monitor.accountId,
    region: monitor.region,
    kind: CHECK_KIND,
    name: trigger,
    parentArn: monitor.arn,
    status: STATUS.CREATE_PENDING,
    message: null,
    createdAt: now,
    modifiedAt: now,
    attrs: { Trigger: trigger },
  };
  return { record };
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

async function monitorOfPredictor(
  store: ResourceStore,
  predictorArn: string,
): Promise<ResourceRecord | undefined> {
  return (await store.children(predictorArn)).find((r) => r.kind === MONITOR_KIND);
}

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
async function lineage(store: ResourceStore, predictor: ResourceRecord): Promise<ResourceRecord[]> {
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
      const monitor = await monitorOfPredictor(store, predictor.arn);
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
    const monitor = await monitorOfPredictor(store, p.arn);
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

/** One evaluation to publish: the record's identity and what ListMonitorEvaluations shows. */
interface EvaluationResult {
  key: string;
  state: "SUCCESS" | "FAILURE";
  message?: string;
  attrs: Record<string, unknown>;
}

/** Parses the forecast's own yyyy-MM-ddTHH:mm:ss (UTC) bounds. */
const utcMs = (text: string): number => Date.parse(`${text}Z`);

/** Float64 columns on shared memory, so that they cross to the worker without a copy. */
const sharedDoubles = (n: number) =>
  new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8)).subarray(0, n);

/**
 * Scores one forecast against the actuals of the prepared series (already packed for the workers). The event loop
 * only copies the forecast file's rows from DuckDB's chunks into columns on shared memory (a memcpy per chunk of
 * 2,048 rows); the alignment and the sums run in a worker (forecasting/forecast-scoring.ts), through the accumulator
 * that also scores the predictor's backtests (so the numbers compare with the Baseline).
 */
async function scoreForecast(
  pool: WorkerPool,
  forecastFile: string,
  forecast: ResourceRecord,
  packed: PackedSeries,
  seriesIndexOf: Map<string, number>,
  period: number,
  signal: AbortSignal,
): Promise<{ accuracy: WindowAccuracy; items: number }> {
  const keyNames = forecast.attrs.KeyNames as string[];
  const types = forecast.attrs.ForecastTypes as string[];
  const levels = types.filter((t) => t !== "mean").map(Number);
  const meanColumn = types.includes("mean") ? "mean" : levels.includes(0.5) ? "p50" : undefined;
  const valueColumns = [meanColumn, ...levels.map((l) => forecastTypeColumn(String(l)))];
  const file = sqlString(forecastFile);
  const keys = keyNames.map(sqlIdent).join(", ");
  const number = (c: string | undefined) =>
    c ? `COALESCE(${sqlIdent(c)}::DOUBLE, 'NaN'::DOUBLE)` : "'NaN'::DOUBLE";
  const start = utcMs(String(forecast.attrs.ForecastStart));
  const end = utcMs(String(forecast.attrs.ForecastEnd));
  const rows = await withConnection(signal, async (connection) => {
    const distinct = await connection.runAndReadAll(
      `SELECT DISTINCT ${keys} FROM read_parquet(${file}) ORDER BY ${keys}`,
    );
    const seriesIndex = Int32Array.from(
      distinct.getRowObjectsJS() as Record<string, unknown>[],
      (r) => seriesIndexOf.get(JSON.stringify(keyNames.map((k) => String(r[k])))) ?? -1,
    );
    const counted = await connection.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM read_parquet(${file})`,
    );
    const total = Number((counted.getRowObjectsJS()[0] as { n: number }).n);
    const seriesId = new Int32Array(new SharedArrayBuffer(Math.max(1, total) * 4)).subarray(0, total);
    const ms = sharedDoubles(total);
    const values = valueColumns.map(() => sharedDoubles(total));
    let offset = 0;
    await forEachChunk(
      connection,
      `SELECT (dense_rank() OVER (ORDER BY ${keys}) - 1)::INTEGER AS sid,
         epoch_ms(CAST(date AS TIMESTAMP))::DOUBLE AS ms, ${valueColumns.map(number).join(", ")}
       FROM read_parquet(${file}) ORDER BY ${keys}, date`,
      signal,
      (chunk) => {
        if (offset + chunk.rowCount > total) throw new Error("the forecast file changed while it was read");
        seriesId.set(integers(chunk, 0), offset);
        ms.set(doubles(chunk, 1), offset);
        for (let c = 0; c < values.length; c++)
          (values[c] as Float64Array).set(doubles(chunk, c + 2), offset);
        offset += chunk.rowCount;
      },
    );
    return { seriesId, ms, values, seriesIndex };
  });
  const { state, items } = await pool.run(
    "scoreForecast",
    { series: packed, rows, window: { levels, start, end, period } },
    signal,
  );
  return { accuracy: WindowAccumulator.combine([state]), items };
}

/** The check job: evaluates each not-yet-evaluated forecast whose horizon the current data covers. */
export function monitorCheckJobs(services: Services): JobHandler {
  const { store } = services;
  const internal = internalRoots(services.config.dataDir);
  const messageOf = (e: unknown) => publicMessage(e instanceof Error ? e.message : String(e), internal);
  return {
    async run(ctx: JobContext) {
      const check = ctx.record;
      const monitor = check.parentArn ? await store.get(check.parentArn) : undefined;
      if (!monitor || monitor.status !== STATUS.ACTIVE) return { Results: [] };
      const predictor = await store.get(String(monitor.attrs.ResourceArn));
      if (!predictor || predictor.status !== STATUS.ACTIVE) return { Results: [] };
      const monitored: ResourceRecord = predictor;
      const evaluationTime = Date.now();
      const evaluated = new Set(
        (await store.children(monitor.arn))
          .filter((r) => r.kind === EVALUATION_KIND)
          .map((r) => String(r.attrs.ForecastArn)),
      );
      const members = await lineage(store, predictor);
      const candidates = (await Promise.all(members.map((p) => store.children(p.arn))))
        .flat()
        .filter(
          (f) =>
            f.kind === "forecast" &&
            f.status === STATUS.ACTIVE &&
            f.attrs.ForecastFile !== undefined &&
            !evaluated.has(f.arn),
        )
        .sort((a, b) => a.createdAt - b.createdAt);
      if (candidates.length === 0) return { Results: [] };
      const group = await store.get(String(predictor.attrs.DatasetGroupArn));
      const importJob = group
        ? (await groupDatasets(store, group)).target?.attrs.LatestImportJobArn
        : undefined;
      const common = { EvaluationTime: evaluationTime };
      // The job's scratch holds the fetched data and forecast files until the check ends.
      const scratch = await services.blobs.scratch(check.name);
      try {
        return { Results: await evaluate(scratch) };
      } finally {
        await scratch.dispose();
      }

      async function evaluate(scratch: Scratch): Promise<EvaluationResult[]> {
        let prepared: Awaited<ReturnType<typeof predictorSeries>>;
        try {
          prepared = await predictorSeries(store, monitored, ctx.signal, scratch);
        } catch (e) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          const failure: EvaluationResult = {
            key: `check/${check.name}`,
            state: "FAILURE",
            message: `Could not read the dataset group's data to evaluate the forecasts: ${messageOf(e)}`,
            attrs: {
              ...common,
              MonitorDataSource: {
                DatasetImportJobArn: importJob,
                PredictorArn: monitored.arn,
              },
            },
          };
          return [failure];
        }
        const { set } = prepared;
        let dataEnd = Number.NEGATIVE_INFINITY;
        const seriesIndexOf = new Map<string, number>();
        for (const [i, s] of set.series.entries()) {
          seriesIndexOf.set(keyOf(s), i);
          const n = s.target.length;
          if (n > 0) dataEnd = Math.max(dataEnd, s.timestamps[n - 1] as number);
        }
        const results: EvaluationResult[] = [];
        // The series cross to the worker once, on shared memory, for all the forecasts of this check.
        let packed: PackedSeries | undefined;
        for (const forecast of candidates) {
          // No result until the data covers the forecast's whole horizon (Amazon: "a full forecast horizon").
          if (dataEnd < utcMs(String(forecast.attrs.ForecastEnd))) continue;
          const forecastPredictor = String(forecast.attrs.PredictorArn);
          const retrained =
            forecastPredictor !== monitored.arn ? await store.get(forecastPredictor) : undefined;
          const attrs = {
            ...common,
            ForecastArn: forecast.arn,
            WindowStart: utcMs(String(forecast.attrs.ForecastStart)),
            WindowEnd: utcMs(String(forecast.attrs.ForecastEnd)),
            MonitorDataSource: {
              DatasetImportJobArn: importJob,
              ForecastArn: forecast.arn,
              PredictorArn: forecastPredictor,
            },
            PredictorEvent: retrained ? { Detail: "Retrain", Datetime: retrained.createdAt } : undefined,
          };
          const key = `forecast/${forecast.name}`;
          try {
            const file = await scratch.fetch(String(forecast.attrs.ForecastFile));
            packed ??= (await packSeriesSet(set)).series;
            const { accuracy, items } = await scoreForecast(
              services.pool,
              file,
              forecast,
              packed,
              seriesIndexOf,
              set.period,
              ctx.signal,
            );
            if (items === 0) {
              results.push({
                key,
                state: "FAILURE",
                message:
                  "None of the forecast's series has actual values in its window in the imported data.",
                attrs: { ...attrs, NumItemsEvaluated: 0 },
              });
            } else {
              results.push({
                key,
                state: "SUCCESS",
                attrs: { ...attrs, NumItemsEvaluated: items, MetricResults: accuracyMetricResults(accuracy) },
              });
            }
          } catch (e) {
            if (ctx.signal.aborted) throw ctx.signal.reason;
            results.push({
              key,
              state: "FAILURE",
              message: `Could not evaluate the forecast ${forecast.arn}: ${messageOf(e)}`,
              attrs,
            });
          }
        }
        return results;
      }
    },
    async publish(check, result): Promise<PublishWrites> {
      const monitor = check.parentArn ? await store.get(check.parentArn) : undefined;
      if (!monitor) return {};
      const inserts: NewResource[] = [];
      for (const r of (result?.Results as EvaluationResult[] | undefined) ?? []) {
        const now = nextTime();
        // A publish insert of a taken ARN is skipped: a forecast already evaluated (by a racing or re-run check)
        // keeps its first result.
        const record: ResourceRecord = {
          arn: buildArn(monitor, EVALUATION_KIND, r.key, monitor.name),
          accountId: monitor.accountId,
          region: monitor.region,
          kind: EVALUATION_KIND,
          name: r.key,
          parentArn: monitor.arn,
          status: r.state === "SUCCESS" ? STATUS.ACTIVE : STATUS.CREATE_FAILED,
          message: r.message ?? null,
          createdAt: now,
          modifiedAt: now,
          attrs: { ...r.attrs, EvaluationState: r.state },
        };
        inserts.push({ record });
      }
      return { inserts };
    },
  };
}
