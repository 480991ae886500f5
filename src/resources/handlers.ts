import type { JobHandler } from "../jobs/job-runner.js";
import type { OperationHandler, Services } from "./context.js";
import * as datasetGroups from "./dataset-groups.js";
import * as datasetImportJobs from "./dataset-import-jobs.js";
import * as datasets from "./datasets.js";
import * as lifecycle from "./lifecycle.js";
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
  StopResource: lifecycle.StopResource,
  ResumeResource: lifecycle.ResumeResource,
  DeleteResourceTree: lifecycle.DeleteResourceTree,
  TagResource: tags.TagResource,
  UntagResource: tags.UntagResource,
  ListTagsForResource: tags.ListTagsForResource,
};

export const forecastQueryHandlers: Readonly<Record<string, OperationHandler>> = {};

/** The job handler of each resource kind whose creation or deletion runs in the background. */
export function jobHandlers(services: Services): Record<string, JobHandler> {
  const removeOnly: JobHandler = { run: async () => undefined };
  return {
    "dataset-group": removeOnly,
    dataset: datasets.datasetJobs(services),
    "dataset-import-job": datasetImportJobs.datasetImportJobs(services),
  };
}
