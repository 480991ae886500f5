import type {
  CreateForecastRequest,
  DeleteForecastRequest,
  DescribeForecastRequest,
  ListForecastsRequest,
} from "../contract/generated/forecast.js";
import { inUse, invalidInput } from "../errors.js";
import { isDatasetMember } from "../forecasting/auto/members.js";
import type { PreparedSeries } from "../forecasting/series-set.js";
import { concatForecastsAt, type PackedForecasts, sliceForecasts } from "../jobs/forecast-transfer.js";
import { type JobContext, JobFailure, type JobHandler } from "../jobs/job-runner.js";
import { packSeriesSet, sliceSeries } from "../jobs/series-transfer.js";
import { DELETABLE_STATUSES, STATUS } from "../jobs/statuses.js";
import type { WorkerPool } from "../jobs/worker-pool.js";
import { resourcePrefix } from "../storage/blob-store.js";
import { parseS3Path } from "../storage/s3-path.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { buildArn } from "./arn.js";
import {
  checkKmsKeyArn,
  checkRoleArn,
  checkUserTags,
  epochSeconds,
  insertNew,
  KIND_LABEL,
  newRecord,
  requireResource,
} from "./common.js";
import type { OperationHandler, Services } from "./context.js";
import { datasetMemberRunner } from "./dataset-members.js";
import { forecastTimestamp, writeForecastFile } from "./forecast-files.js";
import { listPage } from "./listing.js";
import { parseForecastTypes } from "./predictor-config.js";
import { chunks, keyOf, readPredictorModel, seriesWeightsOf } from "./predictor-training.js";
import { requireS3Access } from "./s3-access.js";
import { readSeriesIdentifiers } from "./series-identifiers.js";
import { predictorSeries } from "./series-input.js";

const KIND = "forecast";
const CHUNK_SERIES = 250;

export const CreateForecast: OperationHandler<CreateForecastRequest> = async (ctx, input) => {
  const tags = checkUserTags(input.Tags);
  const predictor = await requireResource(ctx, input.PredictorArn, ["predictor"]);
  if (predictor.status !== STATUS.ACTIVE) {
    throw inUse(`The predictor ${predictor.arn} is ${predictor.status}; forecasts need it ACTIVE.`);
  }
  const trained = parseForecastTypes(predictor.attrs.ForecastTypes as string[]);
  const types =
    input.ForecastTypes && input.ForecastTypes.length > 0 ? parseForecastTypes(input.ForecastTypes) : trained;
  for (const type of types.types) {
    if (type !== "mean" && !trained.types.map(Number).includes(Number(type))) {
      // Any quantile can be computed, but Amazon limits a forecast to the predictor's types; so do we.
      throw invalidInput(
        `The forecast type ${type} is not one the predictor was trained for (${trained.types.join(", ")}).`,
      );
    }
  }
  const selector = input.TimeSeriesSelector?.TimeSeriesIdentifiers;
  if (selector) {
    if (!selector.DataSource || !selector.Schema?.Attributes?.length) {
      throw invalidInput(
        "TimeSeriesIdentifiers needs a DataSource and a Schema naming the identifier columns.",
      );
    }
    await checkRoleArn(ctx, selector.DataSource.S3Config.RoleArn);
    if (selector.DataSource.S3Config.KMSKeyArn) checkKmsKeyArn(ctx, selector.DataSource.S3Config.KMSKeyArn);
    try {
      parseS3Path(selector.DataSource.S3Config.Path);
    } catch (error) {
      throw invalidInput((error as Error).message);
    }
    await requireS3Access(
      ctx,
      selector.DataSource.S3Config.Path,
      "read",
      selector.DataSource.S3Config.RoleArn,
    );
  }
  const arn = buildArn(ctx, KIND, input.ForecastName);
  const record = newRecord(ctx, {
    arn,
    kind: KIND,
    name: input.ForecastName,
    parentArn: predictor.arn,
    status: STATUS.CREATE_PENDING,
    attrs: {
      PredictorArn: predictor.arn,
      DatasetGroupArn: predictor.attrs.DatasetGroupArn,
      ForecastTypes: types.types,
      TimeSeriesSelector: input.TimeSeriesSelector,
      CreatedUsingAutoPredictor: predictor.attrs.IsAutoPredictor === true,
    },
  });
  await insertNew(ctx, record, { tags });
  ctx.services.jobs.kick();
  return { ForecastArn: arn };
};

