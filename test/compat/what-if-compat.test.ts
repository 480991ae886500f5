// One what-if flow through boto3 and one through the AWS CLI, each against a forecast of an AutoPredictor.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { ACCOUNTS, type Harness, startHarness } from "../e2e/harness.js";
import { setupWhatIfForecast, WHAT_IF_SHAPE } from "../e2e/what-if-data.js";
import { awsEnv } from "./aws-env.js";
import { findPython } from "./python.js";

const run = promisify(execFile);
const SCRIPT = new URL("../../../test/compat/boto3_what_if.py", import.meta.url).pathname;
const BUCKET = "compat-what-if";

describe("what-if analyses from boto3 and the AWS CLI", () => {
  let h: Harness;
  let forecastArn = "";
  before(async () => {
    h = await startHarness();
    ({ forecastArn } = await setupWhatIfForecast(h.forecast(), h.s3(), h.roleArn(), BUCKET, {
      ...WHAT_IF_SHAPE,
      items: 4,
      name: "compat",
    }));
  });
  after(async () => h.close());

  test("an unchanged boto3 program: analysis, transformation, query, CSV export, an error", async () => {
    const python = await findPython();
    const { stdout } = await run(
      python,
      [SCRIPT, (ACCOUNTS[0] as (typeof ACCOUNTS)[number]).accountId, forecastArn, BUCKET],
      { env: awsEnv(h), timeout: 240_000 },
    );
    const seen = JSON.parse(stdout.trim().split("\n").at(-1) as string);
    assert.equal(seen.analysis_arn, "arn:aws:forecast:us-west-2:111122223333:what-if-analysis/boto_analysis");
    assert.equal(seen.analysis_status, "ACTIVE");
    assert.equal(seen.what_if_status, "ACTIVE", seen.what_if_message);
    assert.equal(seen.transformations[0].Action.Value, 1.1);
    assert.equal(seen.lowered, true);
    assert.equal(seen.other_equal, true);
    assert.equal(seen.export_status, "ACTIVE");
    assert.deepEqual(seen.export_columns, ["item_id", "date", "what_if_forecast_name", "p10", "p50", "p90"]);
    assert.equal(seen.export_rows, 4 * WHAT_IF_SHAPE.horizon);
    assert.equal(seen.error, "InvalidInputException");
    assert.deepEqual(seen.listed, ["boto_price_up"]);
  });

  test("the AWS CLI: a what-if analysis and forecast, queried with query-what-if-forecast", async () => {
    const env = awsEnv(h);
    const aws = async (...args: string[]) => {
      const { stdout } = await run("aws", [...args, "--output", "json"], { env, timeout: 60_000 });
      return JSON.parse(stdout || "{}");
    };
    const until = async (describe: () => Promise<{ Status: string; Message?: string }>) => {
      for (let i = 0; i < 300; i++) {
        const d = await describe();
        if (["ACTIVE", "CREATE_FAILED", "CREATE_STOPPED"].includes(d.Status)) return d;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error("timed out");
    };
    const { WhatIfAnalysisArn } = await aws(
      "forecast",
      "create-what-if-analysis",
      "--what-if-analysis-name",
      "cli_analysis",
      "--forecast-arn",
      forecastArn,
    );
    assert.equal(
      (
        await until(() =>
          aws("forecast", "describe-what-if-analysis", "--what-if-analysis-arn", WhatIfAnalysisArn),
        )
      ).Status,
      "ACTIVE",
    );
    const { WhatIfForecastArn } = await aws(
      "forecast",
      "create-what-if-forecast",
      "--what-if-forecast-name",
      "cli_discount",
      "--what-if-analysis-arn",
      WhatIfAnalysisArn,
      "--time-series-transformations",
      JSON.stringify([
        {
          Action: { AttributeName: "price", Operation: "MULTIPLY", Value: 0.8 },
          TimeSeriesConditions: [{ AttributeName: "item_id", AttributeValue: "item_2", Condition: "EQUALS" }],
        },
      ]),
    );
    assert.equal(
      WhatIfForecastArn,
      "arn:aws:forecast:us-west-2:111122223333:what-if-forecast/cli_analysis/cli_discount",
    );
    const done = await until(() =>
      aws("forecast", "describe-what-if-forecast", "--what-if-forecast-arn", WhatIfForecastArn),
    );
    assert.equal(done.Status, "ACTIVE", done.Message);
    const total = (answer: { Forecast: { Predictions: { p50: { Value: number }[] } } }) =>
      answer.Forecast.Predictions.p50.reduce((a, p) => a + p.Value, 0);
    const whatIf = await aws(
      "forecastquery",
      "query-what-if-forecast",
      "--what-if-forecast-arn",
      WhatIfForecastArn,
      "--filters",
      '{"item_id":"item_2"}',
    );
    const baseline = await aws(
      "forecastquery",
      "query-forecast",
      "--forecast-arn",
      forecastArn,
      "--filters",
      '{"item_id":"item_2"}',
    );
    assert.ok(total(whatIf) > total(baseline), "a 20% discount raises demand");
    const listed = await aws("forecast", "list-what-if-analyses");
    assert.ok(
      listed.WhatIfAnalyses.some(
        (a: { WhatIfAnalysisName: string }) => a.WhatIfAnalysisName === "cli_analysis",
      ),
    );
    await assert.rejects(
      run("aws", ["forecast", "delete-what-if-analysis", "--what-if-analysis-arn", WhatIfAnalysisArn], {
        env,
      }),
      (error: { code?: number; stderr?: string }) => {
        assert.notEqual(error.code, 0);
        assert.match(error.stderr ?? "", /ResourceInUseException/);
        return true;
      },
    );
  });
});
