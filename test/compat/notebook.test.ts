import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { formatKeyHelp } from "../../src/identity/keys.js";
import { ACCOUNTS, type Harness, REGION, startHarness } from "../e2e/harness.js";
import { findPython } from "./python.js";

const run = promisify(execFile);
const SCRIPT = new URL("../../../test/compat/boto3_item_level_explainability.py", import.meta.url).pathname;

/** The variables the service prints for a key (`export NAME=value` lines, the value perhaps single-quoted), and nothing else of this process. */
function printedEnvironment(h: Harness): NodeJS.ProcessEnv {
  const help = formatKeyHelp(ACCOUNTS[0], {
    forecast: h.service.forecastEndpoint,
    s3: h.service.s3Endpoint,
    region: REGION,
  });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
  for (const m of help.matchAll(/^\s*export (\w+)=(?:'([^']*)'|(\S*))$/gm))
    env[m[1] as string] = m[2] ?? m[3];
  return env;
}

describe("AWS's Item-Level Explainability notebook", () => {
  let h: Harness;
  let scratch: string;
  before(async () => {
    h = await startHarness();
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-notebook-"));
  });
  after(async () => {
    await h?.close();
    await fs.rm(scratch, { recursive: true, force: true });
  });

  test("boto3 runs its calls as written, from the util's role helper to its export reader", async () => {
    const env = printedEnvironment(h);
    assert.equal(env.AWS_ENDPOINT_URL_IAM, h.service.forecastEndpoint, "the printed environment was read");
    const python = await findPython();
    const { stdout } = await run(python, [SCRIPT, scratch], { env, timeout: 240_000 }).catch((e) => {
      throw new Error(`the notebook failed:\n${e.stdout}\n${e.stderr}`);
    });
    const seen = JSON.parse(stdout.trim().split("\n").at(-1) as string);
    assert.equal(seen.account, ACCOUNTS[0].accountId, "sts get_caller_identity names the key's account");
    assert.equal(
      seen.role_arn,
      `arn:aws:iam::${ACCOUNTS[0].accountId}:role/ForecastNotebookRole-Explainability`,
    );
    assert.equal(seen.role_again, seen.role_arn, "the helper's EntityAlreadyExists path finds the same role");
    assert.equal(seen.group_datasets, 3);

    // Model level (ExplainPredictor): impact columns for every attribute of the related data and the metadata.
    assert.ok(seen.model_level.rows > 0, "the model-level export has rows");
    for (const attribute of ["Loss_Rate", "Customer_Request", "Model_Type"]) {
      assert.ok(
        seen.model_level.columns.some((c: string) => c.includes(attribute)),
        `a column for ${attribute}: ${seen.model_level.columns.join(", ")}`,
      );
    }

    // Chosen series over all time points: those series and the Aggregate row, all 12 months and Aggregate.
    assert.deepEqual(seen.item_level.items, ["Aggregate", "Drum_1", "Guitar_1", "Guitar_2"]);
    assert.equal(seen.item_level.timestamps.length, 12 + 1, seen.item_level.timestamps.join(", "));
    assert.ok(seen.item_level.timestamps.includes("Aggregate"));
    assert.ok(seen.item_level.columns.includes("item_id") && seen.item_level.columns.includes("timestamp"));

    // Chosen series at chosen time points: January to March 2022 only.
    assert.deepEqual(seen.timepoint_level.items, ["Aggregate", "Drum_4", "Guitar_3"]);
    const months = seen.timepoint_level.timestamps.filter((t: string) => t !== "Aggregate");
    assert.equal(months.length, 3, months.join(", "));
    assert.ok(
      months.every((t: string) => /^2022-0[123]-01/.test(t)),
      `the months asked for: ${months.join(", ")}`,
    );
    assert.ok(seen.timepoint_level.guitar_3.length >= 3, "Guitar_3 has a row per chosen month");
    for (const row of seen.timepoint_level.guitar_3) {
      for (const [column, value] of Object.entries(row)) {
        if (/impact/i.test(column) && value !== "")
          assert.ok(Number.isFinite(Number(value)), `${column}=${value} is a number`);
      }
    }
    assert.equal(seen.role_after_delete, "NoSuchEntity", "the notebook's last cell deletes the role");
  });
});
