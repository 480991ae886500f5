// The legacy predictor API (CreatePredictor, DescribePredictor), mapped onto the AutoPredictor engine. A legacy
// predictor is the same resource kind as an AutoPredictor ("predictor", ARN predictor/<name>) with
// IsAutoPredictor false and attrs shaped like an AutoPredictor's, plus the members it may use (`Members`) and its
// backtest plan (`BacktestWindows`, `BacktestWindowOffset`): the training job, forecasts, GetAccuracyMetrics and
// backtest exports read it unchanged. Choices are explained in docs/decisions.md, "Legacy predictors".

import type {
  AttributeConfig,
  CreatePredictorRequest,
  DescribePredictorRequest,
  EvaluationParameters,
  FeaturizationConfig,
  InputDataConfig,
} from "../contract/generated/forecast.js";
import { SeriesPreparationError } from "../data/series-error.js";
import { relatedFields, targetFields } from "../data/series-fields.js";
import { checkHolidayCountries } from "../data/series-holidays.js";
import { parseTransformations } from "../data/series-transformations.js";
import { inUse, invalidInput } from "../errors.js";
import type { WindowAccuracy } from "../forecasting/auto/accuracy.js";
import { ALGORITHM_OF, FITTED_MEMBERS, GLOBAL_MEMBER } from "../forecasting/auto/members.js";
import type { MemberName } from "../forecasting/members.js";
import { STATUS } from "../jobs/statuses.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { buildArn } from "./arn.js";
import {
  checkKmsKeyArn,
  checkRoleArn,
  checkUserTags,
  epochSeconds,
  insertNew,
  newRecord,
  requireResource,
} from "./common.js";
import type { OperationHandler, RequestContext } from "./context.js";
import { dataFileOf, type GroupDatasets, groupDatasets, schemaOf } from "./group-data.js";
import { frequencyMinutes, MAX_FORECAST_HORIZON, parseForecastTypes } from "./predictor-config.js";

const KIND = "predictor";
const ALGORITHM_PREFIX = "arn:aws:forecast:::algorithm/";

/** The Prophet member, which the AutoPredictor does not backtest: only legacy predictors run it. */
const PROPHET_MEMBER: MemberName = "prophet";

/**
 * Amazon's legacy algorithms and the engine members each runs as. Deep_AR_Plus and CNN-QR are Amazon's neural
 * networks that learn one model across all series with related data, item metadata and holidays; the global GBDT
 * member is the engine's model of that kind, so both run as it. Prophet is Prophet itself (augurs with Prophet's
 * Stan model).
 */
const ALGORITHM_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  ETS: ["ets"],
  ARIMA: ["arima"],
  NPTS: ["npts"],
  Prophet: [PROPHET_MEMBER],
  Deep_AR_Plus: [GLOBAL_MEMBER],
  "CNN-QR": [GLOBAL_MEMBER],
};
/** Amazon runs hyperparameter optimization for these only. */
const HPO_ALGORITHMS = ["Deep_AR_Plus", "CNN-QR"];
/**
 * AutoML backtests every member, Prophet included as Amazon's AutoML considered it; LatencyOptimized leaves out
 * the two slowest to train, the global model and Prophet.
 */
const AUTOML_MEMBERS: readonly string[] = [...FITTED_MEMBERS, PROPHET_MEMBER, GLOBAL_MEMBER];
const LATENCY_OPTIMIZED_MEMBERS: readonly string[] = [...FITTED_MEMBERS];
const MAX_BACKTEST_WINDOWS = 5;

const algorithmArn = (name: string): string => `${ALGORITHM_PREFIX}${name}`;

/** A data-layer check (fields, transformations, holidays) as the InvalidInputException Amazon answers. */
function asInvalidInput<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof SeriesPreparationError) throw invalidInput(`${e.message}.`);
    throw e;
  }
}

