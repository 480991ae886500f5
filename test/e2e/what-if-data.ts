// Data with known drivers for the what-if tests (driver-data.ts's generator, smaller) and its setup through the
// public API: datasets, imports, an AutoPredictor without explainability, and a forecast.

import {
  CreateAutoPredictorCommand,
  CreateForecastCommand,
  DescribeAutoPredictorCommand,
  DescribeForecastCommand,
  type ForecastClient,
} from "@aws-sdk/client-forecast";
import type { S3Client } from "@aws-sdk/client-s3";
import { type DriverShape, generateDriverData, importPredictorData } from "./driver-data.js";
import { untilActive } from "./harness.js";

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
  const groupArn = await importPredictorData(fc, s3, roleArn, bucket, {
    name: shape.name,
    frequency: "D",
    target: data.target,
    related: data.related,
    relatedFields: ["price:float", "promo:integer", "noise_feature:float"],
  });
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
