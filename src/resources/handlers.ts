import type { JobHandler } from "../jobs/job-runner.js";
import type { OperationHandler, Services } from "./context.js";
import * as datasetGroups from "./dataset-groups.js";
import * as datasetImportJobs from "./dataset-import-jobs.js";
import * as datasets from "./datasets.js";
import * as forecasts from "./forecasts.js";
import * as lifecycle from "./lifecycle.js";
import { predictorJobs } from "./predictor-training.js";
import * as predictors from "./predictors.js";
import { QueryForecast } from "./query-forecast.js";
import * as tags from "./tags.js";

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
  DescribeAutoPredictor: predictors.DescribeAutoPredictor,
  ListPredictors: predictors.ListPredictors,
  DeletePredictor: predictors.DeletePredictor,
  GetAccuracyMetrics: predictors.GetAccuracyMetrics,
  CreateForecast: forecasts.CreateForecast,
  DescribeForecast: forecasts.DescribeForecast,
  ListForecasts: forecasts.ListForecasts,
  DeleteForecast: forecasts.DeleteForecast,
  StopResource: lifecycle.StopResource,
  ResumeResource: lifecycle.ResumeResource,
  DeleteResourceTree: lifecycle.DeleteResourceTree,
  TagResource: tags.TagResource,
  UntagResource: tags.UntagResource,
  ListTagsForResource: tags.ListTagsForResource,
};

export const forecastQueryHandlers: Readonly<Record<string, OperationHandler>> = { QueryForecast };

/** The job handler of each resource kind whose creation or deletion runs in the background. */
export function jobHandlers(services: Services): Record<string, JobHandler> {
  const removeOnly: JobHandler = { run: async () => undefined };
  return {
    "dataset-group": removeOnly,
    dataset: datasets.datasetJobs(services),
    "dataset-import-job": datasetImportJobs.datasetImportJobs(services),
    predictor: predictorJobs(services, services.pool),
    forecast: forecasts.forecastJobs(services, services.pool),
  };
}