/** The algorithm's members, or the AutoML members; refuses the combinations Amazon refuses. */
function chooseMembers(input: CreatePredictorRequest): { members: string[]; algorithm?: string } {
  if (input.PerformAutoML) {
    const extra = [
      input.AlgorithmArn !== undefined && "AlgorithmArn",
      input.PerformHPO && "PerformHPO",
      input.HPOConfig !== undefined && "HPOConfig",
      Object.keys(input.TrainingParameters ?? {}).length > 0 && "TrainingParameters",
    ].filter((k): k is string => typeof k === "string");
    if (extra.length > 0) {
      throw invalidInput(
        `With PerformAutoML the algorithm and its parameters are chosen for you; drop ${extra.join(", ")}.`,
      );
    }
    const latency = input.AutoMLOverrideStrategy === "LatencyOptimized";
    return { members: [...(latency ? LATENCY_OPTIMIZED_MEMBERS : AUTOML_MEMBERS)] };
  }
  if (input.AutoMLOverrideStrategy !== undefined)
    throw invalidInput("AutoMLOverrideStrategy applies only with PerformAutoML set to true.");
  const supported = Object.keys(ALGORITHM_MEMBERS)
    .map((name) => algorithmArn(name))
    .join(", ");
  if (input.AlgorithmArn === undefined) {
    throw invalidInput(
      `AlgorithmArn is required unless PerformAutoML is true; use one of ${supported}, or set PerformAutoML.`,
    );
  }
  const name = input.AlgorithmArn.startsWith(ALGORITHM_PREFIX)
    ? input.AlgorithmArn.slice(ALGORITHM_PREFIX.length)
    : undefined;
  const members = name === undefined ? undefined : ALGORITHM_MEMBERS[name];
  if (!members)
    throw invalidInput(`${input.AlgorithmArn} is not a Forecast algorithm; use one of ${supported}.`);
  if (input.PerformHPO && !HPO_ALGORITHMS.includes(name as string)) {
    throw invalidInput(
      `PerformHPO applies to ${HPO_ALGORITHMS.map(algorithmArn).join(" and ")} only, not to ${input.AlgorithmArn}.`,
    );
  }
  if (input.HPOConfig !== undefined) {
    if (!input.PerformHPO) throw invalidInput("HPOConfig needs PerformHPO set to true.");
    throw invalidInput(
      "HPOConfig is not built yet in OpenForecast: no hyperparameter search runs. Drop HPOConfig; PerformHPO " +
        "alone is accepted.",
    );
  }
  const parameters = Object.keys(input.TrainingParameters ?? {});
  if (parameters.length > 0) {
    throw invalidInput(
      `TrainingParameters (${parameters.join(", ")}) are not built yet in OpenForecast: the algorithms fit their ` +
        "own parameters to the data. Drop TrainingParameters.",
    );
  }
  return { members: [...members], algorithm: input.AlgorithmArn };
}

/** NumberOfBacktestWindows and BackTestWindowOffset with Amazon's defaults (1 window, offset = horizon). */
function evaluationPlan(
  input: EvaluationParameters | undefined,
  horizon: number,
): Required<EvaluationParameters> {
  const windows = input?.NumberOfBacktestWindows ?? 1;
  const offset = input?.BackTestWindowOffset ?? horizon;
  if (!Number.isInteger(windows) || windows < 1 || windows > MAX_BACKTEST_WINDOWS) {
    throw invalidInput(
      `EvaluationParameters.NumberOfBacktestWindows must be from 1 to ${MAX_BACKTEST_WINDOWS}, not ${windows}.`,
    );
  }
  if (!Number.isInteger(offset) || offset < horizon) {
    throw invalidInput(
      `EvaluationParameters.BackTestWindowOffset must be at least the ForecastHorizon (${horizon}), not ${offset}.`,
    );
  }
  return { NumberOfBacktestWindows: windows, BackTestWindowOffset: offset };
}

