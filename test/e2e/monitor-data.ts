// Data and independent metric formulas for the predictor monitoring tests. The formulas are written here from
// Amazon's metric definitions, not taken from the service's code, so the tests check the service against them.

import {
  CreateDatasetImportJobCommand,
  DescribeMonitorCommand,
  type ForecastClient,
} from "@aws-sdk/client-forecast";
import { type ForecastqueryClient, QueryForecastCommand } from "@aws-sdk/client-forecastquery";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { eventually, waitForImport } from "./harness.js";

export const DAY = 86_400_000;
export const START = Date.UTC(2024, 0, 1);
export const ITEMS = 4;
export const HORIZON = 7;

/** Demand of item i on day d: weekly season, a level per item, and after day 60 a lift the predictor never saw. */
export function demandAt(i: number, d: number): number {
  const lift = d >= 60 ? 4 + (d % 3) : 0;
  return Number((20 + 3 * i + 5 * Math.sin((2 * Math.PI * d) / 7) + ((i * 7 + d * 3) % 5) + lift).toFixed(2));
}

/** `extra` more items (other_0, ...) than the forecast knows make the data, and so an evaluation, bigger. */
export function demandCsv(days: number, extra = 0): string {
  const lines: string[] = [];
  for (let k = 0; k < extra; k++) {
    for (let d = 0; d < days; d++) {
      lines.push(
        `other_${k},${new Date(START + d * DAY).toISOString().slice(0, 10)} 00:00:00,${10 + (k % 7) + (d % 5)}`,
      );
    }
  }
  for (let i = 0; i < ITEMS; i++) {
    for (let d = 0; d < days; d++) {
      lines.push(
        `item_${i},${new Date(START + d * DAY).toISOString().slice(0, 10)} 00:00:00,${demandAt(i, d)}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Uploads the first `days` days and imports them (FULL) into the target dataset; waits for ACTIVE. */
export async function importDays(
  fc: ForecastClient,
  s3: S3Client,
  options: { bucket: string; datasetArn: string; days: number; roleArn: string },
): Promise<string> {
  const key = `demand_${options.days}.csv`;
  await s3.send(new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: demandCsv(options.days) }));
  const job = await fc.send(
    new CreateDatasetImportJobCommand({
      DatasetImportJobName: `days_${options.days}`,
      DatasetArn: options.datasetArn,
      DataSource: { S3Config: { Path: `s3://${options.bucket}/${key}`, RoleArn: options.roleArn } },
    }),
  );
  const done = await waitForImport(fc, job.DatasetImportJobArn as string);
  if (done.Status !== "ACTIVE") throw new Error(`import of ${options.days} days: ${done.Message}`);
  return job.DatasetImportJobArn as string;
}

/** Waits until the monitor has no evaluation running or waiting. */
export async function evaluationsIdle(fc: ForecastClient, MonitorArn: string): Promise<void> {
  await eventually(
    async () => {
      const d = await fc.send(new DescribeMonitorCommand({ MonitorArn }));
      return d.EstimatedEvaluationTimeRemainingInMinutes === 0 ? true : undefined;
    },
    120_000,
    "the monitor's evaluations to finish",
  );
}

export interface SeriesForecastValues {
  mean: number[];
  quantiles: Record<string, number[]>;
}

/** A forecast's values for every item, through QueryForecast (what a user sees). */
export async function forecastValues(
  query: ForecastqueryClient,
  ForecastArn: string,
): Promise<SeriesForecastValues[]> {
  const out: SeriesForecastValues[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const answer = await query.send(
      new QueryForecastCommand({ ForecastArn, Filters: { item_id: `item_${i}` } }),
    );
    const p = answer.Forecast?.Predictions ?? {};
    const values = (k: string) => (p[k] ?? []).map((x) => x.Value as number);
    out.push({
      mean: values("mean"),
      quantiles: { "0.1": values("p10"), "0.5": values("p50"), "0.9": values("p90") },
    });
  }
  return out;
}

/**
 * The metrics of a forecast starting on day `first` against demandAt, per Amazon's definitions: RMSE, WAPE and MAPE
 * of the mean over every point of every item; MASE as each item's mean absolute error over its in-sample seasonal
 * (lag 7) naive error before the window, averaged over items; wQL[τ] = 2·Σ pinball_τ / Σ|y|; their average.
 */
export function expectedMetrics(values: SeriesForecastValues[], first: number): Record<string, number> {
  let sq = 0;
  let abs = 0;
  let volume = 0;
  let pct = 0;
  let pctPoints = 0;
  let points = 0;
  let maseSum = 0;
  const pinball: Record<string, number> = { "0.1": 0, "0.5": 0, "0.9": 0 };
  values.forEach((v, i) => {
    let itemAbs = 0;
    for (let t = 0; t < HORIZON; t++) {
      const y = demandAt(i, first + t);
      const e = y - (v.mean[t] as number);
      sq += e * e;
      abs += Math.abs(e);
      itemAbs += Math.abs(e);
      volume += Math.abs(y);
      points++;
      if (y !== 0) {
        pct += Math.abs(e / y);
        pctPoints++;
      }
      for (const tau of Object.keys(pinball)) {
        const q = (v.quantiles[tau] as number[])[t] as number;
        const d = y - q;
        pinball[tau] = (pinball[tau] as number) + (d > 0 ? Number(tau) * d : (Number(tau) - 1) * d);
      }
    }
    let naive = 0;
    for (let d = 7; d < first; d++) naive += Math.abs(demandAt(i, d) - demandAt(i, d - 7));
    maseSum += itemAbs / HORIZON / (naive / (first - 7));
  });
  const wql = Object.fromEntries(
    Object.entries(pinball).map(([tau, p]) => [`wQL[${tau}]`, (2 * p) / volume]),
  );
  const wqls = Object.values(wql);
  return {
    RMSE: Math.sqrt(sq / points),
    WAPE: abs / volume,
    MAPE: pct / pctPoints,
    MASE: maseSum / values.length,
    ...wql,
    AverageWeightedQuantileLoss: wqls.reduce((s, x) => s + x, 0) / wqls.length,
  };
}
