import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { promisify } from "node:util";
import { findPython } from "../compat/python.js";
import { freePort } from "./harness.js";

const run = promisify(execFile);
const CLI = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../src/cli.js");
const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../..");

/** Starts `openforecast serve` as a user would (no configured keys) and returns its banner once printed. */
async function serve(dataDir: string, ports: { port: number; s3Port: number }) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, OPENFORECAST_LOG_LEVEL: "warn" };
  const child = spawn(
    process.execPath,
    [CLI, "serve", "--port", String(ports.port), "--s3-port", String(ports.s3Port), "--data-dir", dataDir],
    { env, stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 20 s; got:\n${out}`)), 20_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (/export AWS_ENDPOINT_URL_S3=.*\n/.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.once("exit", (code) => reject(new Error(`the service exited with ${code}:\n${out}`)));
  });
  return { child, banner };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** The `export NAME=value` lines of the banner as a shell would set them (values are bare or single-quoted). */
function exportedEnv(banner: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of banner.matchAll(/^\s*export ([A-Z_]+)=(.*)$/gm)) {
    const raw = m[2] as string;
    env[m[1] as string] = raw.startsWith("'") ? raw.slice(1, -1).replaceAll(`'\\''`, "'") : raw;
  }
  return env;
}

describe("first run: the printed environment and the banner", () => {
  const children: ChildProcess[] = [];
  let dataDir = "";
  after(async () => {
    for (const c of children) await stop(c);
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  test("the JS SDK v3, boto3 and the AWS CLI work with exactly the printed environment; a restart prints it again", async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-first-run-"));
    const ports = { port: await freePort(), s3Port: await freePort() };
    const first = await serve(dataDir, ports);
    children.push(first.child);
    const env = exportedEnv(first.banner);
    const credentials = path.join(dataDir, "credentials.json");
    assert.match(first.banner, new RegExp(`Console: +http://127\\.0\\.0\\.1:${ports.port}/console`));
    assert.ok(
      first.banner.includes(`Credentials:                  ${credentials} (generated now, mode 0600)`),
    );
    assert.equal(env.AWS_REGION, env.AWS_DEFAULT_REGION);
    assert.equal(env.AWS_ENDPOINT_URL_STS, `http://127.0.0.1:${ports.port}`);
    assert.equal(env.AWS_ENDPOINT_URL_IAM, `http://127.0.0.1:${ports.port}`);

    // The JS SDK with nothing but the printed variables and PATH: it must find region, keys and endpoint there.
    const script = `
      import { ForecastClient, CreateDatasetGroupCommand, ListDatasetGroupsCommand } from "@aws-sdk/client-forecast";
      const fc = new ForecastClient({});
      await fc.send(new CreateDatasetGroupCommand({ DatasetGroupName: "first_run", Domain: "RETAIL" }));
      const listed = await fc.send(new ListDatasetGroupsCommand({}));
      console.log(JSON.stringify(listed.DatasetGroups.map((g) => g.DatasetGroupArn)));`;
    const js = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: REPO,
      env: { ...env, PATH: process.env.PATH },
      timeout: 60_000,
    });
    const account = JSON.parse(await fs.readFile(credentials, "utf8")).accounts[0].accountId as string;
    assert.deepEqual(JSON.parse(js.stdout.trim().split("\n").at(-1) as string), [
      `arn:aws:forecast:${env.AWS_REGION}:${account}:dataset-group/first_run`,
    ]);

    // boto3 and the CLI get the same variables (and no config files of this machine).
    const isolated = {
      ...env,
      PATH: process.env.PATH,
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    };
    const python = await findPython();
    const boto = await run(
      python,
      [
        "-c",
        "import boto3, json; print(json.dumps([boto3.client('sts').get_caller_identity()['Account'], " +
          "len(boto3.client('forecast').list_dataset_groups()['DatasetGroups'])]))",
      ],
      { env: isolated, timeout: 60_000 },
    );
    assert.deepEqual(JSON.parse(boto.stdout), [account, 1]);
    const cli = await run("aws", ["forecast", "list-dataset-groups", "--output", "json"], {
      env: isolated,
      timeout: 60_000,
    });
    assert.equal(JSON.parse(cli.stdout).DatasetGroups.length, 1);
    const trust = JSON.stringify({
      Statement: [{ Effect: "Allow", Principal: { Service: "forecast.amazonaws.com" } }],
    });
    await run(
      "aws",
      ["iam", "create-role", "--role-name", "KeptRole", "--assume-role-policy-document", trust],
      {
        env: isolated,
        timeout: 60_000,
      },
    );

    // A restart with the keys already there prints the console, the credentials' place and the same environment.
    await stop(first.child);
    const second = await serve(dataDir, ports);
    children.push(second.child);
    assert.match(second.banner, /Console: +http:\/\/127\.0\.0\.1:\d+\/console/);
    assert.ok(second.banner.includes(`Credentials:                  ${credentials}\n`), second.banner);
    assert.deepEqual(exportedEnv(second.banner), env);
    // IAM roles are kept in the data dir like every other resource.
    const kept = await run("aws", ["iam", "get-role", "--role-name", "KeptRole", "--output", "json"], {
      env: isolated,
      timeout: 60_000,
    });
    assert.equal(JSON.parse(kept.stdout).Role.Arn, `arn:aws:iam::${account}:role/KeptRole`);
  });
});
