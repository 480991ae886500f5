import type {
  AdditionalDataset,
  CreateAutoPredictorRequest,
  DeletePredictorRequest,
  DescribeAutoPredictorRequest,
  GetAccuracyMetricsRequest,
  ListPredictorsRequest,
} from "../contract/generated/forecast.js";
import { inUse, invalidInput } from "../errors.js";
import type { WindowAccuracy } from "../forecasting/auto/accuracy.js";
import { DELETABLE_STATUSES, STATUS } from "../jobs/statuses.js";
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
import type { OperationHandler, RequestContext } from "./context.js";
import { explainabilityOf, hasAttributes, NO_ATTRIBUTES } from "./explainabilities.js";
import { dataFileOf, groupDatasets, schemaOf } from "./group-data.js";
import { listPage } from "./listing.js";
import { insertWithMonitor, monitorOf } from "./monitors.js";
import {
  checkTimeAlignmentBoundary,
  frequencyMinutes,
  MAX_FORECAST_HORIZON,
  parseForecastTypes,
} from "./predictor-config.js";

const KIND = "predictor";

/** The holiday calendars asked for in AdditionalDatasets; anything else there is refused as not built. */
function holidayCountries(additional: readonly AdditionalDataset[] | undefined): string[] {
  const countries: string[] = [];
  for (const dataset of additional ?? []) {
    if (dataset.Name !== "holiday") {
      throw invalidInput(
        `AdditionalDatasets "${dataset.Name}" is not built yet in OpenForecast; only "holiday" is.`,
      );
    }
    const codes = dataset.Configuration?.CountryCode ?? [];
    if (codes.length !== 1)
      throw invalidInput('The "holiday" additional dataset needs exactly one CountryCode.');
    countries.push(...codes);
  }
  return countries;
}

