// OptimizationMetric MAPE through the AWS SDK: the predictor's point forecast (the "mean" forecast type) is the
// combination's median, below the mean where the members' forecasts are skewed to the right, its quantiles are
// the default predictor's, and GetAccuracyMetrics reports the MAPE of that point (docs/decisions.md, "The point
// forecast of an AutoPredictor optimised for MAPE").
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateAutoPredictorCommand,
  DescribeAutoPredictorCommand,
  type ForecastClient,
  GetAccuracyMetricsCommand,
} from "@aws-sdk/client-forecast";
import { type ForecastqueryClient, QueryForecastCommand } from "@aws-sdk/client-forecastquery";
import { activeForecast, settled } from "./harness.js";
import { type Shop, startShop } from "./shop-data.js";

describe("an AutoPredictor optimised for MAPE", () => {
  let shop: Shop;
  let fc: ForecastClient;
  let query: ForecastqueryClient;
  before(async () => {
    shop = await startShop();
    ({ fc, query } = shop);
  });
  after(async () => shop.close());

  /** Trains a predictor with the metric (default: none given), forecasts, and reads its accuracy and item_3. */
  async function trained(name: string, metric?: "MAPE") {
    const { PredictorArn } = await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: name,
        ForecastHorizon: 14,
        ForecastFrequency: "D",
        ForecastTypes: ["0.1", "0.5", "0.9", "mean"],
        DataConfig: { DatasetGroupArn: shop.groupArn },
        ...(metric ? { OptimizationMetric: metric } : {}),
      }),
    );
    const predictor = await settled(
      () => fc.send(new DescribeAutoPredictorCommand({ PredictorArn })),
      `the predictor ${name}`,
    );
    assert.equal(predictor.Status, "ACTIVE", predictor.Message);
    assert.equal(predictor.OptimizationMetric, metric ?? "AverageWeightedQuantileLoss");
    const accuracy = await fc.send(new GetAccuracyMetricsCommand({ PredictorArn }));
    const summary = accuracy.PredictorEvaluationResults?.[0]?.TestWindows?.[0]?.Metrics;
    const mapeOf = (type: string) => summary?.ErrorMetrics?.find((e) => e.ForecastType === type)?.MAPE;
    const ForecastArn = await activeForecast(fc, `${name}_forecast`, PredictorArn as string);
    const answer = await query.send(
      new QueryForecastCommand({ ForecastArn, Filters: { item_id: "item_3" } }),
    );
    const p = answer.Forecast?.Predictions ?? {};
    const values = (k: string) => (p[k] ?? []).map((d) => d.Value as number);
    return {
      mean: values("mean"),
      quantiles: ["p10", "p50", "p90"].map(values),
      mape: { mean: mapeOf("mean"), median: mapeOf("0.5") },
      wql: summary?.WeightedQuantileLosses,
    };
  }

  test("its mean is the median, below the default's mean; the quantiles and the default are as before", async () => {
    const plain = await trained("shop_default");
    const mape = await trained("shop_mape", "MAPE");
    assert.equal(mape.mean.length, 14);
    assert.deepEqual(mape.quantiles, plain.quantiles, "the quantiles do not depend on the point");
    assert.deepEqual(mape.wql, plain.wql);
    const median = mape.quantiles[1] as number[];
    mape.mean.forEach((v, t) => {
      assert.ok(Math.abs(v - (median[t] as number)) <= 1e-9 * Math.abs(v), `step ${t}: ${v} vs ${median[t]}`);
    });
    // The default keeps the combination's mean, which is not its median here, and lies above it on the whole.
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    assert.ok(plain.mean.some((v, t) => Math.abs(v - (median[t] as number)) > 1e-6 * Math.abs(v)));
    assert.ok(sum(mape.mean) < sum(plain.mean), `${sum(mape.mean)} < ${sum(plain.mean)}`);
    // The accuracy reported is the point's: the mean type's MAPE is the median's, which both predictors share.
    assert.equal(mape.mape.mean, mape.mape.median);
    assert.equal(mape.mape.median, plain.mape.median);
    assert.notEqual(plain.mape.mean, plain.mape.median);
  });
});
