// A small data set with known drivers, for the console tests: demand falls with price, rises with promotions and
// follows a weekly season; noise_feature has no effect. Small enough (8 items x 120 days, horizon 7) to train in
// seconds. The same idea as test/e2e/driver-data.ts, scaled down.

import {
  CreateAutoPredictorCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  DescribeAutoPredictorCommand,
  DescribeExplainabilityCommand,
  type ForecastClient,
  UpdateDatasetGroupCommand,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { eventually, waitForImport } from "../e2e/harness.js";

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
export const ITEMS = 8;
export const DAYS = 120;
export const HORIZON = 7;
/** The related time series' attributes: what the explainability's charts have one bar each for. */
export const ATTRIBUTES = ["price", "promo", "noise_feature"] as const;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function generateConsoleData(): { target: string; related: string } {
  const r = rng(11);
  const weekly = [1, 0.95, 0.95, 1, 1.1, 1.3, 1.25];
  const target: string[] = ["item_id,timestamp,demand"];
  const related: string[] = ["item_id,timestamp,price,promo,noise_feature"];
  for (let i = 0; i < ITEMS; i++) {
    const base = 40 + 6 * i;
    for (let d = 0; d < DAYS + HORIZON; d++) {
      const day = new Date(START + d * DAY).toISOString().slice(0, 10);
      const price = 10 + (r() - 0.5) * 6;
      const promo = r() < 0.15 ? 1 : 0;
      const noise = r() * 100;
      related.push(`item_${i},${day} 00:00:00,${price.toFixed(2)},${promo},${noise.toFixed(1)}`);
      if (d < DAYS) {
        const demand =
          base * (weekly[d % 7] as number) * (1 - (0.6 * (price - 10)) / 10) + 25 * promo + (r() - 0.5) * 4;
        target.push(`item_${i},${day} 00:00:00,${Math.max(0, demand).toFixed(2)}`);
      }
    }
  }
  return { target: `${target.join("\n")}\n`, related: `${related.join("\n")}\n` };
}

const settled = (status?: string) => ["ACTIVE", "CREATE_FAILED", "CREATE_STOPPED"].includes(status as string);

/**
 * Through the public API: uploads the data, creates the dataset group, datasets, imports and an AutoPredictor
 * with ExplainPredictor (which creates an explainability with EnableVisualization); resolves when both are ACTIVE.
 */
export async function setupConsolePredictor(
  fc: ForecastClient,
  s3: S3Client,
  roleArn: string,
  bucket: string,
): Promise<{ predictorArn: string; explainabilityArn: string }> {
  const data = generateConsoleData();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "target.csv", Body: data.target }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "related.csv", Body: data.related }));
  const groupArn = (
    await fc.send(new CreateDatasetGroupCommand({ DatasetGroupName: "console_demo", Domain: "RETAIL" }))
  ).DatasetGroupArn as string;
  const datasets: string[] = [];
  for (const [name, type, attrs, key] of [
    ["console_target", "TARGET_TIME_SERIES", [["demand", "float"]], "target.csv"],
    [
      "console_related",
      "RELATED_TIME_SERIES",
      [
        ["price", "float"],
        ["promo", "integer"],
        ["noise_feature", "float"],
      ],
      "related.csv",
    ],
  ] as const) {
    const { DatasetArn } = await fc.send(
      new CreateDatasetCommand({
        DatasetName: name,
        Domain: "RETAIL",
        DatasetType: type,
        DataFrequency: "D",
        Schema: {
          Attributes: [
            { AttributeName: "item_id", AttributeType: "string" },
            { AttributeName: "timestamp", AttributeType: "timestamp" },
            ...attrs.map(([n, t]) => ({ AttributeName: n, AttributeType: t })),
          ],
        },
      }),
    );
    const job = await fc.send(
      new CreateDatasetImportJobCommand({
        DatasetImportJobName: `${name}_import`,
        DatasetArn,
        DataSource: { S3Config: { Path: `s3://${bucket}/${key}`, RoleArn: roleArn } },
      }),
    );
    const imported = await waitForImport(fc, job.DatasetImportJobArn as string);
    if (imported.Status !== "ACTIVE") throw new Error(`import failed: ${imported.Message}`);
    datasets.push(DatasetArn as string);
  }
  await fc.send(new UpdateDatasetGroupCommand({ DatasetGroupArn: groupArn, DatasetArns: datasets }));
  const predictorArn = (
    await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: "console_predictor",
        ForecastHorizon: HORIZON,
        ForecastFrequency: "D",
        DataConfig: { DatasetGroupArn: groupArn },
        ExplainPredictor: true,
      }),
    )
  ).PredictorArn as string;
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
  return { predictorArn, explainabilityArn };
}

/** Waits until `describe` reports a settled status and returns that description. */
export function settle<T extends { Status?: string }>(describe: () => Promise<T>, what: string): Promise<T> {
  return eventually(
    async () => {
      const d = await describe();
      return settled(d.Status) ? d : undefined;
    },
    240_000,
    what,
  );
}
