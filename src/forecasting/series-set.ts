/**
 * The data a predictor trains on, prepared: every series on one regular time grid at the forecast frequency,
 * as typed arrays. Produced by src/data (from the imported datasets), consumed by the models and the AutoPredictor
 * engine. Plain data only (structured-clone friendly) so it crosses into worker threads as it is.
 */
export interface SeriesSet {
  /** Amazon frequency of the grid: Y, M, W, D, H, 30min, 15min, 10min, 5min, 1min. */
  frequency: string;
  /** Seasonal period of the frequency (see periods.ts). */
  period: number;
  /** Points to forecast after each series' last observation. */
  horizon: number;
  /** Names of the key columns: the item identifier field, then the forecast dimensions. */
  keyNames: string[];
  /** Related time series features, in order (each is one explainability attribute). */
  relatedNames: string[];
  /** Item metadata fields, in order (each is one explainability attribute). */
  metadataNames: string[];
  /** For each metadata field, the category labels its integer codes stand for (empty for numeric fields). */
  metadataLevels: string[][];
  /** Holiday calendars by country code, e.g. ["US"]; the attribute is named `Holiday_<CC>`. */
  holidayCountries: string[];
  series: PreparedSeries[];
}

export interface PreparedSeries {
  /** Values of keyNames, e.g. ["item_1", "store_3"]. */
  key: string[];
  /** Epoch milliseconds (UTC) of each grid point: the history, then the horizon. Length n + horizon. */
  timestamps: Float64Array;
  /** Target history after aggregation and filling; NaN where a value is missing and the fill leaves it so. */
  target: Float64Array;
  /** One array per related feature, length n + horizon (future values filled as AttributeConfigs say). */
  related: Float64Array[];
  /** One value per metadata field: the number, or the category code (NaN when absent). */
  metadata: Float64Array;
  /** One array per holiday calendar, length n + horizon: 1 on a holiday, else 0. */
  holidays: Float64Array[];
}

/** The attribute names an explanation reports, in player order: related, metadata, then holidays. */
export function attributeNames(
  set: Pick<SeriesSet, "relatedNames" | "metadataNames" | "holidayCountries">,
): string[] {
  return [...set.relatedNames, ...set.metadataNames, ...set.holidayCountries.map((cc) => `Holiday_${cc}`)];
}
