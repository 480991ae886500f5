// A small data set with known drivers for the console tests: the data of test/e2e/driver-data.ts at a size that
// trains in seconds (8 items x 120 days, horizon 7).

import type { ForecastClient } from "@aws-sdk/client-forecast";
import type { S3Client } from "@aws-sdk/client-s3";
import { type DriverShape, setupDriverPredictor } from "../e2e/driver-data.js";
import { eventually } from "../e2e/harness.js";

const CONSOLE_SHAPE: DriverShape = {
  start: Date.UTC(2024, 0, 1),
  items: 8,
  days: 120,
  horizon: 7,
  seed: 11,
  name: "console",
};
export const ITEMS = CONSOLE_SHAPE.items;
/** The related time series' attributes: what the explainability's charts have one bar each for. */
export const ATTRIBUTES = ["price", "promo", "noise_feature"] as const;

/**
 * Through the public API: the data, dataset group, datasets, imports and an AutoPredictor with ExplainPredictor
 * (which creates an explainability with EnableVisualization); resolves when both are ACTIVE.
 */
export async function setupConsolePredictor(
  fc: ForecastClient,
  s3: S3Client,
  roleArn: string,
  bucket: string,
): Promise<{ predictorArn: string; explainabilityArn: string }> {
  const { predictorArn, explainabilityArn } = await setupDriverPredictor(
    fc,
    s3,
    roleArn,
    bucket,
    CONSOLE_SHAPE,
  );
  return { predictorArn, explainabilityArn };
}

const settled = (status?: string) => ["ACTIVE", "CREATE_FAILED", "CREATE_STOPPED"].includes(status as string);

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
