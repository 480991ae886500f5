import type { JobHandler } from "../jobs/job-runner.js";
import type { Services } from "../resources/context.js";
import { computeExplainability } from "./explainability-compute.js";
import { resourceObjects, scratchJob } from "./scratch-job.js";

const KIND = "explainability";

export function explainabilityJobs(services: Services): JobHandler {
  return scratchJob(
    services,
    async (ctx, scratch) => ({ ...(await computeExplainability(services, ctx.record, ctx, scratch)) }),
    resourceObjects(services, KIND),
  );
}
