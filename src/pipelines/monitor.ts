import type { JobHandler } from "../jobs/job-runner.js";
import type { Services } from "../resources/context.js";

/**
 * A monitor's background work is only its removal: its evaluations and checks are deleted with it (DeleteMonitor
 * marks just the monitor, so that a check starting meanwhile finds it no longer ACTIVE and evaluates nothing).
 */
export function monitorJobs(services: Services): JobHandler {
  return {
    run: async () => undefined,
    async remove(monitor) {
      await services.store.deleteChildren(monitor.arn);
    },
  };
}