/** The dataset group, ACTIVE, with imported target data (and imported data in its other datasets). */
async function trainableGroup(
  ctx: RequestContext,
  groupArn: string,
): Promise<{ group: ResourceRecord; datasets: GroupDatasets & { target: ResourceRecord } }> {
  const group = await requireResource(ctx, groupArn, ["dataset-group"]);
  if (group.status !== STATUS.ACTIVE) throw inUse(`The dataset group ${group.arn} is ${group.status}.`);
  const datasets = await groupDatasets(ctx.services.store, group);
  const target = datasets.target;
  if (!target) {
    throw invalidInput(
      `The dataset group ${group.arn} has no TARGET_TIME_SERIES dataset; add one with UpdateDatasetGroup.`,
    );
  }
  for (const dataset of [target, datasets.related, datasets.metadata]) {
    if (dataset && !dataFileOf(dataset)) {
      throw invalidInput(
        `The dataset ${dataset.arn} has no imported data yet; import it with CreateDatasetImportJob first.`,
      );
    }
  }
  return { group, datasets: { ...datasets, target } };
}

/** The holiday calendars of SupplementaryFeatures; the weather index is not built. */
function holidayCountries(input: InputDataConfig): string[] {
  const codes: string[] = [];
  for (const feature of input.SupplementaryFeatures ?? []) {
    if (feature.Name === "weather") {
      throw invalidInput(
        'The supplementary feature "weather" is not built yet in OpenForecast; only "holiday" is.',
      );
    }
    if (feature.Name !== "holiday") {
      throw invalidInput(
        `SupplementaryFeatures names "${feature.Name}"; the supplementary features are "holiday" and "weather".`,
      );
    }
    codes.push(feature.Value);
  }
  return asInvalidInput(() => checkHolidayCountries(codes));
}

/** FeaturizationConfig's Featurizations as the AttributeConfigs of an AutoPredictor's DataConfig. */
function attributeConfigsOf(featurization: FeaturizationConfig): AttributeConfig[] {
  return (featurization.Featurizations ?? []).map((f) => ({
    AttributeName: f.AttributeName,
    Transformations: f.FeaturizationPipeline?.[0]?.FeaturizationMethodParameters ?? {},
  }));
}

/** Checks the frequency, dimensions and featurizations against the group's datasets, as Amazon does up front. */
function checkFeaturization(featurization: FeaturizationConfig, datasets: GroupDatasets): void {
  const target = datasets.target as ResourceRecord;
  const frequency = featurization.ForecastFrequency;
  const forecastMinutes = frequencyMinutes(frequency);
  if (forecastMinutes === undefined) {
    throw invalidInput(
      `${frequency} is not a forecast frequency; use Y, M, W, D, H or min with a count, e.g. D, 2W or 15min.`,
    );
  }
  const dataFrequency = String(target.attrs.DataFrequency);
  const dataMinutes = frequencyMinutes(dataFrequency);
  if (dataMinutes !== undefined && forecastMinutes < dataMinutes) {
    throw invalidInput(
      `The forecast frequency ${frequency} is finer than the data frequency ${dataFrequency} of ${target.arn}.`,
    );
  }
  const related = datasets.related;
  if (related && String(related.attrs.DataFrequency) !== frequency) {
    throw invalidInput(
      `The related time series dataset ${related.arn} has the data frequency ${String(related.attrs.DataFrequency)}; ` +
        `CreatePredictor needs it equal to the ForecastFrequency ${frequency}.`,
    );
  }
  const dimensions = featurization.ForecastDimensions ?? [];
  asInvalidInput(() => {
    targetFields(schemaOf(target), datasets.itemIdField, datasets.targetField, dimensions);
    const features = related
      ? relatedFields(schemaOf(related), datasets.itemIdField, dimensions).features
      : [];
    parseTransformations(attributeConfigsOf(featurization), datasets.targetField, features);
  });
}

