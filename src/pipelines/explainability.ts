import type { JobContext, JobHandler } from "../jobs/job-runner.js";
import type { Services } from "../resources/context.js";
import { computeExplainability } from "./explainability-compute.js";

const KIND = "explainability";

export function explainabilityJobs(services: Services): JobHandler {
  return {
    async run(ctx: JobContext) {
      const scratch = await services.blobs.scratch(ctx.record.name);
      try {
        const result = await computeExplainability(services, ctx.record, ctx, scratch);
        return { ...result };
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
