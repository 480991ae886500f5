import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateAutoPredictorCommand,
  CreateDatasetGroupCommand,
  CreateForecastCommand,
  CreatePredictorCommand,
  type CreatePredictorCommandInput,
  DescribeAutoPredictorCommand,
  DescribeForecastCommand,
  DescribePredictorCommand,
  type ForecastClient,
  GetAccuracyMetricsCommand,
  ListPredictorsCommand,
  UpdateDatasetGroupCommand,
} from "@aws-sdk/client-forecast";
import { type ForecastqueryClient, QueryForecastCommand } from "@aws-sdk/client-forecastquery";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { type Harness, importDailyDataset, settled } from "./harness.js";
import { DAY, DAYS, type Shop, START, startShop } from "./shop-data.js";

const ALGORITHM = "arn:aws:forecast:::algorithm/";

/** Whether item i is on promotion on day d: about one day in four, irregularly, so no season predicts it. */
const onPromotion = (item: number, d: number): boolean => (item * 3 + d * 7) % 11 < 3;

/** 4 items × 140 days of demand lifted by half on promotion days, and the promotions for 154 days (the horizon). */
function promotionCsvs(): { demand: string; promotions: string } {
  const demand: string[] = [];
  const promotions: string[] = [];
  for (let item = 0; item < 4; item++) {
    for (let d = 0; d < DAYS + 14; d++) {
      const day = `${new Date(START + d * DAY).toISOString().slice(0, 10)} 00:00:00`;
      const promo = onPromotion(item, d) ? 1 : 0;
      promotions.push(`item_${item},${day},${promo}`);
      if (d < DAYS) demand.push(`item_${item},${day},${((40 + 10 * item) * (1 + 0.5 * promo)).toFixed(2)}`);
    }
  }
  return { demand: `${demand.join("\n")}\n`, promotions: `${promotions.join("\n")}\n` };
}

const dayAt = (d: number) => new Date(START + d * DAY).getTime();

