// The pipelines: what runs when a job is claimed (imports, trainings, forecasts, explainabilities, exports, what-if
// analyses and forecasts, monitor checks, deletions). The API side (resources/) records a job as a resource in
// CREATE_PENDING and never calls these (nor imports anything of pipelines/); a job runner (in the embedded process,
// or in an `openforecast worker`) claims the job and runs its handler here, which reads and writes bulk data by key
// in object storage and sends its numeric work to the WorkerPool (threads, or the task queue). Nothing here needs
// more than the store, an S3 endpoint and scratch disk. Pipelines may use resources/' shared semantics (the
// Services type, the kinds' definitions, file formats), never the reverse (docs/architecture.md).
import type { JobHandler } from "../jobs/job-runner.js";
import * as backtestExports from "../resources/backtest-exports.js";
import type { Services } from "../resources/context.js";
import * as explainabilityExports from "../resources/explainability-exports.js";
import * as forecastExports from "../resources/forecast-exports.js";
import * as whatIfExports from "../resources/what-if-exports.js";
import { datasetJobs } from "./dataset.js";
import { datasetImportJobs } from "./dataset-import.js";
import { explainabilityJobs } from "./explainability.js";
import { exportJobs } from "./export.js";
import { forecastJobs } from "./forecast.js";
import { monitorJobs } from "./monitor.js";
import { monitorCheckJobs } from "./monitor-check.js";
import { forecastTriggers, importTriggers, withMonitorTriggers } from "./monitor-triggers.js";
import { predictorJobs } from "./predictor-training.js";
import { whatIfAnalysisJobs } from "./what-if-analysis.js";
import { whatIfForecastJobs } from "./what-if-forecast.js";

/** The job handler of each resource kind whose creation or deletion runs in the background. */
export function jobHandlers(services: Services): Record<string, JobHandler> {
  const removeOnly: JobHandler = { run: async () => undefined };
  return {
    "dataset-group": removeOnly,
    dataset: datasetJobs(services),
    // New target data and new forecasts queue monitor evaluations in the transaction that makes them ACTIVE.
    "dataset-import-job": withMonitorTriggers(datasetImportJobs(services), services.store, importTriggers),
    predictor: predictorJobs(services, services.pool),
    forecast: withMonitorTriggers(forecastJobs(services, services.pool), services.store, forecastTriggers),
    explainability: explainabilityJobs(services),
    "explainability-export": exportJobs(services, explainabilityExports.EXPLAINABILITY_EXPORT),
    "forecast-export-job": exportJobs(services, forecastExports.FORECAST_EXPORT),
    "predictor-backtest-export-job": exportJobs(services, backtestExports.BACKTEST_EXPORT),
    monitor: monitorJobs(services),
    "monitor-check": monitorCheckJobs(services),
    "monitor-evaluation": removeOnly,
    "what-if-analysis": whatIfAnalysisJobs(services),
    "what-if-forecast": whatIfForecastJobs(services, services.pool),
    "what-if-forecast-export": exportJobs(services, whatIfExports.WHAT_IF_FORECAST_EXPORT),
  };
}