/** Checks a new AutoPredictor against its dataset group, the way Amazon refuses bad configurations up front. */
async function checkNewAutoPredictor(
  ctx: RequestContext,
  input: CreateAutoPredictorRequest,
): Promise<{
  group: ResourceRecord;
  attrs: Record<string, unknown>;
}> {
  if (input.EncryptionConfig) {
    await checkRoleArn(ctx, input.EncryptionConfig.RoleArn);
    checkKmsKeyArn(ctx, input.EncryptionConfig.KMSKeyArn);
  }
  if (!input.DataConfig)
    throw invalidInput("DataConfig is required unless ReferencePredictorArn retrains a predictor.");
  if (input.ForecastHorizon === undefined) throw invalidInput("ForecastHorizon is required.");
  if (input.ForecastHorizon < 1 || input.ForecastHorizon > MAX_FORECAST_HORIZON) {
    throw invalidInput(
      `ForecastHorizon must be from 1 to ${MAX_FORECAST_HORIZON}, not ${input.ForecastHorizon}.`,
    );
  }
  if (!input.ForecastFrequency) throw invalidInput("ForecastFrequency is required.");
  const group = await requireResource(ctx, input.DataConfig.DatasetGroupArn, ["dataset-group"]);
  if (group.status !== STATUS.ACTIVE) throw inUse(`The dataset group ${group.arn} is ${group.status}.`);
  const datasets = await groupDatasets(ctx.services.store, group);
  if (!datasets.target) {
    throw invalidInput(
      `The dataset group ${group.arn} has no TARGET_TIME_SERIES dataset; add one with UpdateDatasetGroup.`,
    );
  }
  for (const dataset of [datasets.target, datasets.related, datasets.metadata]) {
    if (dataset && !dataFileOf(dataset)) {
      throw invalidInput(
        `The dataset ${dataset.arn} has no imported data yet; import it with CreateDatasetImportJob first.`,
      );
    }
  }
  const dataFrequency = String(datasets.target.attrs.DataFrequency);
  const forecastMinutes = frequencyMinutes(input.ForecastFrequency);
  const dataMinutes = frequencyMinutes(dataFrequency);
  if (forecastMinutes === undefined)
    throw invalidInput(`${input.ForecastFrequency} is not a forecast frequency.`);
  if (dataMinutes !== undefined && forecastMinutes < dataMinutes) {
    throw invalidInput(
      `The forecast frequency ${input.ForecastFrequency} is finer than the data frequency ${dataFrequency} of ${datasets.target.arn}.`,
    );
  }
  checkTimeAlignmentBoundary(input.TimeAlignmentBoundary, input.ForecastFrequency);
  const targetSchema = schemaOf(datasets.target);
  for (const dimension of input.ForecastDimensions ?? []) {
    const attribute = targetSchema.find((a) => a.AttributeName === dimension);
    if (attribute?.AttributeType !== "string" || dimension === datasets.itemIdField) {
      throw invalidInput(
        `The forecast dimension ${dimension} must be a string attribute of the target dataset other than ${datasets.itemIdField}.`,
      );
    }
  }
  const known = new Set([
    ...targetSchema.map((a) => a.AttributeName),
    ...(datasets.related ? schemaOf(datasets.related).map((a) => a.AttributeName) : []),
  ]);
  for (const config of input.DataConfig.AttributeConfigs ?? []) {
    if (!known.has(config.AttributeName)) {
      throw invalidInput(
        `AttributeConfigs names ${config.AttributeName}, which no time series dataset of the group has.`,
      );
    }
  }
  const forecastTypes = parseForecastTypes(input.ForecastTypes);
  const holidays = holidayCountries(input.DataConfig.AdditionalDatasets);
  if (input.ExplainPredictor && !(await hasAttributes(ctx.services.store, group.arn, holidays))) {
    throw invalidInput(`ExplainPredictor is set, but the predictor ${NO_ATTRIBUTES}`);
  }
  return {
    group,
    attrs: {
      IsAutoPredictor: true,
      DatasetGroupArn: group.arn,
      ForecastHorizon: input.ForecastHorizon,
      ForecastTypes: forecastTypes.types,
      ForecastDimensions: input.ForecastDimensions,
      ForecastFrequency: input.ForecastFrequency,
      DataConfig: input.DataConfig,
      HolidayCountries: holidays,
      EncryptionConfig: input.EncryptionConfig,
      OptimizationMetric: input.OptimizationMetric ?? "AverageWeightedQuantileLoss",
      ExplainPredictor: input.ExplainPredictor ?? false,
      TimeAlignmentBoundary: input.TimeAlignmentBoundary,
    },
  };
}

export const CreateAutoPredictor: OperationHandler<CreateAutoPredictorRequest> = async (ctx, input) => {
  const tags = checkUserTags(input.Tags);
  let group: ResourceRecord;
  let attrs: Record<string, unknown>;
  if (input.ReferencePredictorArn) {
    const reference = await requireResource(ctx, input.ReferencePredictorArn, [KIND]);
    if (!reference.attrs.IsAutoPredictor)
      throw invalidInput(`${reference.arn} is not an AutoPredictor; only those retrain.`);
    if (reference.status !== STATUS.ACTIVE)
      throw inUse(`The reference predictor ${reference.arn} is ${reference.status}.`);
    const extra = (
      [
        "ForecastHorizon",
        "ForecastTypes",
        "ForecastDimensions",
        "ForecastFrequency",
        "DataConfig",
        "OptimizationMetric",
        "TimeAlignmentBoundary",
        "EncryptionConfig",
        "MonitorConfig",
        "ExplainPredictor",
      ] as const
    ).filter((k) => input[k] !== undefined);
    if (extra.length > 0) {
      throw invalidInput(
        `Retraining with ReferencePredictorArn takes the reference's configuration; drop ${extra.join(", ")}.`,
      );
    }
    group = await requireResource(ctx, String(reference.attrs.DatasetGroupArn), ["dataset-group"]);
    attrs = { ...reference.attrs, ReferencePredictorArn: reference.arn };
    for (const k of ["Accuracy", "MemberCounts", "ModelFile", "BacktestFile", "DatasetImportJobArns"])
      delete attrs[k];
  } else {
    ({ group, attrs } = await checkNewAutoPredictor(ctx, input));
  }
  const arn = buildArn(ctx, KIND, input.PredictorName);
  const record = newRecord(ctx, {
    arn,
    kind: KIND,
    name: input.PredictorName,
    parentArn: group.arn,
    status: STATUS.CREATE_PENDING,
    attrs,
  });
  const monitorName = input.MonitorConfig?.MonitorName;
  if (monitorName === undefined) {
    await insertNew(ctx, record, { tags });
  } else {
    await insertWithMonitor(ctx, record, tags, monitorName);
  }
  ctx.services.jobs.kick();
  return { PredictorArn: arn };
};

