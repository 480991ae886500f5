import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateAutoPredictorCommand,
  CreateForecastCommand,
  CreateForecastExportJobCommand,
  CreatePredictorBacktestExportJobCommand,
  DeletePredictorCommand,
  DescribeAutoPredictorCommand,
  DescribeForecastCommand,
  DescribeForecastExportJobCommand,
  DescribePredictorBacktestExportJobCommand,
  type ForecastClient,
  GetAccuracyMetricsCommand,
  ListForecastsCommand,
  ListPredictorsCommand,
} from "@aws-sdk/client-forecast";
import { type ForecastqueryClient, QueryForecastCommand } from "@aws-sdk/client-forecastquery";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { type Harness, settled } from "./harness.js";
import { DAY, DAYS, type Shop, START, startShop } from "./shop-data.js";

describe("AutoPredictor, forecast and QueryForecast", () => {
  let h: Harness;
  let s3: S3Client;
  /** Reads every CSV part under a prefix of the "train" bucket (each with its header row). */
  const readCsvParts = async (prefix: string): Promise<Record<string, string>[]> => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "train", Prefix: prefix }));
    const rows: Record<string, string>[] = [];
    for (const o of listed.Contents ?? []) {
      assert.match(o.Key as string, /_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z_part\d+\.csv$/);
      const text =
        (await (
          await s3.send(new GetObjectCommand({ Bucket: "train", Key: o.Key }))
        ).Body?.transformToString()) ?? "";
      const [header, ...lines] = text.trim().split("\n");
      const names = (header as string).split(",");
      for (const line of lines)
        rows.push(Object.fromEntries(line.split(",").map((v, i) => [names[i] as string, v])));
    }
    return rows;
  };
  let fc: ForecastClient;
  let query: ForecastqueryClient;
  let groupArn = "";
  let shop: Shop;
  before(async () => {
    shop = await startShop();
    ({ h, fc, query, groupArn } = shop);
    s3 = shop.s3;
  });
  after(async () => shop.close());

  test("bad configurations are refused up front", async () => {
    await assert.rejects(
      fc.send(
        new CreateAutoPredictorCommand({
          PredictorName: "too_fine",
          ForecastHorizon: 7,
          ForecastFrequency: "H",
          DataConfig: { DatasetGroupArn: groupArn },
        }),
      ),
      { name: "InvalidInputException" },
    );
    await assert.rejects(
      fc.send(
        new CreateAutoPredictorCommand({
          PredictorName: "bad_type",
          ForecastHorizon: 7,
          ForecastFrequency: "D",
          ForecastTypes: ["0.5", "0.0"],
          DataConfig: { DatasetGroupArn: groupArn },
        }),
      ),
      { name: "InvalidInputException" },
    );
    await assert.rejects(
      fc.send(
        new CreateAutoPredictorCommand({
          PredictorName: "bad_dim",
          ForecastHorizon: 7,
          ForecastFrequency: "D",
          ForecastDimensions: ["store"],
          DataConfig: { DatasetGroupArn: groupArn },
        }),
      ),
      { name: "InvalidInputException" },
    );
  });

  test("train, measure, forecast and query", async () => {
    const { PredictorArn } = await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: "shop_predictor",
        ForecastHorizon: 14,
        ForecastFrequency: "D",
        ForecastTypes: ["0.1", "0.5", "0.9", "mean"],
        DataConfig: { DatasetGroupArn: groupArn },
      }),
    );
    const predictor = await settled(
      () => fc.send(new DescribeAutoPredictorCommand({ PredictorArn })),
      "the predictor to train",
    );
    assert.equal(predictor.Status, "ACTIVE", predictor.Message);
    assert.equal(predictor.DatasetImportJobArns?.length, 1);
    assert.equal(predictor.OptimizationMetric, "AverageWeightedQuantileLoss");

    const metrics = await fc.send(new GetAccuracyMetricsCommand({ PredictorArn }));
    assert.equal(metrics.IsAutoPredictor, true);
    const windows = metrics.PredictorEvaluationResults?.[0]?.TestWindows ?? [];
    assert.equal(windows[0]?.EvaluationType, "SUMMARY");
    assert.ok(windows.length >= 2);
    const summary = windows[0]?.Metrics;
    assert.equal(summary?.WeightedQuantileLosses?.length, 3);
    const wape = summary?.ErrorMetrics?.find((e) => e.ForecastType === "mean")?.WAPE ?? 1;
    assert.ok(wape < 0.15, `a clean weekly pattern is forecast well (WAPE ${wape})`);
    assert.equal(windows[1]?.ItemCount, 12);

    const listed = await fc.send(
      new ListPredictorsCommand({ Filters: [{ Key: "DatasetGroupArn", Value: groupArn, Condition: "IS" }] }),
    );
    assert.equal(listed.Predictors?.[0]?.IsAutoPredictor, true);

    const { ForecastArn } = await fc.send(
      new CreateForecastCommand({ ForecastName: "shop_forecast", PredictorArn }),
    );
    const forecast = await settled(
      () => fc.send(new DescribeForecastCommand({ ForecastArn })),
      "the forecast",
    );
    assert.equal(forecast.Status, "ACTIVE", forecast.Message);
    assert.deepEqual(forecast.ForecastTypes, ["0.1", "0.5", "0.9", "mean"]);
    assert.equal((await fc.send(new ListForecastsCommand({}))).Forecasts?.length, 1);

    const answer = await query.send(
      new QueryForecastCommand({ ForecastArn, Filters: { item_id: "item_3" } }),
    );
    const p = answer.Forecast?.Predictions ?? {};
    assert.deepEqual(Object.keys(p).sort(), ["mean", "p10", "p50", "p90"]);
    assert.equal(p.p50?.length, 14);
    assert.equal(p.p50?.[0]?.Timestamp, new Date(START + DAYS * DAY).toISOString().slice(0, 19));
    for (let t = 0; t < 14; t++) {
      const [lo, mid, hi] = [p.p10?.[t]?.Value, p.p50?.[t]?.Value, p.p90?.[t]?.Value] as number[];
      assert.ok(
        (lo as number) <= (mid as number) && (mid as number) <= (hi as number),
        `quantiles ordered at ${t}`,
      );
      assert.ok((lo as number) >= 0, "non-negative data gives non-negative quantiles");
    }
    const cut = await query.send(
      new QueryForecastCommand({
        ForecastArn,
        Filters: { item_id: "item_3" },
        StartDate: p.p50?.[2]?.Timestamp,
        EndDate: p.p50?.[4]?.Timestamp,
      }),
    );
    assert.equal(cut.Forecast?.Predictions?.p50?.length, 3);
    await assert.rejects(
      query.send(new QueryForecastCommand({ ForecastArn, Filters: { item_id: "nope" } })),
      {
        name: "ResourceNotFoundException",
      },
    );
    await assert.rejects(fc.send(new DeletePredictorCommand({ PredictorArn })), {
      name: "ResourceInUseException",
    });

    // Forecast export: CSV parts with the key, date and one column per forecast type.
    const { ForecastExportJobArn } = await fc.send(
      new CreateForecastExportJobCommand({
        ForecastExportJobName: "shop_export",
        ForecastArn,
        Destination: { S3Config: { Path: "s3://train/exports/forecast", RoleArn: h.roleArn() } },
      }),
    );
    const exported = await settled(
      () => fc.send(new DescribeForecastExportJobCommand({ ForecastExportJobArn })),
      "the forecast export",
    );
    assert.equal(exported.Status, "ACTIVE", exported.Message);
    const forecastRows = await readCsvParts("exports/forecast/");
    assert.deepEqual(Object.keys(forecastRows[0] as object), [
      "item_id",
      "date",
      "p10",
      "p50",
      "p90",
      "mean",
    ]);
    assert.equal(forecastRows.length, 12 * 14);

    // Backtest export: two folders, forecasted values and accuracy metrics.
    const { PredictorBacktestExportJobArn } = await fc.send(
      new CreatePredictorBacktestExportJobCommand({
        PredictorBacktestExportJobName: "shop_backtest",
        PredictorArn,
        Format: "PARQUET",
        Destination: { S3Config: { Path: "s3://train/exports/backtest/", RoleArn: h.roleArn() } },
      }),
    );
    const backtest = await settled(
      () => fc.send(new DescribePredictorBacktestExportJobCommand({ PredictorBacktestExportJobArn })),
      "the backtest export",
    );
    assert.equal(backtest.Status, "ACTIVE", backtest.Message);
    const objects = await s3.send(new ListObjectsV2Command({ Bucket: "train", Prefix: "exports/backtest/" }));
    const keys = (objects.Contents ?? []).map((o) => o.Key as string);
    const named = (folder: string) =>
      new RegExp(
        `^exports/backtest/${folder}/shop_backtest_\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}Z_part0\\.parquet$`,
      );
    assert.ok(
      keys.some((k) => named("forecasted-values").test(k)),
      keys.join(", "),
    );
    assert.ok(
      keys.some((k) => named("accuracy-metrics-values").test(k)),
      keys.join(", "),
    );
  });
});
