import { once } from "node:events";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import { withConnection } from "../data/duckdb.js";
import { sqlString } from "../data/sql.js";
import { type AggregateImpacts, addScaled, ImpactAggregator } from "../explain/index.js";
import { memberTraits } from "../forecasting/auto/members.js";
import { explainedOutput } from "../forecasting/auto/point-adjustment.js";
import {
  keyOf,
  type PredictorModel,
  readPredictorModel,
  seriesWeightsOf,
} from "../forecasting/auto/predictor-model.js";
import type { GlobalModelJson } from "../forecasting/global/index.js";
import { attributeNames, type PreparedSeries, type SeriesSet } from "../forecasting/series-set.js";
import { type JobContext, JobFailure } from "../jobs/job-runner.js";
import { packSeriesSet } from "../jobs/series-transfer.js";
import { attributeUseMessage, attributeUseOf } from "../resources/attribute-use.js";
import { attributePoints } from "../resources/attribute-values.js";
import type { Services } from "../resources/context.js";
import { MAX_EXPLAINED_SERIES } from "../resources/explainabilities.js";
import { forecastTimestamp } from "../resources/forecast-files.js";
import { readSeriesIdentifiers } from "../resources/series-identifiers.js";
import { predictorSeries } from "../resources/series-input.js";
import { resourcePrefix, type Scratch } from "../storage/blob-store.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { datasetMemberRunner } from "./dataset-members.js";

/** The value marking aggregated rows, in the item and timestamp columns, as Amazon's exports do. */
export const AGGREGATE = "Aggregate";

export interface ExplainabilityResult {
  ImpactFile: string;
  Attributes: string[];
  /** Column names of the impact file, in order (what the export writes). */
  Columns: string[];
  SeriesCount: number;
  TimePointCount: number;
  /** The overall aggregate: per attribute, raw (signed magnitude) and normalized; both null when no explained
   * series uses any attribute. */
  Overall: { attribute: string; raw: number | null; normalized: number | null }[];
  /** How many explained series use no attribute (their scores are empty in the export). */
  NoAttributeSeriesCount: number;
  /** Says which explained series use no attribute and why; Describe shows it as the Message. */
  AttributeUseMessage?: string;
}

/** The export columns: item_id, the forecast dimensions, timestamp, then raw and normalized per attribute. */
export function impactColumns(set: Pick<SeriesSet, "keyNames">, attributes: readonly string[]): string[] {
  return [
    "item_id",
    ...set.keyNames.slice(1),
    "timestamp",
    ...attributes.flatMap((a) => [`${a}-RawImpactScore`, `${a}-NormalizedImpactScore`]),
  ];
}

interface Target {
  predictor: ResourceRecord;
  forecast?: ResourceRecord;
}

async function resolveTarget(services: Services, explainability: ResourceRecord): Promise<Target> {
  const resource = await services.store.get(String(explainability.attrs.ResourceArn));
  if (!resource) throw new JobFailure(`${String(explainability.attrs.ResourceArn)} no longer exists.`);
  if (resource.kind === "predictor") return { predictor: resource };
  const predictor = await services.store.get(String(resource.attrs.PredictorArn));
  if (!predictor)
    throw new JobFailure(`The forecast's predictor ${String(resource.attrs.PredictorArn)} no longer exists.`);
  return { predictor, forecast: resource };
}

/** Which series and steps to explain, and from which origin (cutoff points before each series' end). */
async function explainedPoints(
  services: Services,
  explainability: ResourceRecord,
  target: Target,
  set: SeriesSet,
  signal: AbortSignal,
): Promise<{ series: number[]; steps: number[]; cutoff: number }> {
  const all = set.series.map((_, i) => i);
  const every = Array.from({ length: set.horizon }, (_, i) => i);
  if (!target.forecast) {
    // A predictor is explained over its last backtest window: the forecast made `horizon` points before the end.
    return { series: all, steps: every, cutoff: set.horizon };
  }
  const config = explainability.attrs.ExplainabilityConfig as {
    TimeSeriesGranularity: string;
    TimePointGranularity: string;
  };
  let series = all;
  if (config.TimeSeriesGranularity === "SPECIFIC") {
    const source = explainability.attrs.DataSource as { S3Config: { Path: string } };
    const schema = explainability.attrs.Schema as { Attributes: { AttributeName: string }[] };
    const wanted = await readSeriesIdentifiers(
      services,
      explainability.accountId,
      { path: source.S3Config.Path, attributeNames: schema.Attributes.map((a) => a.AttributeName) },
      signal,
    );
    if (wanted.length > MAX_EXPLAINED_SERIES) {
      throw new JobFailure(
        `The DataSource lists ${wanted.length} series; an explainability covers at most ${MAX_EXPLAINED_SERIES}.`,
      );
    }
    const index = new Map(set.series.map((s, i) => [keyOf(s), i]));
    const missing = wanted.filter((k) => !index.has(k));
    if (missing.length > 0) {
      throw new JobFailure(
        `The DataSource names series the forecast does not have: ${missing.slice(0, 5).join(", ")}.`,
      );
    }
    series = wanted.map((k) => index.get(k) as number);
  } else if (set.series.length > MAX_EXPLAINED_SERIES) {
    throw new JobFailure(
      `The forecast has ${set.series.length} series; a forecast explainability covers at most ${MAX_EXPLAINED_SERIES}. ` +
        "Use TimeSeriesGranularity SPECIFIC with a DataSource listing the series.",
    );
  }
  let steps = every;
  if (config.TimePointGranularity === "SPECIFIC") {
    const start = String(explainability.attrs.StartDateTime);
    const end = String(explainability.attrs.EndDateTime);
    const first = set.series[series[0] as number] as PreparedSeries;
    steps = every.filter((t) => {
      const ts = forecastTimestamp(first.timestamps[first.target.length + t] as number);
      return ts >= start && ts <= end;
    });
    if (steps.length === 0) throw new JobFailure(`No forecast time point lies between ${start} and ${end}.`);
  }
  return { series, steps, cutoff: 0 };
}

