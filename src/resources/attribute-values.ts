// The attributes' values at explained points and the baselines their Shapley values are measured against, for
// the direction of the aggregate impacts (explain/aggregate-impacts.ts). The baselines are those of the global
// model's game (forecasting/global/baseline.ts): a related field at the series' mean over the history before the
// explained origin (missing values skipped), a metadata field at its typical value across items, fixed when the
// model was fitted, a holiday calendar at 0 (no holiday).

import type { AttributeKind } from "../explain/index.js";
import type { PreparedSeries, SeriesSet } from "../forecasting/series-set.js";

export interface AttributePoints {
  /** Per attribute, in attributeNames order: related and numeric metadata numeric, the rest categorical. */
  kinds: AttributeKind[];
  /** Fills `value` and `baseline` (one slot per attribute) for series `i` at horizon step `step`. */
  at(i: number, step: number, value: Float64Array, baseline: Float64Array): void;
}

/** Mean of the non-NaN values of x in [0, end); NaN when there are none. */
export function historyMean(x: Float64Array, end: number): number {
  let sum = 0;
  let n = 0;
  for (let t = 0; t < end; t++) {
    const v = x[t] as number;
    if (Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return n > 0 ? sum / n : Number.NaN;
}

export function attributeKinds(set: Pick<SeriesSet, "relatedNames" | "metadataLevels" | "holidayCountries">) {
  return [
    ...set.relatedNames.map((): AttributeKind => "numeric"),
    ...set.metadataLevels.map((levels): AttributeKind => (levels.length > 0 ? "categorical" : "numeric")),
    ...set.holidayCountries.map((): AttributeKind => "categorical"),
  ];
}

/**
 * Values and baselines at points of the forecast made `cutoff` points before each series' end (the origin
 * the explanation uses). `typicalMetadata` is the global model's (null for NaN); empty without one.
 */
export function attributePoints(
  set: SeriesSet,
  typicalMetadata: readonly (number | null)[],
  cutoff: number,
): AttributePoints {
  const kinds = attributeKinds(set);
  const nR = set.relatedNames.length;
  const nM = set.metadataNames.length;
  const means = new Map<number, Float64Array>();
  const relatedMeans = (i: number, s: PreparedSeries, origin: number): Float64Array => {
    let m = means.get(i);
    if (!m) {
      m = Float64Array.from(s.related, (x) => historyMean(x, origin));
      means.set(i, m);
    }
    return m;
  };
  return {
    kinds,
    at(i, step, value, baseline) {
      const s = set.series[i] as PreparedSeries;
      const origin = Math.max(0, s.target.length - cutoff);
      const t = origin + step;
      const mean = relatedMeans(i, s, origin);
      for (let r = 0; r < nR; r++) {
        value[r] = (s.related[r] as Float64Array)[t] as number;
        baseline[r] = mean[r] as number;
      }
      for (let m = 0; m < nM; m++) {
        value[nR + m] = s.metadata[m] as number;
        baseline[nR + m] = typicalMetadata[m] ?? Number.NaN;
      }
      for (let c = 0; c < s.holidays.length; c++) {
        value[nR + nM + c] = (s.holidays[c] as Float64Array)[t] as number;
        baseline[nR + nM + c] = 0;
      }
    },
  };
}