export const CreatePredictor: OperationHandler<CreatePredictorRequest> = async (ctx, input) => {
  const tags = checkUserTags(input.Tags);
  const { members, algorithm } = chooseMembers(input);
  const horizon = input.ForecastHorizon;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > MAX_FORECAST_HORIZON)
    throw invalidInput(`ForecastHorizon must be from 1 to ${MAX_FORECAST_HORIZON}, not ${horizon}.`);
  const evaluation = evaluationPlan(input.EvaluationParameters, horizon);
  const forecastTypes = parseForecastTypes(input.ForecastTypes);
  if (input.EncryptionConfig) {
    await checkRoleArn(ctx, input.EncryptionConfig.RoleArn);
    checkKmsKeyArn(ctx, input.EncryptionConfig.KMSKeyArn);
  }
  const { group, datasets } = await trainableGroup(ctx, input.InputDataConfig.DatasetGroupArn);
  checkFeaturization(input.FeaturizationConfig, datasets);
  const holidays = holidayCountries(input.InputDataConfig);
  const attributeConfigs = attributeConfigsOf(input.FeaturizationConfig);

  const arn = buildArn(ctx, KIND, input.PredictorName);
  const attrs = {
    IsAutoPredictor: false,
    DatasetGroupArn: group.arn,
    ForecastHorizon: horizon,
    ForecastTypes: forecastTypes.types,
    ForecastFrequency: input.FeaturizationConfig.ForecastFrequency,
    ForecastDimensions: input.FeaturizationConfig.ForecastDimensions,
    // The AutoPredictor's DataConfig, which series preparation reads.
    DataConfig: {
      DatasetGroupArn: group.arn,
      AttributeConfigs: attributeConfigs.length > 0 ? attributeConfigs : undefined,
      AdditionalDatasets:
        holidays.length > 0
          ? holidays.map((cc) => ({ Name: "holiday", Configuration: { CountryCode: [cc] } }))
          : undefined,
    },
    HolidayCountries: holidays,
    OptimizationMetric: input.OptimizationMetric ?? "AverageWeightedQuantileLoss",
    EncryptionConfig: input.EncryptionConfig,
    ExplainPredictor: false,
    Members: members,
    BacktestWindows: evaluation.NumberOfBacktestWindows,
    BacktestWindowOffset: evaluation.BackTestWindowOffset,
    // What the request said, for DescribePredictor.
    AlgorithmArn: algorithm,
    PerformAutoML: input.PerformAutoML === true,
    AutoMLOverrideStrategy: input.AutoMLOverrideStrategy,
    PerformHPO: input.PerformHPO === true,
    EvaluationParameters: evaluation,
    InputDataConfig: input.InputDataConfig,
    FeaturizationConfig: input.FeaturizationConfig,
  };
  const record = newRecord(ctx, {
    arn,
    kind: KIND,
    name: input.PredictorName,
    parentArn: group.arn,
    status: STATUS.CREATE_PENDING,
    attrs,
  });
  await insertNew(ctx, record, { tags });
  ctx.services.jobs.kick();
  return { PredictorArn: arn };
};

/** The ARN DescribePredictor names a member by: Amazon's algorithm where it has one, else the engine's name. */
function memberArn(member: string): string {
  return algorithmArn(ALGORITHM_OF[member] ?? (member === PROPHET_MEMBER ? "Prophet" : member));
}

/** Members by how many series chose them, most first (ties by name, for a stable answer). */
function chosenMembers(r: ResourceRecord): string[] {
  const counts = (r.attrs.MemberCounts as Record<string, number> | undefined) ?? {};
  return Object.keys(counts).sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0) || a.localeCompare(b));
}

/**
 * The backtests run, once training is done: every algorithm was tested on the same windows. For AutoML, the
 * algorithms chosen for at least one series (at most five, as the model allows), most chosen first.
 */
function executionDetails(r: ResourceRecord): object | undefined {
  const windows = r.attrs.Accuracy as WindowAccuracy[] | undefined;
  if (r.status !== STATUS.ACTIVE || !windows) return undefined;
  const testWindows = windows.map((w) => ({
    TestWindowStart: epochSeconds(w.start),
    TestWindowEnd: epochSeconds(w.end),
    Status: STATUS.ACTIVE,
  }));
  const algorithms = r.attrs.PerformAutoML
    ? chosenMembers(r).slice(0, 5).map(memberArn)
    : [String(r.attrs.AlgorithmArn)];
  return {
    PredictorExecutions: algorithms.map((arn) => ({ AlgorithmArn: arn, TestWindows: testWindows })),
  };
}