export const DescribeForecast: OperationHandler<DescribeForecastRequest> = async (ctx, input) => {
  const r = await requireResource(ctx, input.ForecastArn, [KIND]);
  return {
    ForecastArn: r.arn,
    ForecastName: r.name,
    ForecastTypes: r.attrs.ForecastTypes,
    PredictorArn: r.attrs.PredictorArn,
    DatasetGroupArn: r.attrs.DatasetGroupArn,
    EstimatedTimeRemainingInMinutes: r.attrs.EstimatedTimeRemainingInMinutes,
    Status: r.status,
    Message: r.message ?? undefined,
    CreationTime: epochSeconds(r.createdAt),
    LastModificationTime: epochSeconds(r.modifiedAt),
    TimeSeriesSelector: r.attrs.TimeSeriesSelector,
  };
};

export const ListForecasts: OperationHandler<ListForecastsRequest> = async (ctx, input) => {
  const page = await listPage(
    ctx,
    {
      operation: "ListForecasts",
      kind: KIND,
      filterKeys: { DatasetGroupArn: "DatasetGroupArn", PredictorArn: "parentArn", Status: "status" },
    },
    input,
  );
  return {
    Forecasts: page.records.map((r) => ({
      ForecastArn: r.arn,
      ForecastName: r.name,
      PredictorArn: r.attrs.PredictorArn,
      CreatedUsingAutoPredictor: r.attrs.CreatedUsingAutoPredictor,
      DatasetGroupArn: r.attrs.DatasetGroupArn,
      Status: r.status,
      Message: r.message ?? undefined,
      CreationTime: epochSeconds(r.createdAt),
      LastModificationTime: epochSeconds(r.modifiedAt),
    })),
    NextToken: page.nextToken,
  };
};

export const DeleteForecast: OperationHandler<DeleteForecastRequest> = async (ctx, input) => {
  const forecast = await requireResource(ctx, input.ForecastArn, [KIND]);
  const dependent = (await ctx.services.store.children(forecast.arn))[0];
  if (dependent) {
    throw inUse(
      `The forecast ${forecast.arn} is used by the ${KIND_LABEL[dependent.kind]} ${dependent.arn}; delete that first, ` +
        "or the whole tree with DeleteResourceTree.",
    );
  }
  if (!(await ctx.services.jobs.delete(forecast.arn, DELETABLE_STATUSES))) {
    throw inUse(`The forecast ${forecast.arn} is ${forecast.status}; stop it or wait before deleting it.`);
  }
  return {};
};

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
  return {
    async run(ctx: JobContext) {
      const scratch = await services.blobs.scratch(ctx.record.name);
      try {
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
        const model = await readPredictorModel(services.blobs, String(predictor.attrs.ModelFile));
        const types = forecast.attrs.ForecastTypes as string[];
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
          if (!file)
            throw new JobFailure(`The predictor's ${member} model is missing; train the predictor again.`);
          datasetForecasts[member] = await datasetMemberRunner(member).forecast(
            pool,
            JSON.parse(await services.blobs.readText(file)),
            shared,
            ctx.signal,
          );
        }
        const parts = chunks(series, CHUNK_SERIES);
        // Extrapolated from the chunks' own pace, not counting the preparation and the global model before them.
        const chunksStarted = Date.now();
        let done = 0;
        const results = await Promise.all(
          parts.map(async (part, i) => {
            const offset = i * CHUNK_SERIES;
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
                external: Object.fromEntries(
                  Object.entries(datasetForecasts).map(([m, f]) => [m, sliceForecasts(f, offset, end)]),
                ),
              },
              ctx.signal,
            );
            done++;
            const perChunk = (Date.now() - chunksStarted) / done;
            ctx.progress({
              EstimatedTimeRemainingInMinutes: Math.ceil((perChunk * (parts.length - done)) / 60_000),
            });
            return out;
          }),
        );
        const local = scratch.file("forecast.parquet");
        await writeForecastFile(local, set, series, concatForecastsAt(results), types, quantiles, ctx.signal);
        const file = `${resourcePrefix(forecast, KIND, forecast.name)}forecast.parquet`;
        await services.blobs.put(file, local);
        const first = series[0] as PreparedSeries;
        return {
          ForecastFile: file,
          KeyNames: set.keyNames,
          SeriesCount: series.length,
          Horizon: set.horizon,
          ForecastStart: forecastTimestamp(first.timestamps[first.target.length] as number),
          ForecastEnd: forecastTimestamp(first.timestamps[first.target.length + set.horizon - 1] as number),
        };
      } finally {
        await scratch.dispose();
      }
    },
    async cleanup(record) {
      await services.blobs.deleteResource(record, KIND, record.name);
    },
    async remove(record) {
      await services.blobs.deleteResource(record, KIND, record.name);
    },
  };
}
