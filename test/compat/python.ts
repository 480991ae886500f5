import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A Python that has boto3: OPENFORECAST_PYTHON if set, else python3 on the PATH, else Debian's (the same order
 * as scripts/test-setup.sh, which `npm test` runs first and which installs Debian's python3-boto3 where none has
 * it), so not finding one is a failure, never a skip.
 */
export async function findPython(): Promise<string> {
  const candidates = [process.env.OPENFORECAST_PYTHON, "python3", "/usr/bin/python3"].filter(
    (c): c is string => typeof c === "string" && c !== "",
  );
  for (const candidate of candidates) {
    try {
      await run(candidate, ["-c", "import boto3"]);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    `no Python with boto3 found (tried ${candidates.join(", ")}); scripts/test-setup.sh installs it`,
  );
}
