import { isDatasetMember } from "../forecasting/auto/members.js";
import { keyOf, readPredictorModel, seriesWeightsOf } from "../forecasting/auto/predictor-model.js";
import type { SeriesForecast } from "../forecasting/model.js";
import type { PreparedSeries, SeriesSet } from "../forecasting/series-set.js";
import { concatForecastsAt, type PackedForecasts, sliceForecasts } from "../jobs/forecast-transfer.js";
import { type JobContext, JobFailure, type JobHandler } from "../jobs/job-runner.js";
import { packSeriesSet, sliceSeries } from "../jobs/series-transfer.js";
import type { WorkerPool } from "../jobs/worker-pool.js";
import type { Services } from "../resources/context.js";
import { forecastTimestamp, writeForecastFile } from "../resources/forecast-files.js";
import { parseForecastTypes } from "../resources/predictor-config.js";
import { readSeriesIdentifiers } from "../resources/series-identifiers.js";
import { predictorSeries } from "../resources/series-input.js";
import { SERIES_LIST_NAME, seriesListOfParquet } from "../resources/series-list.js";
import { resourcePrefix, type Scratch } from "../storage/blob-store.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { datasetMemberRunner } from "./dataset-members.js";
import { chunkSize, chunks } from "./predictor-training.js";
import { resourceObjects, scratchJob } from "./scratch-job.js";

const KIND = "forecast";

/** The series keys a TimeSeriesSelector names. */
async function selectedKeys(
  services: Services,
  forecast: ResourceRecord,
  signal: AbortSignal,
): Promise<Set<string>> {
  const selector = (
    forecast.attrs.TimeSeriesSelector as {
      TimeSeriesIdentifiers: {
        DataSource: { S3Config: { Path: string } };
        Schema: { Attributes: { AttributeName: string }[] };
        Format?: string;
      };
    }
  ).TimeSeriesIdentifiers;
  const keys = await readSeriesIdentifiers(
    services,
    forecast.accountId,
    {
      path: selector.DataSource.S3Config.Path,
      attributeNames: selector.Schema.Attributes.map((a) => a.AttributeName),
      format: selector.Format,
    },
    signal,
  );
  return new Set(keys);
}

/** Forecasting: the latest data of the group, each series through its combination, into a Parquet file. */
export function forecastJobs(services: Services, pool: WorkerPool): JobHandler {
  return scratchJob(
    services,
    (ctx, scratch) => forecastOnce(services, pool, ctx, scratch),
    resourceObjects(services, KIND),
  );
}

/** The forecast job's work, in its scratch folder; the result is stored under the forecast's prefix. */
async function forecastOnce(
  services: Services,
  pool: WorkerPool,
  ctx: JobContext,
  scratch: Scratch,
): Promise<Record<string, unknown>> {
  const forecast = ctx.record;
  const predictor = await services.store.get(String(forecast.attrs.PredictorArn));
  if (!predictor)
    throw new JobFailure(`The predictor ${String(forecast.attrs.PredictorArn)} no longer exists.`);
  const { set } = await predictorSeries(services.store, predictor, ctx.signal, scratch).catch(
    (e: unknown) => {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      throw new JobFailure(
        `Could not prepare the data to forecast: ${e instanceof Error ? e.message : String(e)}`,
      );
    },
  );
  let series: PreparedSeries[] = set.series;
  if (forecast.attrs.TimeSeriesSelector) {
    const wanted = await selectedKeys(services, forecast, ctx.signal);
    series = series.filter((s) => wanted.has(keyOf(s)));
    if (series.length === 0)
      throw new JobFailure("The TimeSeriesSelector matches none of the dataset's series.");
  }
  const forecastOf = await computeForecasts(services, pool, predictor, set, series, ctx.signal, ctx.progress);
  const types = forecast.attrs.ForecastTypes as string[];
  const { quantiles } = parseForecastTypes(predictor.attrs.ForecastTypes as string[]);
  const local = scratch.file("forecast.parquet");
  await writeForecastFile(local, set, series, forecastOf, types, quantiles, ctx.signal);
  const file = `${resourcePrefix(forecast, KIND, forecast.name)}forecast.parquet`;
  await services.blobs.put(file, local);
  // The console's series search reads this list instead of the whole forecast file (series-index.ts).
  const seriesListFile = `${resourcePrefix(forecast, KIND, forecast.name)}${SERIES_LIST_NAME}`;
  await services.blobs.putText(
    seriesListFile,
    await seriesListOfParquet(local, set.keyNames, "", ctx.signal),
  );
  const first = series[0] as PreparedSeries;
  return {
    ForecastFile: file,
    SeriesListFile: seriesListFile,
    KeyNames: set.keyNames,
    SeriesCount: series.length,
    Horizon: set.horizon,
    ForecastStart: forecastTimestamp(first.timestamps[first.target.length] as number),
    ForecastEnd: forecastTimestamp(first.timestamps[first.target.length + set.horizon - 1] as number),
  };
}

