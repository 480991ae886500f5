import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateAutoPredictorCommand,
  type CreateAutoPredictorCommandInput,
  CreateMonitorCommand,
  DeleteMonitorCommand,
  DeletePredictorCommand,
  DeleteResourceTreeCommand,
  DescribeAutoPredictorCommand,
  DescribeMonitorCommand,
  type ForecastClient,
  ListMonitorEvaluationsCommand,
  ListMonitorsCommand,
  type PredictorMonitorEvaluation,
  ResumeResourceCommand,
  StopResourceCommand,
} from "@aws-sdk/client-forecast";
import type { ForecastqueryClient } from "@aws-sdk/client-forecastquery";
import type { S3Client } from "@aws-sdk/client-s3";
import {
  ACCOUNTS,
  activeForecast,
  allRefused,
  eventually,
  forecastqueryClient,
  type Harness,
  importDemandGroup,
  refused,
  startHarness,
  untilActive,
  untilGone,
} from "./harness.js";
import {
  DAY,
  demandCsv,
  evaluationsIdle,
  expectedMetrics,
  forecastValues,
  HORIZON,
  importDays,
  START,
} from "./monitor-data.js";

const ROLE = `arn:aws:iam::${ACCOUNTS[0].accountId}:role/ForecastAccess`;
const DATASET = `arn:aws:forecast:us-west-2:${ACCOUNTS[0].accountId}:dataset/monitored`;
const GROUP = `arn:aws:forecast:us-west-2:${ACCOUNTS[0].accountId}:dataset-group/monitoring`;