describe("legacy CreatePredictor and DescribePredictor", () => {
  let h: Harness;
  let fc: ForecastClient;
  let query: ForecastqueryClient;
  let groupArn = "";
  /** A valid request; tests override what they check. */
  const request = (
    name: string,
    extra: Partial<CreatePredictorCommandInput> = {},
  ): CreatePredictorCommandInput => ({
    PredictorName: name,
    AlgorithmArn: `${ALGORITHM}ETS`,
    ForecastHorizon: 14,
    InputDataConfig: { DatasetGroupArn: groupArn },
    FeaturizationConfig: { ForecastFrequency: "D" },
    ...extra,
  });

  let shop: Shop;
  before(async () => {
    shop = await startShop();
    ({ h, fc, query, groupArn } = shop);
  });
  after(async () => shop.close());

  test("bad requests get Amazon's error types", async () => {
    const refused = async (input: CreatePredictorCommandInput, name: string, message?: RegExp) =>
      assert.rejects(fc.send(new CreatePredictorCommand(input)), (e: Error) => {
        assert.equal(e.name, name, e.message);
        if (message) assert.match(e.message, message);
        return true;
      });
    await refused(request("both", { PerformAutoML: true }), "InvalidInputException", /PerformAutoML/);
    await refused(request("neither", { AlgorithmArn: undefined }), "InvalidInputException", /AlgorithmArn/);
    await refused(request("unknown", { AlgorithmArn: `${ALGORITHM}XGBoost` }), "InvalidInputException");
    await refused(
      request("short_offset", { EvaluationParameters: { BackTestWindowOffset: 7 } }),
      "InvalidInputException",
      /BackTestWindowOffset/,
    );
    for (const windows of [0, 6]) {
      await refused(
        request("windows", { EvaluationParameters: { NumberOfBacktestWindows: windows } }),
        "InvalidInputException",
        /NumberOfBacktestWindows/,
      );
    }
    await refused(request("hpo_ets", { PerformHPO: true }), "InvalidInputException", /PerformHPO/);
    await refused(
      request("params", { TrainingParameters: { epochs: "100" } }),
      "InvalidInputException",
      /not built yet/,
    );
    await refused(
      request("override", { AutoMLOverrideStrategy: "LatencyOptimized" }),
      "InvalidInputException",
    );
    await refused(
      request("weather", {
        InputDataConfig: {
          DatasetGroupArn: groupArn,
          SupplementaryFeatures: [{ Name: "weather", Value: "true" }],
        },
      }),
      "InvalidInputException",
      /not built yet/,
    );
    await refused(
      request("holiday", {
        InputDataConfig: {
          DatasetGroupArn: groupArn,
          SupplementaryFeatures: [{ Name: "holiday", Value: "XX" }],
        },
      }),
      "InvalidInputException",
    );
    await refused(
      request("fill", {
        FeaturizationConfig: {
          ForecastFrequency: "D",
          Featurizations: [
            {
              AttributeName: "demand",
              FeaturizationPipeline: [
                {
                  FeaturizationMethodName: "filling",
                  FeaturizationMethodParameters: { middlefill: "guess" },
                },
              ],
            },
          ],
        },
      }),
      "InvalidInputException",
      /middlefill/,
    );
    await refused(
      request("hourly", { FeaturizationConfig: { ForecastFrequency: "H" } }),
      "InvalidInputException",
    );
    await refused(
      request("no_group", {
        InputDataConfig: { DatasetGroupArn: groupArn.replace("dataset-group/shop", "dataset-group/nope") },
      }),
      "ResourceNotFoundException",
    );
    await assert.rejects(
      fc.send(
        new DescribePredictorCommand({ PredictorArn: groupArn.replace("dataset-group/", "predictor/") }),
      ),
      { name: "ResourceNotFoundException" },
    );
  });

  test("windows the data cannot hold fail training with the reason", async () => {
    const failing = [
      // 5 windows of 30 days need 150 days (and some history before them); there are 140.
      request("too_many_windows", {
        ForecastHorizon: 30,
        EvaluationParameters: { NumberOfBacktestWindows: 5 },
      }),
      // Amazon requires the offset below half the dataset length (70 days).
      request("too_far_back", { EvaluationParameters: { BackTestWindowOffset: 70 } }),
    ];
    const arns = await Promise.all(
      failing.map(async (r) => (await fc.send(new CreatePredictorCommand(r))).PredictorArn),
    );
    const [windows, offset] = await Promise.all(
      arns.map((PredictorArn) =>
        settled(() => fc.send(new DescribePredictorCommand({ PredictorArn })), "a failure"),
      ),
    );
    assert.equal(windows?.Status, "CREATE_FAILED");
    assert.match(windows?.Message ?? "", /NumberOfBacktestWindows 5 .* at most 4 fit/);
    assert.equal(offset?.Status, "CREATE_FAILED");
    assert.match(offset?.Message ?? "", /BackTestWindowOffset 70 must be less than half/);
  });

  test("ETS: trains on the asked windows, describes itself, forecasts", async () => {
    const featurization = {
      ForecastFrequency: "D",
      Featurizations: [
        {
          AttributeName: "demand",
          FeaturizationPipeline: [
            {
              FeaturizationMethodName: "filling" as const,
              FeaturizationMethodParameters: { aggregation: "sum", middlefill: "zero", backfill: "zero" },
            },
          ],
        },
      ],
    };
    const input = request("shop_ets", {
      ForecastTypes: ["0.1", "0.5", "0.9", "mean"],
      // Three windows of 14 days, the most recent starting 21 days before the end of the data.
      EvaluationParameters: { NumberOfBacktestWindows: 3, BackTestWindowOffset: 21 },
      InputDataConfig: {
        DatasetGroupArn: groupArn,
        SupplementaryFeatures: [{ Name: "holiday", Value: "US" }],
      },
      FeaturizationConfig: featurization,
      OptimizationMetric: "WAPE",
      Tags: [{ Key: "team", Value: "demand" }],
    });
    const { PredictorArn } = await fc.send(new CreatePredictorCommand(input));
    assert.match(PredictorArn as string, /:predictor\/shop_ets$/);
    await assert.rejects(fc.send(new CreatePredictorCommand(input)), {
      name: "ResourceAlreadyExistsException",
    });
    const d = await settled(() => fc.send(new DescribePredictorCommand({ PredictorArn })), "ETS to train");
    assert.equal(d.Status, "ACTIVE", d.Message);
    assert.equal(d.IsAutoPredictor, false);
    assert.equal(d.AlgorithmArn, `${ALGORITHM}ETS`);
    assert.equal(d.PerformAutoML, false);
    assert.equal(d.PerformHPO, false);
    assert.equal(d.AutoMLAlgorithmArns, undefined);
    assert.equal(d.ForecastHorizon, 14);
    assert.deepEqual(d.ForecastTypes, ["0.1", "0.5", "0.9", "mean"]);
    assert.equal(d.OptimizationMetric, "WAPE");
    assert.deepEqual(d.EvaluationParameters, { NumberOfBacktestWindows: 3, BackTestWindowOffset: 21 });
    assert.deepEqual(d.InputDataConfig, input.InputDataConfig);
    assert.deepEqual(d.FeaturizationConfig, featurization);
    assert.equal(d.DatasetImportJobArns?.length, 1);
    assert.equal(d.EstimatedTimeRemainingInMinutes, undefined);
    assert.ok(d.CreationTime instanceof Date && d.LastModificationTime instanceof Date);
    const executions = d.PredictorExecutionDetails?.PredictorExecutions ?? [];
    assert.equal(executions.length, 1);
    assert.equal(executions[0]?.AlgorithmArn, `${ALGORITHM}ETS`);
    assert.equal(executions[0]?.TestWindows?.length, 3);
    assert.ok(executions[0]?.TestWindows?.every((w) => w.Status === "ACTIVE"));
    await assert.rejects(fc.send(new DescribeAutoPredictorCommand({ PredictorArn })), {
      name: "InvalidInputException",
    });

    const metrics = await fc.send(new GetAccuracyMetricsCommand({ PredictorArn }));
    assert.equal(metrics.IsAutoPredictor, false);
    const windows = metrics.PredictorEvaluationResults?.[0]?.TestWindows ?? [];
    assert.deepEqual(
      windows.map((w) => w.EvaluationType),
      ["SUMMARY", "COMPUTED", "COMPUTED", "COMPUTED"],
    );
    // The most recent window is the 14 days after the split 21 days before the end: days 119 to 132.
    assert.equal(windows[1]?.TestWindowStart?.getTime(), dayAt(DAYS - 21));
    assert.equal(windows[1]?.TestWindowEnd?.getTime(), dayAt(DAYS - 21 + 13));
    assert.equal(windows[2]?.TestWindowEnd?.getTime(), dayAt(DAYS - 21 - 1));
    assert.equal(windows[3]?.TestWindowStart?.getTime(), dayAt(DAYS - 21 - 28));
    const wape = windows[0]?.Metrics?.ErrorMetrics?.find((e) => e.ForecastType === "mean")?.WAPE ?? 1;
    assert.ok(wape < 0.2, `ETS forecasts a clean weekly pattern well (WAPE ${wape})`);

    const listed = await fc.send(new ListPredictorsCommand({}));
    assert.equal(listed.Predictors?.find((p) => p.PredictorArn === PredictorArn)?.IsAutoPredictor, false);

    const { ForecastArn } = await fc.send(
      new CreateForecastCommand({ ForecastName: "ets_forecast", PredictorArn }),
    );
    const forecast = await settled(
      () => fc.send(new DescribeForecastCommand({ ForecastArn })),
      "the forecast",
    );
    assert.equal(forecast.Status, "ACTIVE", forecast.Message);
    const answer = await query.send(
      new QueryForecastCommand({ ForecastArn, Filters: { item_id: "item_3" } }),
    );
    const p = answer.Forecast?.Predictions ?? {};
    assert.deepEqual(Object.keys(p).sort(), ["mean", "p10", "p50", "p90"]);
    assert.equal(p.p50?.length, 14);
    assert.equal(p.p50?.[0]?.Timestamp, new Date(dayAt(DAYS)).toISOString().slice(0, 19));
  });

  test("Prophet: trains as the Prophet member and reports its accuracy", async () => {
    const { PredictorArn } = await fc.send(
      new CreatePredictorCommand(request("shop_prophet", { AlgorithmArn: `${ALGORITHM}Prophet` })),
    );
    const d = await settled(
      () => fc.send(new DescribePredictorCommand({ PredictorArn })),
      "Prophet to train",
    );
    assert.equal(d.Status, "ACTIVE", d.Message);
    assert.equal(d.AlgorithmArn, `${ALGORITHM}Prophet`);
    assert.equal(d.PerformAutoML, false);
    assert.deepEqual(
      d.PredictorExecutionDetails?.PredictorExecutions?.map((e) => [e.AlgorithmArn, e.TestWindows?.length]),
      [[`${ALGORITHM}Prophet`, 1]],
    );

    const metrics = await fc.send(new GetAccuracyMetricsCommand({ PredictorArn }));
    const result = metrics.PredictorEvaluationResults?.[0];
    assert.equal(result?.AlgorithmArn, `${ALGORITHM}Prophet`);
    const windows = result?.TestWindows ?? [];
    assert.deepEqual(
      windows.map((w) => w.EvaluationType),
      ["SUMMARY", "COMPUTED"],
    );
    const summary = windows[0]?.Metrics;
    assert.deepEqual(
      summary?.WeightedQuantileLosses?.map((q) => q.Quantile),
      [0.1, 0.5, 0.9],
    );
    for (const q of summary?.WeightedQuantileLosses ?? []) {
      assert.ok(Number.isFinite(q.LossValue) && (q.LossValue as number) >= 0, `wQL ${q.Quantile}`);
    }
    // Prophet's weekly Fourier season fits the clean weekly pattern of the data.
    const wape = summary?.ErrorMetrics?.find((e) => e.ForecastType === "mean")?.WAPE ?? 1;
    assert.ok(wape < 0.2, `Prophet forecasts a clean weekly pattern well (WAPE ${wape})`);
  });

  test("Prophet: a related time series is one of its regressors", async () => {
    const s3 = h.s3();
    const csv = promotionCsvs();
    await s3.send(new PutObjectCommand({ Bucket: "train", Key: "promo/demand.csv", Body: csv.demand }));
    await s3.send(
      new PutObjectCommand({ Bucket: "train", Key: "promo/promotions.csv", Body: csv.promotions }),
    );
    const { DatasetGroupArn } = await fc.send(
      new CreateDatasetGroupCommand({ DatasetGroupName: "promo_shop", Domain: "RETAIL" }),
    );
    const datasets: string[] = [];
    for (const [type, column, key] of [
      ["TARGET_TIME_SERIES", "demand", "promo/demand.csv"],
      ["RELATED_TIME_SERIES", "promotion", "promo/promotions.csv"],
    ] as const) {
      datasets.push(
        await importDailyDataset(fc, {
          name: `promo_${column}`,
          type,
          fields: [`${column}:float`],
          path: `s3://train/${key}`,
          roleArn: h.roleArn(),
        }),
      );
    }
    await fc.send(new UpdateDatasetGroupCommand({ DatasetGroupArn, DatasetArns: datasets }));
    const { PredictorArn } = await fc.send(
      new CreatePredictorCommand(
        request("promo_prophet", {
          AlgorithmArn: `${ALGORITHM}Prophet`,
          InputDataConfig: { DatasetGroupArn },
        }),
      ),
    );
    const d = await settled(
      () => fc.send(new DescribePredictorCommand({ PredictorArn })),
      "Prophet to train",
    );
    assert.equal(d.Status, "ACTIVE", d.Message);
    // Known ahead, the promotions explain the demand: the backtest is nearly exact (seasonal naive is 25% off).
    const metrics = await fc.send(new GetAccuracyMetricsCommand({ PredictorArn }));
    const summary = metrics.PredictorEvaluationResults?.[0]?.TestWindows?.[0]?.Metrics;
    const wape = summary?.ErrorMetrics?.find((e) => e.ForecastType === "mean")?.WAPE ?? 1;
    assert.ok(wape < 0.05, `Prophet with the promotions as a regressor: WAPE ${wape}`);

    const { ForecastArn } = await fc.send(
      new CreateForecastCommand({ ForecastName: "promo_prophet_forecast", PredictorArn }),
    );
    const f = await settled(() => fc.send(new DescribeForecastCommand({ ForecastArn })), "the forecast");
    assert.equal(f.Status, "ACTIVE", f.Message);
    const answer = await query.send(
      new QueryForecastCommand({ ForecastArn, Filters: { item_id: "item_1" } }),
    );
    const median = answer.Forecast?.Predictions?.p50 ?? [];
    assert.equal(median.length, 14);
    median.forEach((point, j) => {
      const expected = 50 * (onPromotion(1, DAYS + j) ? 1.5 : 1);
      assert.ok(
        Math.abs((point.Value as number) - expected) < 2.5,
        `day ${j}: ${point.Value} vs ${expected}`,
      );
    });
  });

  test("PerformAutoML picks per series; CNN-QR runs as the global model", async () => {
    const automl = await fc.send(
      new CreatePredictorCommand(request("shop_automl", { AlgorithmArn: undefined, PerformAutoML: true })),
    );
    const cnn = await fc.send(
      new CreatePredictorCommand(
        request("shop_cnn", {
          AlgorithmArn: `${ALGORITHM}CNN-QR`,
          PerformHPO: true,
          EvaluationParameters: { NumberOfBacktestWindows: 2 },
        }),
      ),
    );

    const a = await settled(
      () => fc.send(new DescribePredictorCommand({ PredictorArn: automl.PredictorArn })),
      "AutoML to train",
    );
    assert.equal(a.Status, "ACTIVE", a.Message);
    assert.equal(a.PerformAutoML, true);
    assert.equal(a.AlgorithmArn, undefined);
    assert.deepEqual(a.EvaluationParameters, { NumberOfBacktestWindows: 1, BackTestWindowOffset: 14 });
    const chosen = a.AutoMLAlgorithmArns ?? [];
    assert.ok(chosen.length >= 1 && chosen.every((arn) => arn.startsWith(ALGORITHM)), chosen.join());
    // Members are named by Amazon's algorithm (Prophet, ETS) or the engine's capitalised name, never "prophet".
    assert.ok(
      chosen.every((arn) => /^[A-Z]/.test(arn.slice(ALGORITHM.length))),
      chosen.join(),
    );
    const executions = a.PredictorExecutionDetails?.PredictorExecutions ?? [];
    assert.deepEqual(
      executions.map((e) => e.AlgorithmArn),
      chosen.slice(0, 5),
    );
    assert.ok(executions.every((e) => e.TestWindows?.length === 1));
    const automlMetrics = await fc.send(new GetAccuracyMetricsCommand({ PredictorArn: automl.PredictorArn }));
    assert.equal(automlMetrics.PredictorEvaluationResults?.[0]?.TestWindows?.length, 2);

    const c = await settled(
      () => fc.send(new DescribePredictorCommand({ PredictorArn: cnn.PredictorArn })),
      "CNN-QR to train",
    );
    assert.equal(c.Status, "ACTIVE", c.Message);
    assert.equal(c.PerformHPO, true);
    assert.deepEqual(
      c.PredictorExecutionDetails?.PredictorExecutions?.map((e) => [e.AlgorithmArn, e.TestWindows?.length]),
      [[`${ALGORITHM}CNN-QR`, 2]],
    );
    const { ForecastArn } = await fc.send(
      new CreateForecastCommand({ ForecastName: "cnn_forecast", PredictorArn: cnn.PredictorArn }),
    );
    const forecast = await settled(
      () => fc.send(new DescribeForecastCommand({ ForecastArn })),
      "the forecast",
    );
    assert.equal(forecast.Status, "ACTIVE", forecast.Message);
    const answer = await query.send(
      new QueryForecastCommand({ ForecastArn, Filters: { item_id: "item_5" } }),
    );
    assert.equal(answer.Forecast?.Predictions?.p50?.length, 14);
  });

  test("DescribePredictor answers for an AutoPredictor too", async () => {
    const { PredictorArn } = await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: "shop_auto",
        ForecastHorizon: 7,
        ForecastFrequency: "D",
        DataConfig: {
          DatasetGroupArn: groupArn,
          AdditionalDatasets: [{ Name: "holiday", Configuration: { CountryCode: ["US"] } }],
        },
      }),
    );
    const d = await settled(
      () => fc.send(new DescribePredictorCommand({ PredictorArn })),
      "the AutoPredictor to train",
    );
    assert.equal(d.Status, "ACTIVE", d.Message);
    assert.equal(d.IsAutoPredictor, true);
    assert.equal(d.ForecastHorizon, 7);
    assert.deepEqual(d.InputDataConfig, {
      DatasetGroupArn: groupArn,
      SupplementaryFeatures: [{ Name: "holiday", Value: "US" }],
    });
    assert.equal(d.FeaturizationConfig?.ForecastFrequency, "D");
    assert.equal(d.EvaluationParameters?.NumberOfBacktestWindows, 3);
    assert.equal(d.AlgorithmArn, undefined);
  });
});
