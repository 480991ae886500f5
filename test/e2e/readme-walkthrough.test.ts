import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { ACCOUNTS, type Harness, REGION, startHarness } from "./harness.js";

const run = promisify(execFile);
const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../..");

/** The shell blocks of the README between the walkthrough markers, in order, as one script. */
export async function walkthroughScript(): Promise<string> {
  const readme = await fs.readFile(path.join(REPO, "README.md"), "utf8");
  const start = readme.indexOf("<!-- walkthrough:start -->");
  const end = readme.indexOf("<!-- walkthrough:end -->");
  assert.ok(start >= 0 && end > start, "the README marks its walkthrough");
  const blocks = [...readme.slice(start, end).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  assert.ok(blocks.length >= 3, "the walkthrough has its shell blocks");
  return blocks.join("\n");
}

describe("the README's complete example", () => {
  let h: Harness;
  let dir: string;
  before(async () => {
    h = await startHarness();
    // A user's checkout: the commands run from the repository root, where dist/ is.
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-readme-"));
    await fs.symlink(path.join(REPO, "dist"), path.join(dir, "dist"));
  });
  after(async () => {
    await h.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test("runs as written with the banner's environment, from upload to the explainability export", async () => {
    const a = ACCOUNTS[0];
    const endpoint = h.service.forecastEndpoint;
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_ACCESS_KEY_ID: a.accessKeyId,
      AWS_SECRET_ACCESS_KEY: a.secretAccessKey,
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ENDPOINT_URL_FORECAST: endpoint,
      AWS_ENDPOINT_URL_FORECASTQUERY: endpoint,
      AWS_ENDPOINT_URL_STS: endpoint,
      AWS_ENDPOINT_URL_IAM: endpoint,
      AWS_ENDPOINT_URL_S3: h.service.s3Endpoint,
    };
    const script = `set -euo pipefail\n${await walkthroughScript()}`;
    const { stdout } = await run("bash", ["-c", script], {
      cwd: dir,
      env,
      timeout: 600_000,
      maxBuffer: 1 << 24,
    });

    const exported = async (sub: string) => {
      const files = (await fs.readdir(path.join(dir, "demo/exports", sub))).filter((f) => f.endsWith(".csv"));
      assert.ok(files.length > 0, `CSV files in exports/${sub}`);
      return fs.readFile(path.join(dir, "demo/exports", sub, files[0] as string), "utf8");
    };
    const forecast = await exported("forecast");
    assert.match(forecast.split("\n")[0] as string, /^item_id,date,p10,p50,p90/);
    const explainability = await exported("explainability");
    assert.match(explainability.split("\n")[0] as string, /price/);
    assert.match(explainability, /item_3/);
    assert.match(stdout, /"Count": 1200/, "the demand import's statistics");
  });
});
