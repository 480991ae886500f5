/**
 * What the retail benchmarks (retail-bench, retail-accuracy) do alike with AWS's retail sample through the public
 * API: its two files imported into a dataset group, and the AutoPredictor they train on it.
 */
import path from "node:path";
import {
  CreateAutoPredictorCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  DescribeAutoPredictorCommand,
  type DescribeAutoPredictorCommandOutput,
  DescribeDatasetImportJobCommand,
  type ForecastClient,
  UpdateDatasetGroupCommand,
} from "@aws-sdk/client-forecast";
import { createDailyDataset, untilActive } from "../../test/e2e/harness.js";

export const RETAIL_DIR =
  process.env.OPENFORECAST_RETAIL_DIR ?? path.resolve("../shared/data/retail-samples");

/** The months the predictors forecast. */
export const RETAIL_HORIZON = 3;

/** How long one stage (an import, training, …) may take on the full sample. */
export const STAGE_TIMEOUT_MS = 1_800_000;

/** The first `items` items of the sample (item_001 …), all their stores. */
export function firstItems(items: number): Set<string> {
  return new Set(Array.from({ length: items }, (_, i) => `item_${String(i + 1).padStart(3, "0")}`));
}

/**
 * Imports s3://`bucket`/tts.csv (item_id, store_id, timestamp, demand) and rts.csv (…, price) into monthly
 * datasets `${name}_demand` and `${name}_price` of a new group `name`; resolves with the group's ARN once both
 * imports are ACTIVE.
 */
export async function importRetailSample(
  fc: ForecastClient,
  options: { name: string; bucket: string; roleArn: string },
): Promise<string> {
  const group = (
    await fc.send(new CreateDatasetGroupCommand({ DatasetGroupName: options.name, Domain: "RETAIL" }))
  ).DatasetGroupArn as string;
  const arns: string[] = [];
  for (const [type, field, key] of [
    ["TARGET_TIME_SERIES", "demand", "tts.csv"],
    ["RELATED_TIME_SERIES", "price", "rts.csv"],
  ] as const) {
    const DatasetArn = await createDailyDataset(fc, {
      name: `${options.name}_${field}`,
      type,
      fields: [`${field}:float`],
      dimensions: ["store_id"],
      frequency: "M",
    });
    const { DatasetImportJobArn } = await fc.send(
      new CreateDatasetImportJobCommand({
        DatasetImportJobName: `import_${field}`,
        DatasetArn,
        TimestampFormat: "yyyy-MM-dd",
        DataSource: { S3Config: { Path: `s3://${options.bucket}/${key}`, RoleArn: options.roleArn } },
      }),
    );
    await untilActive(
      () => fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn })),
      `import ${field}`,
      STAGE_TIMEOUT_MS,
    );
    arns.push(DatasetArn);
  }
  await fc.send(new UpdateDatasetGroupCommand({ DatasetGroupArn: group, DatasetArns: arns }));
  return group;
}

/** Trains an AutoPredictor with ExplainPredictor and store_id as a forecast dimension; resolves when ACTIVE. */
export async function trainRetailPredictor(
  fc: ForecastClient,
  name: string,
  group: string,
): Promise<DescribeAutoPredictorCommandOutput & { PredictorArn: string }> {
  const { PredictorArn } = await fc.send(
    new CreateAutoPredictorCommand({
      PredictorName: name,
      ForecastHorizon: RETAIL_HORIZON,
      ForecastFrequency: "M",
      ForecastDimensions: ["store_id"],
      DataConfig: { DatasetGroupArn: group },
      ExplainPredictor: true,
    }),
  );
  const predictor = await untilActive(
    () => fc.send(new DescribeAutoPredictorCommand({ PredictorArn })),
    "training",
    STAGE_TIMEOUT_MS,
  );
  return { ...predictor, PredictorArn: PredictorArn as string };
}
