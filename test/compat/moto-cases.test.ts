import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { ACCOUNTS, type Harness, startHarness } from "../e2e/harness.js";
import { awsEnv } from "./aws-env.js";
import { findPython } from "./python.js";

const run = promisify(execFile);
const SCRIPT = new URL("../../../test/compat/boto3_moto_cases.py", import.meta.url).pathname;

/**
 * moto's own Forecast test cases, rewritten in boto3_moto_cases.py, against this server. moto records AWS's
 * answers, so every case must pass; the one message where moto prints its own rendering (the enum set of a bad
 * domain) is checked in AWS's form and its literal match is only reported.
 */
describe("moto's Forecast test cases, run with boto3 against this server", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  test("all 21 cases pass", async (t) => {
    const python = await findPython();
    const account = (ACCOUNTS[1] as (typeof ACCOUNTS)[number]).accountId;
    const { stdout } = await run(python, [SCRIPT, account], { env: awsEnv(h, 1), timeout: 120_000 });
    const seen = JSON.parse(stdout.trim().split("\n").at(-1) as string) as {
      cases: Record<string, string | null>;
      moto_literal: Record<string, boolean>;
    };
    const failed = Object.entries(seen.cases).filter(([, failure]) => failure !== null);
    t.diagnostic(
      `moto cases: ${Object.keys(seen.cases).length - failed.length} of ${Object.keys(seen.cases).length} pass`,
    );
    assert.equal(Object.keys(seen.cases).length, 21);
    assert.deepEqual(failed, []);
    // moto prints the enum set as a Python list; AWS as "enum value set: [A, B]". We follow AWS.
    assert.equal(seen.moto_literal["create with an invalid domain"], false);
  });
});
