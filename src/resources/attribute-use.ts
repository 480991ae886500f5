// Whether a series' forecast draws on any attribute, and if not why: the one place that reads this from the
// predictor's model record, so that a change in how members are combined (per-series choice today, weights
// later) changes only this function. An explainability reports the series that use no attribute as such, in
// its Message, its export and the console, instead of showing zeros that look like a fault.

import fs from "node:fs/promises";
import type { ResourceRecord } from "../store/resource-store.js";
import type { Services } from "./context.js";
import { GLOBAL_MEMBER, MIN_GLOBAL_POINTS, type PredictorModel } from "./predictor-training.js";

export type AttributeUse = { uses: true } | { uses: false; reason: string };

/** Readable names of the members, for messages. */
const MEMBER_LABELS: Record<string, string> = {
  naive: "Naive",
  snaive: "Seasonal Naive",
  ets: "ETS",
  "ets-damped": "damped ETS",
  "ets-augurs": "ETS",
  theta: "Theta",
  arima: "ARIMA",
  npts: "NPTS",
  prophet: "Prophet",
  combination: "the combination of ETS, Theta and ARIMA",
};

/** Why a series' forecast uses no attribute, given the member that makes it. */
export function noAttributeReason(member: string): string {
  const label = MEMBER_LABELS[member] ?? member;
  return `its forecast comes from ${label}, which uses no attribute (it forecast this series better in backtests than the model with attributes)`;
}

/** The reason when the predictor has no member that uses attributes at all (an explained predictor has
 * attributes, so the model that learns from them was left out for want of data). */
export const NO_ATTRIBUTE_MODEL =
  "the predictor has no model that uses attributes: the model that learns from them needs at least " +
  `${MIN_GLOBAL_POINTS} history points across all series, and the data has fewer`;

/** Does the forecast of the series with this key (keyOf) use any attribute, and if not, why. */
export function attributeUseOf(model: PredictorModel, seriesKey: string): AttributeUse {
  if (!model.globalModelFile) return { uses: false, reason: NO_ATTRIBUTE_MODEL };
  const member = model.choices[seriesKey] ?? model.fallback ?? "combination";
  if (member === GLOBAL_MEMBER) return { uses: true };
  return { uses: false, reason: noAttributeReason(member) };
}

/** Describe's Message for an explainability where some explained series use no attribute; undefined if none. */
export function attributeUseMessage(reasons: readonly string[], explained: number): string | undefined {
  if (reasons.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const why = [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, n]) => (counts.size === 1 ? reason : `${n}: ${reason}`))
    .join("; ");
  return (
    `${reasons.length} of ${explained} explained series use no attribute, so their impact scores are empty ` +
    `(not 0) in the export: ${why}.`
  );
}

/**
 * For the console: whether the series with these key values, in an explainability of a predictor or of a
 * forecast, uses attributes; undefined when the predictor or its model can no longer be read.
 */
export async function explainedSeriesAttributeUse(
  services: Services,
  explainability: ResourceRecord,
  key: readonly string[],
): Promise<AttributeUse | undefined> {
  const resource = services.store.get(String(explainability.attrs.ResourceArn));
  const predictor =
    resource?.kind === "predictor" ? resource : services.store.get(String(resource?.attrs.PredictorArn));
  const file = predictor?.attrs.ModelFile;
  if (typeof file !== "string") return undefined;
  try {
    const model = JSON.parse(await fs.readFile(file, "utf8")) as PredictorModel;
    return attributeUseOf(model, JSON.stringify(key));
  } catch {
    return undefined;
  }
}
