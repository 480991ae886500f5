// Data with known drivers for the what-if tests (driver-data.ts's generator, smaller) and its setup through the
// public API: datasets, imports, an AutoPredictor without explainability, and a forecast.

import {
  CreateAutoPredictorCommand,
  CreateDatasetGroupCommand,
  CreateForecastCommand,
  DescribeAutoPredictorCommand,
  DescribeForecastCommand,
  type ForecastClient,
  UpdateDatasetGroupCommand,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { type DriverShape, generateDriverData } from "./driver-data.js";
import { importDailyDataset, untilActive } from "./harness.js";

export const WHAT_IF_SHAPE: DriverShape = {
  start: Date.UTC(2023, 0, 2),
  items: 8,
  days: 120,
  horizon: 7,
  seed: 11,
  name: "whatif",
};

/** The generated related data, by item and day: price and promo. */
export function relatedByItem(related: string): Map<string, Map<string, { price: number; promo: number }>> {
  const out = new Map<string, Map<string, { price: number; promo: number }>>();
  for (const line of related.trim().split("\n").slice(1)) {
    const [item, ts, price, promo] = line.split(",") as [string, string, string, string];
    let days = out.get(item);
    if (!days) {
      days = new Map();
      out.set(item, days);
    }
    days.set(`${ts.slice(0, 10)}T00:00:00`, { price: Number(price), promo: Number(promo) });
  }
  return out;
}

/** The data's datasets, imports, an AutoPredictor (no explainability) and a forecast, all ACTIVE. */
export async function setupWhatIfForecast(
  fc: ForecastClient,
  s3: S3Client,
  roleArn: string,
  bucket: string,
  shape: DriverShape,
): Promise<{ predictorArn: string; forecastArn: string; related: string }> {
  const data = generateDriverData(shape);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "in/target.csv", Body: data.target }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "in/related.csv", Body: data.related }));
  const groupArn = (
    await fc.send(new CreateDatasetGroupCommand({ DatasetGroupName: shape.name, Domain: "RETAIL" }))
  ).DatasetGroupArn as string;
  const datasets: string[] = [];
  for (const [name, type, fields, key] of [
    [`${shape.name}_target`, "TARGET_TIME_SERIES", ["demand:float"], "in/target.csv"],
    [
      `${shape.name}_related`,
      "RELATED_TIME_SERIES",
      ["price:float", "promo:integer", "noise_feature:float"],
      "in/related.csv",
    ],
  ] as const) {
    datasets.push(
      await importDailyDataset(fc, {
        name,
        type,
        fields,
        path: `s3://${bucket}/${key}`,
        roleArn,
        frequency: "D",
      }),
    );
  }
  await fc.send(new UpdateDatasetGroupCommand({ DatasetGroupArn: groupArn, DatasetArns: datasets }));
  const predictorArn = (
    await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: `${shape.name}_predictor`,
        ForecastHorizon: shape.horizon,
        ForecastFrequency: "D",
        DataConfig: { DatasetGroupArn: groupArn },
      }),
    )
  ).PredictorArn as string;
  await untilActive(
    () => fc.send(new DescribeAutoPredictorCommand({ PredictorArn: predictorArn })),
    "training",
    900_000,
  );
  const forecastArn = (
    await fc.send(
      new CreateForecastCommand({ ForecastName: `${shape.name}_forecast`, PredictorArn: predictorArn }),
    )
  ).ForecastArn as string;
  await untilActive(() => fc.send(new DescribeForecastCommand({ ForecastArn: forecastArn })), "forecast");
  return { predictorArn, forecastArn, related: data.related };
}