/**
 * The forecasts of `series` (of `set`) with a predictor's fitted models: each series through its combination, the
 * members fitted across all series (the global model) run first over all of them. Forecasts and what-if
 * forecasts both come through here. `forecastOf(i)` is the forecast of `series[i]`.
 */
export async function computeForecasts(
  services: Services,
  pool: WorkerPool,
  predictor: ResourceRecord,
  set: SeriesSet,
  series: PreparedSeries[],
  signal: AbortSignal,
  progress: (attrs: Record<string, unknown>) => void,
): Promise<(i: number) => SeriesForecast> {
  const model = await readPredictorModel(services.blobs, String(predictor.attrs.ModelFile));
  const { quantiles } = parseForecastTypes(predictor.attrs.ForecastTypes as string[]);
  const grid = { horizon: set.horizon, period: set.period };
  // A series new since training gets the fallback, else the combination (the member best on average).
  const choiceOf = (s: PreparedSeries) => model.choices[keyOf(s)] ?? model.fallback ?? "";
  // Workers read the series from shared memory: a task clones a description of them, not their arrays.
  const shared = await packSeriesSet(set, series);
  // Members fitted across all series forecast every series at once, before the chunks, if any series uses them.
  const needed = new Set<string>();
  for (const s of series) {
    for (const member of seriesWeightsOf(model, keyOf(s)).keys())
      if (isDatasetMember(member)) needed.add(member);
  }
  const datasetForecasts: Record<string, PackedForecasts> = {};
  for (const member of needed) {
    const file = model.memberFiles[member];
    if (!file) throw new JobFailure(`The predictor's ${member} model is missing; train the predictor again.`);
    datasetForecasts[member] = await datasetMemberRunner(member).forecast(
      pool,
      JSON.parse(await services.blobs.readText(file)),
      shared,
      signal,
    );
  }
  // Chunks as training cuts them (at most 250 series, at least 4 per thread when there are enough): with fixed
  // chunks of 250, 366 series went to the two threads as 250 and 116, and one thread idled for a third of the job.
  // Each series is forecast on its own, so how they are cut does not change a forecast.
  const seriesPerChunk = chunkSize(series.length, pool.threads);
  const parts = chunks(series, seriesPerChunk);
  // Extrapolated from the chunks' own pace, not counting the preparation and the global model before them.
  const chunksStarted = Date.now();
  let done = 0;
  const results = await Promise.all(
    parts.map(async (part, i) => {
      const offset = i * seriesPerChunk;
      const end = offset + part.length;
      const out = await pool.run(
        "forecastChunk",
        {
          grid,
          series: sliceSeries(shared.series, offset, end),
          choices: part.map(choiceOf),
          combination: model.combination,
          quantiles,
          nonNegative: model.nonNegative,
          ...(model.intervals ? { intervals: model.intervals } : {}),
          ...(model.point ? { point: model.point } : {}),
          external: Object.fromEntries(
            Object.entries(datasetForecasts).map(([m, f]) => [m, sliceForecasts(f, offset, end)]),
          ),
        },
        signal,
      );
      done++;
      const perChunk = (Date.now() - chunksStarted) / done;
      progress({
        EstimatedTimeRemainingInMinutes: Math.ceil((perChunk * (parts.length - done)) / 60_000),
      });
      return out;
    }),
  );
  return concatForecastsAt(results);
}
