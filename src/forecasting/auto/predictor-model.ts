// A trained AutoPredictor's model record (model.json) and how a series is looked up in it. Below both the API
// (resources/: the console's members, attribute use) and the jobs (pipelines/: training writes it; forecasts,
// explanations, what-if forecasts and monitors read it), so that neither imports the other for it. Plain data: it
// knows nothing of where the file is kept (the caller passes its own reader).

import type { PreparedSeries } from "../series-set.js";
import { type CombinationRecord, SERIES_CHOICE, seriesWeights, soleComponent } from "./combined-model.js";
import type { IntervalCalibration } from "./interval-calibration.js";
import { COMBINATION, GLOBAL_MEMBER } from "./members.js";
import type { PointAdjustment } from "./point-adjustment.js";

/**
 * A trained predictor, stored as model.json: what every series is forecast with. Version 2: a series' forecast is
 * Σ_m w_m·f_m over `combination` (forecasting/auto/combined-model.ts), its SERIES_CHOICE component being the
 * series' own member in `choices`; seriesWeightsOf gives a series' members and weights. Forecasts, explanations
 * and what-if analyses read the weights here and nowhere else. Version 1 (before the combination: one member per
 * series, the global model among them) is read as a combination of the series' choice alone.
 */
export interface PredictorModel {
  version: 2;
  /** Each series' own member (the SERIES_CHOICE component), by the series key (JSON of the key values). */
  choices: Record<string, string>;
  /** The components and their dataset-level weights, learned from the backtests. */
  combination: CombinationRecord;
  nonNegative: boolean;
  /** Members fitted across all series (the global model), by member name: the file holding each fitted model. */
  memberFiles: Record<string, string>;
  /** The own member of a series new since training; unset means the combination (AutoPredictor). */
  fallback?: string;
  /** The quantiles' spread calibration learned from the backtests (interval-calibration.ts), applied to every
   * forecast after the combination; absent: none. */
  intervals?: IntervalCalibration;
  /** How the point forecast (the mean forecast type) is made from the calibrated combination for the predictor's
   * OptimizationMetric (members.ts POINT_FORECAST, point-adjustment.ts); absent: the combination's mean. */
  point?: PointAdjustment;
}

interface PredictorModelV1 {
  version: 1;
  choices: Record<string, string>;
  nonNegative: boolean;
  globalModelFile?: string;
  fallback?: string;
}

/** Reads a predictor's model.json (its ModelFile: a key, or a path in data dirs from before keys), either version. */
export async function readPredictorModel(
  files: { readText(ref: string): Promise<string> },
  ref: string,
): Promise<PredictorModel> {
  const stored = JSON.parse(await files.readText(ref)) as PredictorModel | PredictorModelV1;
  if (stored.version === 2) return stored;
  return {
    version: 2,
    choices: stored.choices,
    combination: soleComponent(SERIES_CHOICE),
    nonNegative: stored.nonNegative,
    memberFiles: stored.globalModelFile ? { [GLOBAL_MEMBER]: stored.globalModelFile } : {},
    fallback: stored.fallback,
  };
}

/** A series' members and their weights (zero weights left out), by the series key. */
export function seriesWeightsOf(model: PredictorModel, key: string): Map<string, number> {
  return seriesWeights(model.combination, model.choices[key] ?? model.fallback ?? COMBINATION);
}

/** A series' key in the model's `choices` (and everywhere series are matched by key): JSON of its key values. */
export const keyOf = (s: PreparedSeries): string => JSON.stringify(s.key);
