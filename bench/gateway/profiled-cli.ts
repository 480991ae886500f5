/**
 * The service's CLI under the V8 sampling profiler (node refuses --cpu-prof in NODE_OPTIONS, so a bench cannot
 * simply ask for it): started in place of dist/src/cli.js with the same arguments, it profiles the process from its
 * start and writes `server-<pid>.cpuprofile` into OPENFORECAST_PROFILE_DIR when the process exits (the CLI exits
 * on SIGTERM). Summarize with cpu-profile-summary.js.
 *
 * OPENFORECAST_PROFILED_CLI names the CLI to run (default: this build's).
 */
import fs from "node:fs";
import inspector from "node:inspector";
import path from "node:path";
import { pathToFileURL } from "node:url";

const dir = process.env.OPENFORECAST_PROFILE_DIR as string;
const cli =
  process.env.OPENFORECAST_PROFILED_CLI ??
  path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../src/cli.js");

const session = new inspector.Session();
session.connect();
session.post("Profiler.enable");
session.post("Profiler.setSamplingInterval", { interval: 250 });
session.post("Profiler.start");
// A session on the main thread answers synchronously, so the profile is written before the process ends.
process.on("exit", () => {
  session.post("Profiler.stop", (error, result) => {
    if (!error) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `server-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    }
  });
});

await import(pathToFileURL(cli).href);
