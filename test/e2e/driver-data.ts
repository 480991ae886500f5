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
import { parseFrequency } from "../../src/data/series-frequency.js";
import { timeGrid } from "../../src/data/series-grid.js";
import { holidayFlags } from "../../src/data/series-holidays.js";
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
  return setupPredictor(fc, s3, roleArn, bucket, {
    name: shape.name,
    frequency: "D",
    horizon: shape.horizon,
    target: data.target,
    related: data.related,
    relatedFields: ["price:float", "promo:integer", "noise_feature:float"],
  });
}

/** What setupPredictor uploads and trains on. */
export interface PredictorData {
  name: string;
  frequency: "D" | "W";
  horizon: number;
  /** CSV with a header: item_id, timestamp, demand. */
  target: string;
  /** CSV with a header: item_id, timestamp, then relatedFields' values. */
  related: string;
  relatedFields: string[];
  /** A holiday calendar (AdditionalDatasets "holiday"), e.g. "US". */
  holidayCountry?: string;
}

/** What importPredictorData uploads and imports: PredictorData without the training settings. */
export type ImportData = Pick<PredictorData, "name" | "frequency" | "target" | "related" | "relatedFields">;

/**
 * The data uploaded to `bucket` (in/target.csv, in/related.csv), its dataset group `name`, the target and related
 * datasets (`<name>_target`, `<name>_related`) with their imports ACTIVE; resolves to the group's ARN.
 */
export async function importPredictorData(
  fc: ForecastClient,
  s3: S3Client,
  roleArn: string,
  bucket: string,
  data: ImportData,
): Promise<string> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "in/target.csv", Body: data.target }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "in/related.csv", Body: data.related }));
  const groupArn = (
    await fc.send(new CreateDatasetGroupCommand({ DatasetGroupName: data.name, Domain: "RETAIL" }))
  ).DatasetGroupArn as string;
  const datasets: string[] = [];
  for (const [name, type, fields, key] of [
    [`${data.name}_target`, "TARGET_TIME_SERIES", ["demand:float"], "in/target.csv"],
    [`${data.name}_related`, "RELATED_TIME_SERIES", data.relatedFields, "in/related.csv"],
  ] as const) {
    datasets.push(
      await importDailyDataset(fc, {
        name,
        type,
        fields,
        path: `s3://${bucket}/${key}`,
        roleArn,
        frequency: data.frequency,
      }),
    );
  }
  await fc.send(new UpdateDatasetGroupCommand({ DatasetGroupArn: groupArn, DatasetArns: datasets }));
  return groupArn;
}

/** The data's dataset group, datasets, imports and an AutoPredictor with ExplainPredictor, all ACTIVE. */
export async function setupPredictor(
  fc: ForecastClient,
  s3: S3Client,
  roleArn: string,
  bucket: string,
  data: PredictorData,
): Promise<{ groupArn: string; predictorArn: string; explainabilityArn: string }> {
  const groupArn = await importPredictorData(fc, s3, roleArn, bucket, data);
  const predictorArn = (
    await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: `${data.name}_predictor`,
        ForecastHorizon: data.horizon,
        ForecastFrequency: data.frequency,
        DataConfig: {
          DatasetGroupArn: groupArn,
          ...(data.holidayCountry
            ? {
                AdditionalDatasets: [
                  { Name: "holiday", Configuration: { CountryCode: [data.holidayCountry] } },
                ],
              }
            : {}),
        },
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
    900_000,
    "training",
  );
  if (predictor.Status !== "ACTIVE") throw new Error(`training failed: ${predictor.Message}`);
  const explainabilityArn = predictor.ExplainabilityInfo?.ExplainabilityArn as string;
  const explainability = await eventually(
    async () => {
      const d = await fc.send(new DescribeExplainabilityCommand({ ExplainabilityArn: explainabilityArn }));
      return settled(d.Status) ? d : undefined;
    },
    600_000,
    "the predictor's explainability",
  );
  if (explainability.Status !== "ACTIVE") throw new Error(`explainability failed: ${explainability.Message}`);
  return { groupArn, predictorArn, explainabilityArn };
}

/**
 * Data with known additive drivers and known effect sizes, for the fidelity tests and bench:
 *   demand = level_i + Σ numeric effect·u + Σ binary effect·x + holidayEffect·holiday + noise (sd 2),
 * where a numeric field's value is 10 + 3u with u uniform in [−1, 1] (so its effect is effect/3 per unit), a
 * binary field is 1 with probability `rate`, and holiday is the US public-holiday flag of the point (weekly: of
 * a week with one). Related data covers the horizon.
 */
export interface EffectSpec {
  name: string;
  frequency: "D" | "W";
  /** The first timestamp (a Monday, so weekly buckets start on it). */
  start: number;
  items: number;
  /** History points per series. */
  points: number;
  horizon: number;
  seed: number;
  numeric: { name: string; effect: number }[];
  binary: { name: string; effect: number; rate: number }[];
  holidayEffect?: number;
  /** How many of the items (the last ones) ignore every driver: level and noise only. Default 0. */
  unaffectedItems?: number;
}