export const DescribeAutoPredictor: OperationHandler<DescribeAutoPredictorRequest> = async (ctx, input) => {
  const r = await requireResource(ctx, input.PredictorArn, [KIND]);
  if (!r.attrs.IsAutoPredictor) throw invalidInput(`${r.arn} is a legacy predictor; use DescribePredictor.`);
  const reference = r.attrs.ReferencePredictorArn as string | undefined;
  const explainability = await explainabilityOf(ctx.services.store, r.arn);
  const monitor = await monitorOf(ctx.services.store, r.arn);
  return {
    PredictorArn: r.arn,
    PredictorName: r.name,
    ForecastHorizon: r.attrs.ForecastHorizon,
    ForecastTypes: r.attrs.ForecastTypes,
    ForecastFrequency: r.attrs.ForecastFrequency,
    ForecastDimensions: r.attrs.ForecastDimensions,
    DatasetImportJobArns: r.attrs.DatasetImportJobArns,
    DataConfig: r.attrs.DataConfig,
    EncryptionConfig: r.attrs.EncryptionConfig,
    ReferencePredictorSummary: reference
      ? { Arn: reference, State: (await ctx.services.store.get(reference)) ? "Active" : "Deleted" }
      : undefined,
    EstimatedTimeRemainingInMinutes: r.attrs.EstimatedTimeRemainingInMinutes,
    Status: r.status,
    Message: r.message ?? undefined,
    CreationTime: epochSeconds(r.createdAt),
    LastModificationTime: epochSeconds(r.modifiedAt),
    OptimizationMetric: r.attrs.OptimizationMetric,
    ExplainabilityInfo: explainability
      ? { ExplainabilityArn: explainability.arn, Status: explainability.status }
      : undefined,
    TimeAlignmentBoundary: r.attrs.TimeAlignmentBoundary,
    MonitorInfo: monitor ? { MonitorArn: monitor.arn, Status: monitor.status } : undefined,
  };
};

export const ListPredictors: OperationHandler<ListPredictorsRequest> = async (ctx, input) => {
  const page = await listPage(
    ctx,
    {
      operation: "ListPredictors",
      kind: KIND,
      filterKeys: { DatasetGroupArn: "parentArn", Status: "status" },
    },
    input,
  );
  // Whether each reference predictor still exists, looked up once per distinct ARN.
  const referenceArns = [
    ...new Set(page.records.map((r) => r.attrs.ReferencePredictorArn).filter((a) => typeof a === "string")),
  ];
  const references = new Map(
    await Promise.all(referenceArns.map(async (a) => [a, await ctx.services.store.get(a)] as const)),
  );
  return {
    Predictors: page.records.map((r) => ({
      PredictorArn: r.arn,
      PredictorName: r.name,
      DatasetGroupArn: r.attrs.DatasetGroupArn,
      IsAutoPredictor: r.attrs.IsAutoPredictor === true,
      ReferencePredictorSummary: r.attrs.ReferencePredictorArn
        ? {
            Arn: r.attrs.ReferencePredictorArn,
            State: references.get(String(r.attrs.ReferencePredictorArn)) ? "Active" : "Deleted",
          }
        : undefined,
      Status: r.status,
      Message: r.message ?? undefined,
      CreationTime: epochSeconds(r.createdAt),
      LastModificationTime: epochSeconds(r.modifiedAt),
    })),
    NextToken: page.nextToken,
  };
};

