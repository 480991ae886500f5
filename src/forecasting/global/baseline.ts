// The reference an explanation measures against: each attribute "absent" means held at a typical value, not
// removed. Related fields sit at the series' own historical mean (its relative column then reads 0), metadata
// at the most frequent category across items (numeric fields: their mean), holiday calendars at 0 (no
// holiday). Columns that are not players (target history, calendar, step) keep the explained row's values.

import { type FeatureMatrix, featureMatrix } from "../gbdt/matrix.js";
import type { PreparedSeries } from "../series-set.js";
import type { RowRefs } from "./features.js";
import { columnOffsets, type FeatureLayout, RELATED_COLUMNS } from "./layout.js";
import type { SeriesContext } from "./series-context.js";

/** Per metadata field, its typical value across items: the most frequent code (ties: the smallest) for a
 * categorical field, the mean for a numeric one; NaN when no item has a value. */
export function typicalMetadata(layout: FeatureLayout, series: readonly PreparedSeries[]): Float64Array {
  const out = new Float64Array(layout.metadataNames.length);
  for (let m = 0; m < out.length; m++) {
    if (layout.metadataCategorical[m]) {
      const freq = new Map<number, number>();
      for (const s of series) {
        const v = s.metadata[m];
        if (!Number.isNaN(v)) freq.set(v, (freq.get(v) ?? 0) + 1);
      }
      let best = Number.NaN;
      let bestCount = 0;
      for (const [v, c] of freq) {
        if (c > bestCount || (c === bestCount && v < best)) {
          best = v;
          bestCount = c;
        }
      }
      out[m] = best;
    } else {
      let sum = 0;
      let n = 0;
      for (const s of series) {
        const v = s.metadata[m];
        if (!Number.isNaN(v)) {
          sum += v;
          n++;
        }
      }
      out[m] = n > 0 ? sum / n : Number.NaN;
    }
  }
  return out;
}

/** The baseline row of every row of X: X's values with every player column at its typical value. */
export function baselineRows(
  layout: FeatureLayout,
  contexts: readonly SeriesContext[],
  rows: RowRefs,
  X: FeatureMatrix,
  metadata: Float64Array,
): FeatureMatrix {
  const n = X.nRows;
  const o = columnOffsets(layout);
  const data = Float64Array.from(X.data);
  for (let k = 0; k < layout.relatedNames.length; k++) {
    const raw = (o.related + RELATED_COLUMNS * k) * n;
    const rel = raw + n;
    for (let r = 0; r < n; r++) {
      const mean = contexts[rows.series[r]].relatedMean[k];
      data[raw + r] = mean;
      // (mean − mean) / spread; NaN when the field has no history, like the row's own relative value.
      data[rel + r] = Number.isNaN(mean) ? Number.NaN : 0;
    }
  }
  for (let m = 0; m < layout.metadataNames.length; m++)
    data.fill(metadata[m], (o.metadata + m) * n, (o.metadata + m + 1) * n);
  for (let c = 0; c < layout.holidayCountries.length; c++)
    data.fill(0, (o.holidays + c) * n, (o.holidays + c + 1) * n);
  return featureMatrix(data, n, X.nFeatures);
}