export interface EffectData extends PredictorData {
  /** Attribute names in the explanation's order: numeric, binary, then Holiday_US. */
  attributes: string[];
  /** Epoch ms of every point, history then horizon. */
  timestamps: number[];
  /**
   * The true impact of each attribute on series i's demand at point t, against the explanation's baseline for
   * the forecast made at `origin` (a related field at its mean over [0, origin), a holiday at 0).
   */
  trueImpacts(i: number, origin: number, t: number): number[];
  /** The true direction of each attribute: +1 raises demand as its value rises (or on a holiday), −1 lowers. */
  trueSigns: number[];
}

export function generateEffectData(spec: EffectSpec): EffectData {
  const r = rng(spec.seed);
  const total = spec.points + spec.horizon;
  const step = spec.frequency === "W" ? 7 * DAY : DAY;
  const timestamps = Array.from({ length: total }, (_, t) => spec.start + t * step);
  const grid = timeGrid(parseFrequency(spec.frequency, "ForecastFrequency"));
  const holiday =
    spec.holidayEffect === undefined ? undefined : holidayFlags("US", grid, grid.indexOf(spec.start), total);
  const nN = spec.numeric.length;
  const nB = spec.binary.length;
  const values: Float64Array[][] = []; // per series, per related field
  const target: string[] = ["item_id,timestamp,demand"];
  const related: string[] = [
    ["item_id", "timestamp", ...spec.numeric.map((f) => f.name), ...spec.binary.map((f) => f.name)].join(","),
  ];
  const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 10)} 00:00:00`;
  const affected = (i: number) => i < spec.items - (spec.unaffectedItems ?? 0);
  for (let i = 0; i < spec.items; i++) {
    const level = 150 + 10 * i;
    const gain = affected(i) ? 1 : 0;
    const fields = Array.from({ length: nN + nB }, () => new Float64Array(total));
    for (let t = 0; t < total; t++) {
      let demand = level + (r() - 0.5) * 2 * Math.sqrt(3) * 2; // uniform noise with sd 2
      spec.numeric.forEach((f, k) => {
        const u = 2 * r() - 1;
        (fields[k] as Float64Array)[t] = Math.round((10 + 3 * u) * 100) / 100;
        demand += (gain * f.effect * ((fields[k] as Float64Array)[t] - 10)) / 3;
      });
      spec.binary.forEach((f, k) => {
        const x = r() < f.rate ? 1 : 0;
        (fields[nN + k] as Float64Array)[t] = x;
        demand += gain * f.effect * x;
      });
      if (holiday) demand += gain * (spec.holidayEffect as number) * (holiday[t] as number);
      const ts = stamp(timestamps[t] as number);
      related.push([`item_${i}`, ts, ...fields.map((x) => String(x[t]))].join(","));
      if (t < spec.points) target.push(`item_${i},${ts},${Math.max(0, demand).toFixed(3)}`);
    }
    values.push(fields);
  }
  const means = new Map<string, number[]>();
  const baselineOf = (i: number, origin: number): number[] => {
    const key = `${i}/${origin}`;
    let m = means.get(key);
    if (!m) {
      m = (values[i] as Float64Array[]).map((x) => {
        let sum = 0;
        for (let t = 0; t < origin; t++) sum += x[t] as number;
        return sum / origin;
      });
      means.set(key, m);
    }
    return m;
  };
  const attributes = [
    ...spec.numeric.map((f) => f.name),
    ...spec.binary.map((f) => f.name),
    ...(holiday ? ["Holiday_US"] : []),
  ];
  return {
    name: spec.name,
    frequency: spec.frequency,
    horizon: spec.horizon,
    target: `${target.join("\n")}\n`,
    related: `${related.join("\n")}\n`,
    relatedFields: [
      ...spec.numeric.map((f) => `${f.name}:float`),
      ...spec.binary.map((f) => `${f.name}:integer`),
    ],
    ...(holiday ? { holidayCountry: "US" } : {}),
    attributes,
    timestamps,
    trueImpacts(i, origin, t) {
      if (!affected(i)) return attributes.map(() => 0);
      const b = baselineOf(i, origin);
      const x = values[i] as Float64Array[];
      return [
        ...spec.numeric.map((f, k) => (f.effect * ((x[k] as Float64Array)[t] - (b[k] as number))) / 3),
        ...spec.binary.map((f, k) => f.effect * ((x[nN + k] as Float64Array)[t] - (b[nN + k] as number))),
        ...(holiday ? [(spec.holidayEffect as number) * (holiday[t] as number)] : []),
      ];
    },
    trueSigns: [
      ...spec.numeric.map((f) => Math.sign(f.effect)),
      ...spec.binary.map((f) => Math.sign(f.effect)),
      ...(holiday ? [Math.sign(spec.holidayEffect as number)] : []),
    ],
  };
}
