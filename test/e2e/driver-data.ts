// Data with known drivers for explainability tests: demand falls with price, rises with promotions, follows a
// weekly season; noise_feature has no effect. Related data covers the forecast horizon.

import {
  CreateAutoPredictorCommand,
  CreateDatasetGroupCommand,
  DescribeAutoPredictorCommand,
  DescribeExplainabilityCommand,
  type ForecastClient,
  UpdateDatasetGroupCommand,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { eventually, importDailyDataset } from "./harness.js";

const DAY = 86_400_000;
/** The size and naming of one generated data set; tests that need a smaller one pass their own. */
export interface DriverShape {
  start: number;
  items: number;
  days: number;
  horizon: number;
  seed: number;
  /** Prefix of the dataset group, dataset and predictor names. */
  name: string;
}

export const DRIVER_SHAPE: DriverShape = {
  start: Date.UTC(2023, 0, 2),
  items: 24,
  days: 180,
  horizon: 14,
  seed: 7,
  name: "drivers",
};
export const START = DRIVER_SHAPE.start;
export const ITEMS = DRIVER_SHAPE.items;
export const DAYS = DRIVER_SHAPE.days;
export const HORIZON = DRIVER_SHAPE.horizon;

/** A seeded generator, so the data (and the test) are the same every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Demand driven by price (down), promotion (up) and a weekly season; `noise_feature` has no effect. */
export function generateDriverData(shape: DriverShape = DRIVER_SHAPE): { target: string; related: string } {
  const { start, items, days, horizon } = shape;
  const r = rng(shape.seed);
  const weekly = [1, 0.95, 0.95, 1, 1.1, 1.3, 1.25];
  const target: string[] = ["item_id,timestamp,demand"];
  const related: string[] = ["item_id,timestamp,price,promo,noise_feature"];
  for (let i = 0; i < items; i++) {
    const base = 40 + 5 * i;
    for (let d = 0; d < days + horizon; d++) {
      const day = new Date(start + d * DAY).toISOString().slice(0, 10);
      const price = 10 + (r() - 0.5) * 6;
      const promo = r() < 0.15 ? 1 : 0;
      const noise = r() * 100;
      related.push(`item_${i},${day} 00:00:00,${price.toFixed(2)},${promo},${noise.toFixed(1)}`);
      if (d < days) {
        const demand =
          base * (weekly[d % 7] as number) * (1 - (0.6 * (price - 10)) / 10) + 25 * promo + (r() - 0.5) * 4;
        target.push(`item_${i},${day} 00:00:00,${Math.max(0, demand).toFixed(2)}`);
      }
    }
  }
  return { target: `${target.join("\n")}\n`, related: `${related.join("\n")}\n` };
}

/**
 * Through the public API: uploads the driver data, creates the dataset group, datasets and imports, and an
 * AutoPredictor with ExplainPredictor; resolves when the predictor and its explainability are ACTIVE.
 */
export async function setupDriverPredictor(
  fc: ForecastClient,
  s3: S3Client,
  roleArn: string,
  bucket: string,
  shape: DriverShape = DRIVER_SHAPE,
): Promise<{ groupArn: string; predictorArn: string; explainabilityArn: string }> {
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
      await importDailyDataset(fc, { name, type, fields, path: `s3://${bucket}/${key}`, roleArn }),
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
        ExplainPredictor: true,
      }),
    )
  ).PredictorArn as string;
  const settled = (status?: string) =>
    ["ACTIVE", "CREATE_FAILED", "CREATE_STOPPED"].includes(status as string);
  const predictor = await eventually(
    async () => {
      const d = await fc.send(new DescribeAutoPredictorCommand({ PredictorArn: predictorArn }));
      return settled(d.Status) ? d : undefined;
    },
    240_000,
    "training",
  );
  if (predictor.Status !== "ACTIVE") throw new Error(`training failed: ${predictor.Message}`);
  const explainabilityArn = predictor.ExplainabilityInfo?.ExplainabilityArn as string;
  const explainability = await eventually(
    async () => {
      const d = await fc.send(new DescribeExplainabilityCommand({ ExplainabilityArn: explainabilityArn }));
      return settled(d.Status) ? d : undefined;
    },
    240_000,
    "the predictor's explainability",
  );
  if (explainability.Status !== "ACTIVE") throw new Error(`explainability failed: ${explainability.Message}`);
  return { groupArn, predictorArn, explainabilityArn };
}