/**
 * Computes an explainability's impact scores and writes them as a Parquet file shaped like the export: one row
 * per explained series and time point (raw scores: Σ_m w_m·φ_m over its members, rawImpacts), an
 * Aggregate row per series (signed magnitude and its normalized score, explain/aggregate-impacts.ts), and one
 * overall Aggregate row. Series whose forecast uses no attribute (attribute-use.ts) have empty scores, and the
 * result's message says which and why.
 */
export async function computeExplainability(
  services: Services,
  explainability: ResourceRecord,
  ctx: JobContext,
  scratch: Scratch,
): Promise<ExplainabilityResult> {
  const target = await resolveTarget(services, explainability);
  const { set: fullSet } = await predictorSeries(services.store, target.predictor, ctx.signal, scratch).catch(
    (e: unknown) => {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      throw new JobFailure(
        `Could not prepare the data to explain: ${e instanceof Error ? e.message : String(e)}`,
      );
    },
  );
  const model = await readPredictorModel(services.blobs, String(target.predictor.attrs.ModelFile));
  const { series, steps, cutoff } = await explainedPoints(
    services,
    explainability,
    target,
    fullSet,
    ctx.signal,
  );
  const attributes = attributeNames(fullSet);
  if (attributes.length === 0)
    throw new JobFailure("The predictor uses no attributes, so there is nothing to explain.");
  const uses = new Map(
    series.map((i) => [i, attributeUseOf(model, keyOf(fullSet.series[i] as PreparedSeries))]),
  );
  const explained = series.filter((i) => uses.get(i)?.uses === true);
  const k = attributes.length;
  const { rowOf, raw } = await rawImpacts(services, ctx, model, fullSet, explained, steps, cutoff);
  // The baseline of item metadata for the aggregates' directions is the covariate model's typical value.
  const globalFile = model.memberFiles.global;
  const typicalMetadata: (number | null)[] = globalFile
    ? (JSON.parse(await services.blobs.readText(globalFile)) as GlobalModelJson).typicalMetadata
    : [];
  const rawAt = (series: number, step: number): Float64Array | undefined => {
    const r = rowOf[series * fullSet.horizon + step] ?? -1;
    return r >= 0 ? raw.subarray(r * k, (r + 1) * k) : undefined;
  };

  const csv = scratch.file("impacts.csv");
  const out = createWriteStream(csv);
  const write = async (fields: (string | number)[]) => {
    const line = fields
      .map((f) => (typeof f === "string" && /[",\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f))
      .join(",");
    if (!out.write(`${line}\n`)) await once(out, "drain");
  };
  // Point rows hold exact Shapley values; Aggregate rows the signed magnitude and its normalized score
  // (explain/aggregate-impacts.ts). A series whose forecast uses no attribute has empty scores in every row.
  const valuesAt = attributePoints(fullSet, typicalMetadata, cutoff);
  const overall = new ImpactAggregator(valuesAt.kinds);
  const value = new Float64Array(k);
  const baseline = new Float64Array(k);
  const empty: string[] = Array.from({ length: 2 * k }, () => "");
  const aggregateFields = (agg: AggregateImpacts) =>
    Array.from(agg.signed).flatMap((v, a) => [v, agg.normalized[a] as number]);
  const zero = new Float64Array(k);
  const reasons: string[] = [];
  for (const i of series) {
    const s = fullSet.series[i] as PreparedSeries;
    const origin = s.target.length - cutoff;
    const use = uses.get(i);
    if (use && !use.uses) reasons.push(use.reason);
    const agg = new ImpactAggregator(valuesAt.kinds);
    for (const step of steps) {
      const ts = forecastTimestamp(s.timestamps[origin + step] as number);
      if (!use?.uses) {
        overall.addZero();
        await write([...s.key, ts, ...empty]);
        continue;
      }
      const scores = rawAt(i, step) ?? zero;
      valuesAt.at(i, step, value, baseline);
      agg.add(scores, value, baseline);
      overall.add(scores, value, baseline);
      await write([...s.key, ts, ...Array.from(scores).flatMap((v) => [v, ""])]);
    }
    await write([...s.key, AGGREGATE, ...(use?.uses ? aggregateFields(agg.result()) : empty)]);
  }
  const overallResult = explained.length > 0 ? overall.result() : undefined;
  const dimensionsAggregate = fullSet.keyNames.slice(1).map(() => AGGREGATE);
  await write([
    AGGREGATE,
    ...dimensionsAggregate,
    AGGREGATE,
    ...(overallResult ? aggregateFields(overallResult) : empty),
  ]);
  out.end();
  await once(out, "finish");

  const columns = impactColumns(fullSet, attributes);
  const local = scratch.file("impacts.parquet");
  const types = columns.map(
    (c, i) => `${sqlString(c)}: '${i < fullSet.keyNames.length + 1 ? "VARCHAR" : "DOUBLE"}'`,
  );
  try {
    await withConnection(ctx.signal, async (connection) => {
      await connection.run(
        `COPY (SELECT * FROM read_csv(${sqlString(csv)}, header = false, columns = {${types.join(", ")}}))
         TO ${sqlString(local)} (FORMAT parquet)`,
      );
    });
  } finally {
    await fs.rm(csv, { force: true });
  }
  const file = `${resourcePrefix(explainability, "explainability", explainability.name)}impacts.parquet`;
  await services.blobs.put(file, local);
  return {
    ImpactFile: file,
    Attributes: attributes,
    Columns: columns,
    SeriesCount: series.length,
    TimePointCount: steps.length,
    Overall: attributes.map((attribute, a) => ({
      attribute,
      raw: overallResult ? (overallResult.signed[a] as number) : null,
      normalized: overallResult ? (overallResult.normalized[a] as number) : null,
    })),
    NoAttributeSeriesCount: reasons.length,
    AttributeUseMessage: attributeUseMessage(reasons, series.length),
  };
}

/**
 * The raw impact scores of the explained points: per series, Σ_m w_m·φ_m over its members m with weight w_m
 * (the predictor's model: seriesWeightsOf), φ_m the exact Shapley values of member m's output. The forecast is
 * linear in the members' outputs, so these are the exact Shapley values of the combined point forecast (of the
 * members' means, or of their medians where the predictor's point is the median: explainedOutput; before the
 * quantile ordering and the 0 floor), and they add up to it minus its value at the baseline. Members that use no
 * attribute contribute 0; a member that uses attributes but has no explanation yet (Prophet) contributes 0 too.
 * `rowOf[series · horizon + step]` is the row in `raw` (k scores each), −1 where the series has no impact at all.
 */
async function rawImpacts(
  services: Services,
  ctx: JobContext,
  model: PredictorModel,
  set: SeriesSet,
  series: readonly number[],
  steps: readonly number[],
  cutoff: number,
): Promise<{ rowOf: Int32Array; raw: Float64Array }> {
  const k = attributeNames(set).length;
  // Per explaining member, the explained series and their weights.
  const byMember = new Map<string, { series: number[]; weight: Float64Array }>();
  for (const i of series) {
    for (const [member, w] of seriesWeightsOf(model, keyOf(set.series[i] as PreparedSeries))) {
      if (!memberTraits(member).usesAttributes || !model.memberFiles[member]) continue;
      let entry = byMember.get(member);
      if (!entry) {
        entry = { series: [], weight: new Float64Array(set.series.length) };
        byMember.set(member, entry);
      }
      entry.series.push(i);
      entry.weight[i] = w;
    }
  }
  const withImpact = new Set([...byMember.values()].flatMap((e) => e.series));
  const rowOf = new Int32Array(withImpact.size > 0 ? set.series.length * set.horizon : 0).fill(-1);
  let rows = 0;
  for (const i of series) {
    if (!withImpact.has(i)) continue;
    for (const step of steps) rowOf[i * set.horizon + step] = rows++;
  }
  const raw = new Float64Array(rows * k);
  if (rows === 0) return { rowOf, raw };
  const shared = await packSeriesSet(set);
  for (const [member, { series: explained, weight }] of byMember) {
    const file = model.memberFiles[member] as string;
    const phi = await datasetMemberRunner(member).explain(
      services.pool,
      JSON.parse(await services.blobs.readText(file)),
      shared,
      Int32Array.from(explained),
      [...steps],
      cutoff,
      ctx.signal,
      explainedOutput(model.point),
    );
    phi.rowSeries.forEach((s, r) => {
      const into = rowOf[s * set.horizon + (phi.rowSteps[r] as number)] as number;
      addScaled(
        raw.subarray(into * k, (into + 1) * k),
        phi.raw.subarray(r * k, (r + 1) * k),
        weight[s] as number,
      );
    });
  }
  return { rowOf, raw };
}
