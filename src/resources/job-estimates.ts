import type { JobContext, JobHandler } from "../jobs/job-runner.js";
import type { ResourceRecord } from "../store/resource-store.js";
import type { Services } from "./context.js";
import { groupDatasets } from "./group-data.js";

/**
 * Seconds of work per series and a fixed part, per job kind, from bench/RESULTS.md on 2 worker threads and
 * rounded up (an estimate that runs out early reads worse than one that ends early): an AutoPredictor's training
 * took 12.6 ms a series for 1,500 series and 10 ms for 100,000; a forecast 0.5 ms; an explainability a few ms.
 */
const COSTS: Record<string, { fixedSeconds: number; perSeries: number }> = {
  predictor: { fixedSeconds: 30, perSeries: 0.015 },
  forecast: { fixedSeconds: 10, perSeries: 0.001 },
  explainability: { fixedSeconds: 10, perSeries: 0.003 },
};

/** An import's size is not known before it reads its source: one minute, what most imports take at most. */
const DEFAULT_MINUTES = 1;

/** The kinds whose Describe shows EstimatedTimeRemainingInMinutes. */
const ESTIMATED_KINDS = new Set(["dataset-import-job", "predictor", "forecast", "explainability"]);

/**
 * A first EstimatedTimeRemainingInMinutes, set when the job is claimed so that Describe shows one from the first
 * second; the handlers refine it from their own pace once their chunks of series start finishing.
 */
export function withInitialEstimate(services: Services, handler: JobHandler, kind: string): JobHandler {
  if (!ESTIMATED_KINDS.has(kind)) return handler;
  return {
    async run(ctx: JobContext) {
      const minutes = await initialEstimateMinutes(services, ctx.record).catch(() => DEFAULT_MINUTES);
      ctx.progress({ EstimatedTimeRemainingInMinutes: minutes });
      return handler.run(ctx);
    },
    publish: handler.publish?.bind(handler),
    cleanup: handler.cleanup?.bind(handler),
    remove: handler.remove?.bind(handler),
  };
}

/** Whole minutes, at least 1, from the series count the job's input has (or the default when unknown). */
export async function initialEstimateMinutes(services: Services, record: ResourceRecord): Promise<number> {
  const cost = COSTS[record.kind];
  if (!cost) return DEFAULT_MINUTES;
  const series = await estimateSeriesCount(services, record);
  if (series === undefined) return DEFAULT_MINUTES;
  return Math.max(1, Math.ceil((cost.fixedSeconds + cost.perSeries * series) / 60));
}

/** The number of series a job will work on, as far as the store knows it before the job reads any data. */
export async function estimateSeriesCount(
  services: Services,
  record: ResourceRecord,
): Promise<number | undefined> {
  const store = services.store;
  const count = (r: ResourceRecord | undefined) =>
    numberOf(r?.attrs.ItemCount) ?? numberOf(r?.attrs.SeriesCount);
  if (record.kind === "predictor") {
    const group = await store.get(String(record.attrs.DatasetGroupArn));
    if (!group) return undefined;
    const datasets = await groupDatasets(store, group);
    const latest = datasets.target?.attrs.LatestImportJobArn;
    const job = typeof latest === "string" ? await store.get(latest) : undefined;
    const stats = job?.attrs.FieldStatistics as Record<string, { CountDistinct?: number }> | undefined;
    return numberOf(stats?.[datasets.itemIdField]?.CountDistinct);
  }
  if (record.kind === "forecast") return count(await store.get(String(record.attrs.PredictorArn)));
  if (record.kind === "explainability") return count(await store.get(String(record.attrs.ResourceArn)));
  return undefined;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