describe("predictor monitoring", () => {
  let h: Harness;
  let fc: ForecastClient;
  let query: ForecastqueryClient;
  let s3: S3Client;
  let predictorArn = "";
  let monitorArn = "";
  const evaluations = async (): Promise<PredictorMonitorEvaluation[]> =>
    (await fc.send(new ListMonitorEvaluationsCommand({ MonitorArn: monitorArn })))
      .PredictorMonitorEvaluations ?? [];
  const forecastAndValues = async (name: string, predictor = predictorArn) => {
    const arn = await activeForecast(fc, name, predictor);
    return { arn, values: await forecastValues(query, arn) };
  };
  /** The monitored dataset's first `days` days, imported. */
  const importThrough = (days: number) =>
    importDays(fc, s3, { bucket: "monitoring", datasetArn: DATASET, days, roleArn: ROLE });
  /** An AutoPredictor of the monitored group (daily, HORIZON). */
  const createAutoPredictor = (PredictorName: string, extra: Partial<CreateAutoPredictorCommandInput> = {}) =>
    fc.send(
      new CreateAutoPredictorCommand({
        PredictorName,
        ForecastHorizon: HORIZON,
        ForecastFrequency: "D",
        DataConfig: { DatasetGroupArn: GROUP },
        ...extra,
      }),
    );
  const checkMetrics = (evaluation: PredictorMonitorEvaluation, expected: Record<string, number>) => {
    const got = Object.fromEntries(
      (evaluation.MetricResults ?? []).map((m) => [m.MetricName, m.MetricValue]),
    );
    assert.deepEqual(Object.keys(got).sort(), Object.keys(expected).sort());
    for (const [name, value] of Object.entries(expected)) {
      assert.ok(
        Math.abs((got[name] as number) - value) <= 1e-6 * Math.max(1, Math.abs(value)),
        `${name}: ${got[name]} vs ${value}`,
      );
    }
  };

  before(async () => {
    h = await startHarness();
    fc = h.forecast();
    s3 = h.s3();
    query = forecastqueryClient(h.service.forecastEndpoint);
    await importDemandGroup(fc, s3, {
      group: "monitoring",
      dataset: "monitored",
      bucket: "monitoring",
      key: "demand_60.csv",
      csv: demandCsv(60),
      roleArn: ROLE,
    });
    predictorArn = (
      await createAutoPredictor("watched", {
        ForecastTypes: ["0.1", "0.5", "0.9", "mean"],
        MonitorConfig: { MonitorName: "watcher" },
      })
    ).PredictorArn as string;
  });
  after(async () => {
    query?.destroy();
    await h?.close();
  });

  test("MonitorConfig on CreateAutoPredictor creates the predictor's monitor", async () => {
    const predictor = await untilActive(
      () => fc.send(new DescribeAutoPredictorCommand({ PredictorArn: predictorArn })),
      "predictor",
    );
    monitorArn = predictor.MonitorInfo?.MonitorArn as string;
    assert.equal(monitorArn, `arn:aws:forecast:us-west-2:${ACCOUNTS[0].accountId}:monitor/watcher`);
    assert.equal(predictor.MonitorInfo?.Status, "ACTIVE");
    const monitor = await fc.send(new DescribeMonitorCommand({ MonitorArn: monitorArn }));
    assert.equal(monitor.MonitorName, "watcher");
    assert.equal(monitor.ResourceArn, predictorArn);
    assert.equal(monitor.Status, "ACTIVE");
    assert.equal(monitor.LastEvaluationState, undefined);
    const baseline = monitor.Baseline?.PredictorBaseline?.BaselineMetrics ?? [];
    assert.deepEqual(baseline.map((m) => m.Name).sort(), [
      "AverageWeightedQuantileLoss",
      "MAPE",
      "MASE",
      "RMSE",
      "WAPE",
      "wQL[0.1]",
      "wQL[0.5]",
      "wQL[0.9]",
    ]);
    for (const m of baseline) assert.ok(Number.isFinite(m.Value) && (m.Value as number) >= 0, m.Name);
    const listed = await fc.send(new ListMonitorsCommand({}));
    assert.deepEqual(
      listed.Monitors?.map((m) => [m.MonitorArn, m.ResourceArn, m.Status]),
      [[monitorArn, predictorArn, "ACTIVE"]],
    );
  });

  test("two rounds of new data: each forecast is evaluated once its horizon is covered, with the right metrics", async () => {
    const f1 = await forecastAndValues("first");
    await evaluationsIdle(fc, monitorArn);
    assert.equal((await evaluations()).length, 0, "no actuals yet, no evaluation");
    // Round 1a: four new days, not a whole horizon: still nothing.
    await importThrough(64);
    await evaluationsIdle(fc, monitorArn);
    assert.equal((await evaluations()).length, 0, "part of a horizon gives no result");
    // Round 1b: the horizon is covered.
    const round1 = await importThrough(67);
    await evaluationsIdle(fc, monitorArn);
    const [e1, ...rest1] = await evaluations();
    assert.equal(rest1.length, 0);
    assert.ok(e1);
    assert.equal(e1.EvaluationState, "SUCCESS");
    assert.equal(e1.NumItemsEvaluated, 4);
    assert.equal(e1.MonitorArn, monitorArn);
    assert.equal(e1.ResourceArn, predictorArn);
    assert.deepEqual(e1.MonitorDataSource, {
      DatasetImportJobArn: round1,
      ForecastArn: f1.arn,
      PredictorArn: predictorArn,
    });
    assert.equal(e1.WindowStartDatetime?.getTime(), START + 60 * DAY);
    assert.equal(e1.WindowEndDatetime?.getTime(), START + 66 * DAY);
    assert.ok(e1.EvaluationTime instanceof Date);
    checkMetrics(e1, expectedMetrics(f1.values, 60));
    const described = await fc.send(new DescribeMonitorCommand({ MonitorArn: monitorArn }));
    assert.equal(described.LastEvaluationState, "SUCCESS");
    assert.equal(described.LastEvaluationTime?.getTime(), e1.EvaluationTime?.getTime());

    // Round 2: a new forecast from the new data, then a week more of data.
    const f2 = await forecastAndValues("second");
    await evaluationsIdle(fc, monitorArn);
    assert.equal((await evaluations()).length, 1, "the new forecast's window has no actuals yet");
    await importThrough(74);
    await evaluationsIdle(fc, monitorArn);
    const [e2, again1] = await evaluations();
    assert.equal(again1?.MonitorDataSource?.ForecastArn, f1.arn, "the first forecast is not evaluated again");
    assert.equal(e2?.MonitorDataSource?.ForecastArn, f2.arn);
    assert.equal(e2?.WindowStartDatetime?.getTime(), START + 67 * DAY);
    checkMetrics(e2 as PredictorMonitorEvaluation, expectedMetrics(f2.values, 67));
  });

  test("ListMonitorEvaluations filters on EvaluationState and paginates", async () => {
    const success = await fc.send(
      new ListMonitorEvaluationsCommand({
        MonitorArn: monitorArn,
        Filters: [{ Key: "EvaluationState", Value: "SUCCESS", Condition: "IS" }],
      }),
    );
    assert.equal(success.PredictorMonitorEvaluations?.length, 2);
    const failures = await fc.send(
      new ListMonitorEvaluationsCommand({
        MonitorArn: monitorArn,
        Filters: [{ Key: "EvaluationState", Value: "SUCCESS", Condition: "IS_NOT" }],
      }),
    );
    assert.equal(failures.PredictorMonitorEvaluations?.length, 0);
    const page1 = await fc.send(new ListMonitorEvaluationsCommand({ MonitorArn: monitorArn, MaxResults: 1 }));
    assert.equal(page1.PredictorMonitorEvaluations?.length, 1);
    assert.ok(page1.NextToken);
    const page2 = await fc.send(
      new ListMonitorEvaluationsCommand({
        MonitorArn: monitorArn,
        MaxResults: 1,
        NextToken: page1.NextToken,
      }),
    );
    assert.equal(page2.PredictorMonitorEvaluations?.length, 1);
    assert.equal(page2.NextToken, undefined);
    assert.notEqual(
      page1.PredictorMonitorEvaluations?.[0]?.MonitorDataSource?.ForecastArn,
      page2.PredictorMonitorEvaluations?.[0]?.MonitorDataSource?.ForecastArn,
    );
  });

  test("StopResource stops evaluations; ResumeResource catches up", async () => {
    const f3 = await forecastAndValues("third");
    await evaluationsIdle(fc, monitorArn);
    await fc.send(new StopResourceCommand({ ResourceArn: monitorArn }));
    assert.equal(
      (await fc.send(new DescribeMonitorCommand({ MonitorArn: monitorArn }))).Status,
      "ACTIVE_STOPPED",
    );
    assert.equal(
      (await fc.send(new DescribeAutoPredictorCommand({ PredictorArn: predictorArn }))).MonitorInfo?.Status,
      "ACTIVE_STOPPED",
    );
    await importThrough(81);
    await evaluationsIdle(fc, monitorArn);
    assert.equal((await evaluations()).length, 2, "a stopped monitor does not evaluate");
    await refused(
      fc.send(new StopResourceCommand({ ResourceArn: monitorArn })),
      "InvalidInputException",
      /ACTIVE_STOPPED/,
    );
    await fc.send(new ResumeResourceCommand({ ResourceArn: monitorArn }));
    assert.equal((await fc.send(new DescribeMonitorCommand({ MonitorArn: monitorArn }))).Status, "ACTIVE");
    const e3 = await eventually(
      async () => {
        const list = await evaluations();
        return list.length === 3 ? list[0] : undefined;
      },
      120_000,
      "the evaluation after resuming",
    );
    assert.equal(e3.MonitorDataSource?.ForecastArn, f3.arn);
    checkMetrics(e3, expectedMetrics(f3.values, 74));
    await refused(
      fc.send(new ResumeResourceCommand({ ResourceArn: monitorArn })),
      "ResourceInUseException",
      /ACTIVE/,
    );
  });

  test("a retrained predictor's forecasts are evaluated by the original's monitor, with a Retrain event", async () => {
    const { PredictorArn: retrained } = await fc.send(
      new CreateAutoPredictorCommand({ PredictorName: "watched_again", ReferencePredictorArn: predictorArn }),
    );
    const p2 = await untilActive(
      () => fc.send(new DescribeAutoPredictorCommand({ PredictorArn: retrained })),
      "retrained predictor",
    );
    const f4 = await forecastAndValues("fourth", retrained);
    await importThrough(88);
    await evaluationsIdle(fc, monitorArn);
    const [e4] = await evaluations();
    assert.equal(e4?.MonitorDataSource?.ForecastArn, f4.arn);
    assert.equal(e4?.MonitorDataSource?.PredictorArn, retrained);
    assert.equal(e4?.PredictorEvent?.Detail, "Retrain");
    assert.equal(e4?.PredictorEvent?.Datetime?.getTime(), p2.CreationTime?.getTime());
    checkMetrics(e4 as PredictorMonitorEvaluation, expectedMetrics(f4.values, 81));
    await fc.send(new DeleteResourceTreeCommand({ ResourceArn: retrained }));
  });

  test("every error of the monitor operations, as a user meets it", async () => {
    const missing = `arn:aws:forecast:us-west-2:${ACCOUNTS[0].accountId}:monitor/nothing`;
    await refused(
      fc.send(new CreateMonitorCommand({ MonitorName: "second", ResourceArn: predictorArn })),
      "ResourceAlreadyExistsException",
      /already has the monitor/,
    );
    await refused(
      fc.send(
        new CreateMonitorCommand({
          MonitorName: "x",
          ResourceArn: `arn:aws:forecast:us-west-2:${ACCOUNTS[0].accountId}:predictor/none`,
        }),
      ),
      "ResourceNotFoundException",
    );
    await refused(
      fc.send(
        new CreateMonitorCommand({
          MonitorName: "tagged",
          ResourceArn: predictorArn,
          Tags: [{ Key: "aws:owner", Value: "me" }],
        }),
      ),
      "InvalidInputException",
      /reserved/,
    );
    await refused(
      fc.send(
        new CreateMonitorCommand({
          MonitorName: "tagged",
          ResourceArn: predictorArn,
          Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" })),
        }),
      ),
      "LimitExceededException",
    );
    await refused(
      fc.send(new CreateMonitorCommand({ MonitorName: "x", ResourceArn: "not-an-arn" })),
      "ValidationException",
    );
    // A predictor still training cannot get a monitor yet; one whose name is taken is refused.
    const { PredictorArn: pending } = await createAutoPredictor("pending");
    await refused(
      fc.send(new CreateMonitorCommand({ MonitorName: "later", ResourceArn: pending })),
      "ResourceInUseException",
      /needs it ACTIVE/,
    );
    await fc.send(new StopResourceCommand({ ResourceArn: pending }));
    await refused(
      createAutoPredictor("taken_monitor_name", { MonitorConfig: { MonitorName: "watcher" } }),
      "ResourceAlreadyExistsException",
      /monitor/,
    );
    // Neither half of a refused CreateAutoPredictor with MonitorConfig is left behind.
    await refused(
      fc.send(
        new DescribeAutoPredictorCommand({
          PredictorArn: `arn:aws:forecast:us-west-2:${ACCOUNTS[0].accountId}:predictor/taken_monitor_name`,
        }),
      ),
      "ResourceNotFoundException",
    );
    await refused(
      createAutoPredictor("pending", { MonitorConfig: { MonitorName: "fresh_monitor" } }),
      "ResourceAlreadyExistsException",
      /predictor/,
    );
    await allRefused("ResourceNotFoundException", [
      fc.send(
        new DescribeMonitorCommand({
          MonitorArn: `arn:aws:forecast:us-west-2:${ACCOUNTS[0].accountId}:monitor/fresh_monitor`,
        }),
      ),
      fc.send(new DescribeMonitorCommand({ MonitorArn: missing })),
      fc.send(new DeleteMonitorCommand({ MonitorArn: missing })),
      fc.send(new ListMonitorEvaluationsCommand({ MonitorArn: missing })),
      fc.send(new ResumeResourceCommand({ ResourceArn: missing })),
    ]);
    await refused(fc.send(new ResumeResourceCommand({ ResourceArn: predictorArn })), "InvalidInputException");
    await refused(
      fc.send(
        new ListMonitorEvaluationsCommand({
          MonitorArn: monitorArn,
          Filters: [{ Key: "EvaluationState", Value: "MAYBE", Condition: "IS" }],
        }),
      ),
      "InvalidInputException",
      /SUCCESS or FAILURE/,
    );
    await refused(
      fc.send(
        new ListMonitorEvaluationsCommand({
          MonitorArn: monitorArn,
          Filters: [{ Key: "Status", Value: "ACTIVE", Condition: "IS" }],
        }),
      ),
      "InvalidInputException",
    );
    await refused(
      fc.send(
        new ListMonitorsCommand({ Filters: [{ Key: "ResourceArn", Value: predictorArn, Condition: "IS" }] }),
      ),
      "InvalidInputException",
    );
    await refused(fc.send(new ListMonitorsCommand({ NextToken: "forged" })), "InvalidNextTokenException");
    await refused(
      fc.send(new ListMonitorEvaluationsCommand({ MonitorArn: monitorArn, NextToken: "forged" })),
      "InvalidNextTokenException",
    );
    const filtered = await fc.send(
      new ListMonitorsCommand({ Filters: [{ Key: "Status", Value: "ACTIVE", Condition: "IS_NOT" }] }),
    );
    assert.equal(filtered.Monitors?.length, 0);
    // The predictor cannot go while its monitor exists: DeleteResourceTree or DeleteMonitor first.
    await refused(
      fc.send(new DeletePredictorCommand({ PredictorArn: predictorArn })),
      "ResourceInUseException",
      /monitor/,
    );
  });

  test("another account sees nothing of the monitor", async () => {
    const other = h.forecast(1);
    await allRefused("ResourceNotFoundException", [
      other.send(new DescribeMonitorCommand({ MonitorArn: monitorArn })),
      other.send(new ListMonitorEvaluationsCommand({ MonitorArn: monitorArn })),
      other.send(new StopResourceCommand({ ResourceArn: monitorArn })),
      other.send(new DeleteMonitorCommand({ MonitorArn: monitorArn })),
      other.send(new CreateMonitorCommand({ MonitorName: "theirs", ResourceArn: predictorArn })),
    ]);
    assert.deepEqual((await other.send(new ListMonitorsCommand({}))).Monitors, []);
  });

  test("DeleteMonitor removes the monitor and its evaluations; a new monitor starts afresh", async () => {
    await fc.send(new DeleteMonitorCommand({ MonitorArn: monitorArn }));
    await untilGone(
      () => fc.send(new DescribeMonitorCommand({ MonitorArn: monitorArn })),
      "the monitor to go",
    );
    const { MonitorArn } = await fc.send(
      new CreateMonitorCommand({ MonitorName: "again", ResourceArn: predictorArn }),
    );
    // Creating a monitor evaluates the forecasts whose horizons the data already covers.
    await evaluationsIdle(fc, MonitorArn as string);
    const list = await fc.send(new ListMonitorEvaluationsCommand({ MonitorArn }));
    assert.equal(
      list.PredictorMonitorEvaluations?.length,
      3,
      "the retrained predictor's forecast went with its tree",
    );
    await fc.send(new DeleteResourceTreeCommand({ ResourceArn: predictorArn }));
    await eventually(
      async () => {
        const monitors = await fc.send(new ListMonitorsCommand({}));
        return monitors.Monitors?.length === 0 ? true : undefined;
      },
      30_000,
      "the tree to go",
    );
  });
});
