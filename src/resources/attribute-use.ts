// Whether a series' forecast draws on any attribute, and if not why: the one place that reads this from the
// predictor's model record (the weights of each series' members), so that a change in how members are combined
// changes only this function. An explainability reports the series that use no attribute as such, in
// its Message, its export and the console, instead of showing zeros that look like a fault.

import { memberTraits } from "../forecasting/auto/members.js";
import {
  type PredictorModel,
  readPredictorModel,
  seriesWeightsOf,
} from "../forecasting/auto/predictor-model.js";
import { MIN_GLOBAL_POINTS } from "../forecasting/global/index.js";
import type { ResourceRecord } from "../store/resource-store.js";
import type { Services } from "./context.js";

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

/** Why a series' forecast uses no attribute, given the statistical member that makes it alone. */
export function noAttributeReason(member: string): string {
  const label = MEMBER_LABELS[member] ?? member;
  return `its forecast comes from ${label}, which uses no attribute`;
}

/** The reason when the predictor has no member that uses attributes at all (an explained predictor has
 * attributes, so the model that learns from them was left out for want of data). */
export const NO_ATTRIBUTE_MODEL =
  "the predictor has no model that uses attributes: the model that learns from them needs at least " +
  `${MIN_GLOBAL_POINTS} history points across all series, and the data has fewer`;

/** The reason when the model with attributes took part but its learned weight is 0. */
export const ZERO_WEIGHT =
  "the model that uses attributes got weight 0 in the combination, because giving it weight did not improve " +
  "accuracy in the backtests";

/** A member whose impacts can be computed: it uses attributes and the predictor holds its fitted model. */
const explains = (model: PredictorModel, member: string): boolean =>
  memberTraits(member).usesAttributes && model.memberFiles[member] !== undefined;

/** Does the forecast of the series with this key (keyOf) use any attribute, and if not, why. */
export function attributeUseOf(model: PredictorModel, seriesKey: string): AttributeUse {
  const weights = seriesWeightsOf(model, seriesKey);
  for (const member of weights.keys()) if (explains(model, member)) return { uses: true };
  if (model.combination.components.some((c) => explains(model, c)))
    return { uses: false, reason: ZERO_WEIGHT };
  if (!Object.keys(model.memberFiles).some((m) => explains(model, m)))
    return { uses: false, reason: NO_ATTRIBUTE_MODEL };
  const own = model.choices[seriesKey] ?? model.fallback ?? "combination";
  return { uses: false, reason: noAttributeReason(own) };
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
  const resource = await services.store.get(String(explainability.attrs.ResourceArn));
  const predictor =
    resource?.kind === "predictor"
      ? resource
      : await services.store.get(String(resource?.attrs.PredictorArn));
  const file = predictor?.attrs.ModelFile;
  if (typeof file !== "string") return undefined;
  try {
    return attributeUseOf(await readPredictorModel(services.blobs, file), JSON.stringify(key));
  } catch {
    return undefined;
  }
}
