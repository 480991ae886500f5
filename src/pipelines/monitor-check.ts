// The monitor check job: scores each not-yet-evaluated forecast of the monitored predictor (and of those retrained
// from it) whose whole horizon the imported data now covers, and publishes one evaluation record per forecast with
// the check's ACTIVE status (resources/monitor-evaluations.ts says why that makes re-runs harmless).
import { withConnection } from "../data/duckdb.js";
import { doubles, forEachChunk, integers } from "../data/series-chunks.js";
import { sqlIdent, sqlString } from "../data/sql.js";
import { WindowAccumulator, type WindowAccuracy } from "../forecasting/auto/accuracy.js";
import { keyOf } from "../forecasting/auto/predictor-model.js";
import type { JobContext, JobHandler } from "../jobs/job-runner.js";
import { internalRoots, publicMessage } from "../jobs/public-message.js";
import { type PackedSeries, packSeriesSet } from "../jobs/series-transfer.js";
import { STATUS } from "../jobs/statuses.js";
import type { WorkerPool } from "../jobs/worker-pool.js";
import type { Services } from "../resources/context.js";
import { forecastTypeColumn } from "../resources/forecast-files.js";
import { groupDatasets } from "../resources/group-data.js";
import { accuracyMetricResults, EVALUATION_KIND, monitorChild } from "../resources/monitor-evaluations.js";
import { ownFileVersion } from "../resources/own-files.js";
import { predictorSeries } from "../resources/series-input.js";
import type { Scratch } from "../storage/blob-store.js";
import type { NewResource, PublishWrites, ResourceRecord } from "../store/resource-store.js";
import { lineage } from "./monitor-triggers.js";

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
            const file = await scratch.fetch(String(forecast.attrs.ForecastFile), {
              version: ownFileVersion(forecast),
            });
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
        // A publish insert of a taken ARN is skipped: a forecast already evaluated (by a racing or re-run check)
        // keeps its first result.
        const record = monitorChild(monitor, {
          kind: EVALUATION_KIND,
          name: r.key,
          status: r.state === "SUCCESS" ? STATUS.ACTIVE : STATUS.CREATE_FAILED,
          message: r.message,
          attrs: { ...r.attrs, EvaluationState: r.state },
        });
        inserts.push({ record });
      }
      return { inserts };
    },
  };
}
