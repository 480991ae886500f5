import * as backtestExports from "./backtest-exports.js";
import type { OperationHandler } from "./context.js";
import * as datasetGroups from "./dataset-groups.js";
import * as datasetImportJobs from "./dataset-import-jobs.js";
import * as datasets from "./datasets.js";
import * as explainabilities from "./explainabilities.js";
import * as explainabilityExports from "./explainability-exports.js";
import * as forecastExports from "./forecast-exports.js";
import * as forecasts from "./forecasts.js";
import * as legacyPredictors from "./legacy-predictors.js";
import * as lifecycle from "./lifecycle.js";
import * as monitors from "./monitors.js";
import * as predictors from "./predictors.js";
import { QueryForecast } from "./query-forecast.js";
import * as tags from "./tags.js";
import * as whatIfAnalyses from "./what-if-analyses.js";
import * as whatIfExports from "./what-if-exports.js";
import * as whatIfForecasts from "./what-if-forecasts.js";

/**
 * Every built operation by its name in the service model. An operation of the model missing here is answered
 * with a clear "not built yet" error by the gateway.
 */
export const forecastHandlers: Readonly<Record<string, OperationHandler>> = {
  CreateDatasetGroup: datasetGroups.CreateDatasetGroup,
  DescribeDatasetGroup: datasetGroups.DescribeDatasetGroup,
  ListDatasetGroups: datasetGroups.ListDatasetGroups,
  UpdateDatasetGroup: datasetGroups.UpdateDatasetGroup,
  DeleteDatasetGroup: datasetGroups.DeleteDatasetGroup,
  CreateDataset: datasets.CreateDataset,
  DescribeDataset: datasets.DescribeDataset,
  ListDatasets: datasets.ListDatasets,
  DeleteDataset: datasets.DeleteDataset,
  CreateDatasetImportJob: datasetImportJobs.CreateDatasetImportJob,
  DescribeDatasetImportJob: datasetImportJobs.DescribeDatasetImportJob,
  ListDatasetImportJobs: datasetImportJobs.ListDatasetImportJobs,
  DeleteDatasetImportJob: datasetImportJobs.DeleteDatasetImportJob,
  CreateAutoPredictor: predictors.CreateAutoPredictor,
  CreatePredictor: legacyPredictors.CreatePredictor,
  DescribePredictor: legacyPredictors.DescribePredictor,
  DescribeAutoPredictor: predictors.DescribeAutoPredictor,
  ListPredictors: predictors.ListPredictors,
  DeletePredictor: predictors.DeletePredictor,
  GetAccuracyMetrics: predictors.GetAccuracyMetrics,
  CreateForecast: forecasts.CreateForecast,
  DescribeForecast: forecasts.DescribeForecast,
  ListForecasts: forecasts.ListForecasts,
  DeleteForecast: forecasts.DeleteForecast,
  CreateExplainability: explainabilities.CreateExplainability,
  DescribeExplainability: explainabilities.DescribeExplainability,
  ListExplainabilities: explainabilities.ListExplainabilities,
  DeleteExplainability: explainabilities.DeleteExplainability,
  CreateExplainabilityExport: explainabilityExports.CreateExplainabilityExport,
  DescribeExplainabilityExport: explainabilityExports.DescribeExplainabilityExport,
  ListExplainabilityExports: explainabilityExports.ListExplainabilityExports,
  DeleteExplainabilityExport: explainabilityExports.DeleteExplainabilityExport,
  CreateForecastExportJob: forecastExports.CreateForecastExportJob,
  DescribeForecastExportJob: forecastExports.DescribeForecastExportJob,
  ListForecastExportJobs: forecastExports.ListForecastExportJobs,
  DeleteForecastExportJob: forecastExports.DeleteForecastExportJob,
  CreatePredictorBacktestExportJob: backtestExports.CreatePredictorBacktestExportJob,
  DescribePredictorBacktestExportJob: backtestExports.DescribePredictorBacktestExportJob,
  ListPredictorBacktestExportJobs: backtestExports.ListPredictorBacktestExportJobs,
  DeletePredictorBacktestExportJob: backtestExports.DeletePredictorBacktestExportJob,
  CreateMonitor: monitors.CreateMonitor,
  DescribeMonitor: monitors.DescribeMonitor,
  ListMonitors: monitors.ListMonitors,
  ListMonitorEvaluations: monitors.ListMonitorEvaluations,
  DeleteMonitor: monitors.DeleteMonitor,
  CreateWhatIfAnalysis: whatIfAnalyses.CreateWhatIfAnalysis,
  DescribeWhatIfAnalysis: whatIfAnalyses.DescribeWhatIfAnalysis,
  ListWhatIfAnalyses: whatIfAnalyses.ListWhatIfAnalyses,
  DeleteWhatIfAnalysis: whatIfAnalyses.DeleteWhatIfAnalysis,
  CreateWhatIfForecast: whatIfForecasts.CreateWhatIfForecast,
  DescribeWhatIfForecast: whatIfForecasts.DescribeWhatIfForecast,
  ListWhatIfForecasts: whatIfForecasts.ListWhatIfForecasts,
  DeleteWhatIfForecast: whatIfForecasts.DeleteWhatIfForecast,
  CreateWhatIfForecastExport: whatIfExports.CreateWhatIfForecastExport,
  DescribeWhatIfForecastExport: whatIfExports.DescribeWhatIfForecastExport,
  ListWhatIfForecastExports: whatIfExports.ListWhatIfForecastExports,
  DeleteWhatIfForecastExport: whatIfExports.DeleteWhatIfForecastExport,
  StopResource: lifecycle.StopResource,
  ResumeResource: lifecycle.ResumeResource,
  DeleteResourceTree: lifecycle.DeleteResourceTree,
  TagResource: tags.TagResource,
  UntagResource: tags.UntagResource,
  ListTagsForResource: tags.ListTagsForResource,
};

export const forecastQueryHandlers: Readonly<Record<string, OperationHandler>> = {
  QueryForecast,
  QueryWhatIfForecast: whatIfForecasts.QueryWhatIfForecast,
};
