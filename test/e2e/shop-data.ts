/**
 * The "shop" data set of the predictor tests (AutoPredictor and legacy CreatePredictor): 12 items × 140 days of
 * daily demand, imported into the dataset group "shop" of a fresh service.
 */
import type { ForecastClient } from "@aws-sdk/client-forecast";
import type { ForecastqueryClient } from "@aws-sdk/client-forecastquery";
import type { S3Client } from "@aws-sdk/client-s3";
import { forecastqueryClient, type Harness, importDemandGroup, startHarness } from "./harness.js";

export const DAY = 86_400_000;
export const START = Date.UTC(2024, 0, 1);
export const DAYS = 140;

/** 12 items × 140 days: a level per item, a weekly pattern, a slow trend; non-negative demand. */
export function demandCsv(): string {
  const weekly = [1.0, 0.9, 0.95, 1.05, 1.2, 1.5, 1.4];
  const lines: string[] = [];
  for (let item = 0; item < 12; item++) {
    const level = 20 + item * 7;
    for (let d = 0; d < DAYS; d++) {
      const day = new Date(START + d * DAY).toISOString().slice(0, 10);
      const value = level * (weekly[d % 7] as number) * (1 + d / 700) + ((item * 31 + d * 17) % 7) - 3;
      lines.push(`item_${item},${day} 00:00:00,${value.toFixed(2)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export interface Shop {
  h: Harness;
  fc: ForecastClient;
  query: ForecastqueryClient;
  /** Holds s3://train/demand.csv. */
  s3: S3Client;
  groupArn: string;
  close(): Promise<void>;
}

/** A fresh service with the shop's demand imported into the dataset group "shop" (ACTIVE). */
export async function startShop(): Promise<Shop> {
  const h = await startHarness();
  const fc = h.forecast();
  const query = forecastqueryClient(h.service.forecastEndpoint);
  const s3 = h.s3();
  const groupArn = await importDemandGroup(fc, s3, {
    group: "shop",
    dataset: "shop_demand",
    bucket: "train",
    key: "demand.csv",
    csv: demandCsv(),
    roleArn: h.roleArn(),
  });
  return {
    h,
    fc,
    query,
    s3,
    groupArn,
    async close() {
      query.destroy();
      await h.close();
    },
  };
}