/** An AutoPredictor's DataConfig and configuration in the legacy shapes, for DescribePredictor. */
function legacyShapesOf(r: ResourceRecord): {
  InputDataConfig: InputDataConfig;
  FeaturizationConfig: FeaturizationConfig;
} {
  const data = r.attrs.DataConfig as { AttributeConfigs?: AttributeConfig[] } | undefined;
  const holidays = (r.attrs.HolidayCountries as string[] | undefined) ?? [];
  const attributeConfigs = data?.AttributeConfigs ?? [];
  return {
    InputDataConfig: {
      DatasetGroupArn: String(r.attrs.DatasetGroupArn),
      SupplementaryFeatures:
        holidays.length > 0 ? holidays.map((cc) => ({ Name: "holiday", Value: cc })) : undefined,
    },
    FeaturizationConfig: {
      ForecastFrequency: String(r.attrs.ForecastFrequency),
      ForecastDimensions: r.attrs.ForecastDimensions as string[] | undefined,
      Featurizations:
        attributeConfigs.length > 0
          ? attributeConfigs.map((c) => ({
              AttributeName: c.AttributeName,
              FeaturizationPipeline: [
                { FeaturizationMethodName: "filling", FeaturizationMethodParameters: c.Transformations },
              ],
            }))
          : undefined,
    },
  };
}

/** DescribePredictor answers for legacy predictors and, like Amazon, for AutoPredictors (IsAutoPredictor true). */
export const DescribePredictor: OperationHandler<DescribePredictorRequest> = async (ctx, input) => {
  const r = await requireResource(ctx, input.PredictorArn, [KIND]);
  const training = r.status === STATUS.CREATE_PENDING || r.status === STATUS.CREATE_IN_PROGRESS;
  const windows = r.attrs.Accuracy as WindowAccuracy[] | undefined;
  const common = {
    PredictorArn: r.arn,
    PredictorName: r.name,
    ForecastHorizon: r.attrs.ForecastHorizon,
    ForecastTypes: r.attrs.ForecastTypes,
    EncryptionConfig: r.attrs.EncryptionConfig,
    EstimatedTimeRemainingInMinutes: training ? r.attrs.EstimatedTimeRemainingInMinutes : undefined,
    DatasetImportJobArns: r.attrs.DatasetImportJobArns,
    Status: r.status,
    Message: r.message ?? undefined,
    CreationTime: epochSeconds(r.createdAt),
    LastModificationTime: epochSeconds(r.modifiedAt),
    OptimizationMetric: r.attrs.OptimizationMetric,
  };
  if (r.attrs.IsAutoPredictor === true) {
    return {
      ...common,
      ...legacyShapesOf(r),
      // The windows it was evaluated on, once known (an AutoPredictor takes fewer when the series are short).
      EvaluationParameters: windows
        ? { NumberOfBacktestWindows: windows.length, BackTestWindowOffset: r.attrs.ForecastHorizon }
        : undefined,
      IsAutoPredictor: true,
    };
  }
  const automl = r.attrs.PerformAutoML === true;
  return {
    ...common,
    AlgorithmArn: r.attrs.AlgorithmArn,
    AutoMLAlgorithmArns: automl && r.status === STATUS.ACTIVE ? chosenMembers(r).map(memberArn) : undefined,
    PerformAutoML: automl,
    AutoMLOverrideStrategy: r.attrs.AutoMLOverrideStrategy,
    PerformHPO: r.attrs.PerformHPO,
    EvaluationParameters: r.attrs.EvaluationParameters,
    InputDataConfig: r.attrs.InputDataConfig,
    FeaturizationConfig: r.attrs.FeaturizationConfig,
    PredictorExecutionDetails: executionDetails(r),
    IsAutoPredictor: false,
  };
};