export const DeletePredictor: OperationHandler<DeletePredictorRequest> = async (ctx, input) => {
  const predictor = await requireResource(ctx, input.PredictorArn, [KIND]);
  const dependent = (await ctx.services.store.children(predictor.arn))[0];
  if (dependent) {
    throw inUse(
      `The predictor ${predictor.arn} is used by the ${KIND_LABEL[dependent.kind]} ${dependent.arn}; delete that first, ` +
        "or the whole tree with DeleteResourceTree.",
    );
  }
  if (!(await ctx.services.jobs.delete(predictor.arn, DELETABLE_STATUSES))) {
    throw inUse(`The predictor ${predictor.arn} is ${predictor.status}; stop it or wait before deleting it.`);
  }
  return {};
};

function testWindow(w: WindowAccuracy, type: "SUMMARY" | "COMPUTED") {
  return {
    TestWindowStart: epochSeconds(w.start),
    TestWindowEnd: epochSeconds(w.end),
    ItemCount: w.itemCount,
    EvaluationType: type,
    Metrics: {
      RMSE: w.RMSE,
      WeightedQuantileLosses: w.WeightedQuantileLosses,
      ErrorMetrics: w.ErrorMetrics,
      AverageWeightedQuantileLoss: w.AverageWeightedQuantileLoss,
    },
  };
}

/** The mean of each metric over the windows: the SUMMARY entry Amazon lists first. */
function summarize(windows: WindowAccuracy[]): WindowAccuracy {
  const mean = (f: (w: WindowAccuracy) => number) => windows.reduce((s, w) => s + f(w), 0) / windows.length;
  const first = windows[0] as WindowAccuracy;
  return {
    start: Math.min(...windows.map((w) => w.start)),
    end: Math.max(...windows.map((w) => w.end)),
    itemCount: first.itemCount,
    RMSE: mean((w) => w.RMSE),
    WeightedQuantileLosses: first.WeightedQuantileLosses.map((q, i) => ({
      Quantile: q.Quantile,
      LossValue: mean((w) => w.WeightedQuantileLosses[i]?.LossValue ?? Number.NaN),
    })),
    ErrorMetrics: first.ErrorMetrics.map((e, i) => ({
      ForecastType: e.ForecastType,
      WAPE: mean((w) => w.ErrorMetrics[i]?.WAPE ?? Number.NaN),
      RMSE: mean((w) => w.ErrorMetrics[i]?.RMSE ?? Number.NaN),
      MASE: mean((w) => w.ErrorMetrics[i]?.MASE ?? Number.NaN),
      MAPE: mean((w) => w.ErrorMetrics[i]?.MAPE ?? Number.NaN),
    })),
    AverageWeightedQuantileLoss: mean((w) => w.AverageWeightedQuantileLoss),
  };
}

/** JSON has no NaN: a metric that cannot be computed (no volume, say) is left out rather than sent as null. */
function dropNonFinite<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? undefined : v)),
  );
}

export const GetAccuracyMetrics: OperationHandler<GetAccuracyMetricsRequest> = async (ctx, input) => {
  const predictor = await requireResource(ctx, input.PredictorArn, [KIND]);
  if (predictor.status !== STATUS.ACTIVE) {
    throw inUse(
      `The predictor ${predictor.arn} is ${predictor.status}; accuracy metrics exist once it is ACTIVE.`,
    );
  }
  const windows = (predictor.attrs.Accuracy as WindowAccuracy[] | undefined) ?? [];
  const testWindows =
    windows.length === 0
      ? []
      : [testWindow(summarize(windows), "SUMMARY"), ...windows.map((w) => testWindow(w, "COMPUTED"))];
  return dropNonFinite({
    PredictorEvaluationResults: [{ AlgorithmArn: predictor.attrs.AlgorithmArn, TestWindows: testWindows }],
    IsAutoPredictor: predictor.attrs.IsAutoPredictor === true,
    OptimizationMetric: predictor.attrs.OptimizationMetric,
  });
};
