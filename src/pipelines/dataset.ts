import type { JobHandler } from "../jobs/job-runner.js";
import type { Services } from "../resources/context.js";
import type { ResourceRecord } from "../store/resource-store.js";

const KIND = "dataset";

/** Deleting a dataset removes its imported data and its import jobs' records. */
export function datasetJobs(services: Services): JobHandler {
  return {
    run: async () => undefined,
    remove: async (record: ResourceRecord) => {
      await services.blobs.deleteResource(record, KIND, record.name);
      await services.store.deleteChildren(record.arn);
    },
  };
}
