import type { JobContext, JobHandler } from "../jobs/job-runner.js";
import type { Services } from "../resources/context.js";
import type { Scratch } from "../storage/blob-store.js";
import type { ResourceRecord } from "../store/resource-store.js";

/**
 * The handler of a job that works in a scratch folder of its own (removed when the run ends, however it ends) and
 * keeps its results as objects under its resource's prefix: a failed or stopped run's leftovers and a deleted
 * resource's objects go the same way, with `removeObjects`.
 */
export function scratchJob(
  services: Services,
  work: (ctx: JobContext, scratch: Scratch) => Promise<Record<string, unknown>>,
  removeObjects: (record: ResourceRecord) => Promise<void>,
): JobHandler {
  return {
    async run(ctx: JobContext) {
      const scratch = await services.blobs.scratch(ctx.record.name);
      try {
        return await work(ctx, scratch);
      } finally {
        await scratch.dispose();
      }
    },
    cleanup: removeObjects,
    remove: removeObjects,
  };
}

/** The removal of a resource's objects when they live under its kind's prefix for its name. */
export const resourceObjects =
  (services: Services, kind: string) =>
  async (record: ResourceRecord): Promise<void> => {
    await services.blobs.deleteResource(record, kind, record.name);
  };
