import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import {
  CreateAutoPredictorCommand,
  CreateForecastCommand,
  DescribeAutoPredictorCommand,
  DescribeForecastCommand,
} from "@aws-sdk/client-forecast";
import { ACCOUNTS, type Harness, importDemandGroup, startHarness, untilActive } from "../e2e/harness.js";
import { demandCsv, HORIZON } from "../e2e/monitor-data.js";
import { awsEnv } from "./aws-env.js";
import { findPython } from "./python.js";

const run = promisify(execFile);
const SCRIPT = new URL("../../../test/compat/boto3_monitor.py", import.meta.url).pathname;
const ACCOUNT = (ACCOUNTS[0] as (typeof ACCOUNTS)[number]).accountId;

describe("predictor monitoring through boto3 and the AWS CLI", () => {
  let h: Harness;
  const predictors: Record<string, string> = {};
  let cliForecast = "";
  before(async () => {
    h = await startHarness();
    const fc = h.forecast();
    const group = await importDemandGroup(fc, h.s3(), {
      group: "compat_monitoring",
      dataset: "compat_demand",
      bucket: "compat-monitoring",
      key: "demand_60.csv",
      csv: demandCsv(60),
      roleArn: h.roleArn(),
    });
    for (const name of ["for_boto", "for_cli"]) {
      const { PredictorArn } = await fc.send(
        new CreateAutoPredictorCommand({
          PredictorName: name,
          ForecastHorizon: HORIZON,
          ForecastFrequency: "D",
          DataConfig: { DatasetGroupArn: group },
        }),
      );
      await untilActive(() => fc.send(new DescribeAutoPredictorCommand({ PredictorArn })), name);
      predictors[name] = PredictorArn as string;
    }
    // A forecast of the CLI's predictor from the first data; boto3's import later covers its horizon.
    const { ForecastArn } = await fc.send(
      new CreateForecastCommand({ ForecastName: "for_cli_forecast", PredictorArn: predictors.for_cli }),
    );
    await untilActive(() => fc.send(new DescribeForecastCommand({ ForecastArn })), "forecast");
    cliForecast = ForecastArn as string;
  });
  after(async () => h.close());

  test("boto3: create a monitor, forecast, import newer data, read the evaluation, stop and resume", async () => {
    const newer = path.join(h.dataDir, "newer.csv");
    await fs.writeFile(newer, demandCsv(67));
    const python = await findPython();
    const { stdout } = await run(
      python,
      [
        SCRIPT,
        ACCOUNT,
        predictors.for_boto as string,
        `arn:aws:forecast:us-west-2:${ACCOUNT}:dataset/compat_demand`,
        "compat-monitoring",
        newer,
      ],
      { env: awsEnv(h), timeout: 240_000 },
    );
    const seen = JSON.parse(stdout.trim().split("\n").at(-1) as string);
    assert.equal(seen.monitor_arn, `arn:aws:forecast:us-west-2:${ACCOUNT}:monitor/boto_monitor`);
    assert.equal(seen.monitor_status, "ACTIVE");
    assert.ok(seen.baseline_names.includes("AverageWeightedQuantileLoss"));
    assert.equal(seen.evaluations, 1);
    assert.equal(seen.evaluated_forecast, true);
    assert.equal(seen.import_job, true);
    assert.equal(seen.window_start_type, "datetime");
    assert.deepEqual(seen.metric_names, [
      "AverageWeightedQuantileLoss",
      "MAPE",
      "MASE",
      "RMSE",
      "WAPE",
      "wQL[0.1]",
      "wQL[0.5]",
      "wQL[0.9]",
    ]);
    assert.equal(seen.items, 4);
    assert.equal(seen.last_state, "SUCCESS");
    assert.equal(seen.stopped, "ACTIVE_STOPPED");
    assert.equal(seen.resumed, "ACTIVE");
    assert.equal(seen.resume_active_error, "ResourceInUseException");
    assert.deepEqual(seen.listed, ["boto_monitor"]);
  });

  test("the AWS CLI: create-monitor evaluates a covered forecast; list, stop, resume, delete", async () => {
    const env = awsEnv(h);
    const aws = async (...args: string[]) => {
      const { stdout } = await run("aws", ["forecast", ...args, "--output", "json"], {
        env,
        timeout: 60_000,
      });
      return JSON.parse(stdout || "{}");
    };
    const { MonitorArn } = await aws(
      "create-monitor",
      "--monitor-name",
      "cli_monitor",
      "--resource-arn",
      predictors.for_cli as string,
    );
    assert.equal(MonitorArn, `arn:aws:forecast:us-west-2:${ACCOUNT}:monitor/cli_monitor`);
    let evaluations: { MonitorDataSource: { ForecastArn: string }; EvaluationState: string }[] = [];
    for (let tries = 0; tries < 100 && evaluations.length === 0; tries++) {
      evaluations = (await aws("list-monitor-evaluations", "--monitor-arn", MonitorArn))
        .PredictorMonitorEvaluations;
      if (evaluations.length === 0) await new Promise((r) => setTimeout(r, 300));
    }
    assert.equal(evaluations.length, 1);
    assert.equal(evaluations[0]?.MonitorDataSource.ForecastArn, cliForecast);
    assert.equal(evaluations[0]?.EvaluationState, "SUCCESS");
    const listed = await aws("list-monitors", "--filters", "Key=Status,Value=ACTIVE,Condition=IS");
    assert.deepEqual(listed.Monitors.map((m: { MonitorName: string }) => m.MonitorName).sort(), [
      "boto_monitor",
      "cli_monitor",
    ]);
    await aws("stop-resource", "--resource-arn", MonitorArn);
    assert.equal((await aws("describe-monitor", "--monitor-arn", MonitorArn)).Status, "ACTIVE_STOPPED");
    await aws("resume-resource", "--resource-arn", MonitorArn);
    assert.equal((await aws("describe-monitor", "--monitor-arn", MonitorArn)).Status, "ACTIVE");
    await aws("delete-monitor", "--monitor-arn", MonitorArn);
    await assert.rejects(
      run(
        "aws",
        [
          "forecast",
          "create-monitor",
          "--monitor-name",
          "x",
          "--resource-arn",
          predictors.for_boto as string,
        ],
        {
          env,
          timeout: 60_000,
        },
      ),
      (e: Error & { code?: number; stderr?: string }) => {
        assert.notEqual(e.code, 0);
        assert.match(String(e.stderr), /ResourceAlreadyExistsException/);
        return true;
      },
    );
  });
});
