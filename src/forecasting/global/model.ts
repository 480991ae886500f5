// A direct multi-horizon global GBDT: one set of trees across all series (as AutoPredictor's learned members
// do), predicting y[origin + step] / scale from the row built in features.ts, with one ensemble per quantile
// level and a squared-loss one for the mean. "Direct" means every step has its own rows (the step is a
// feature), so no forecast is fed back as an input and errors do not compound along the horizon.

import type { GbdtEnsemble } from "../gbdt/ensemble.js";
import { predict } from "../gbdt/ensemble.js";
import type { FeatureMatrix } from "../gbdt/matrix.js";
import { type GbdtParams, trainGbdt } from "../gbdt/train.js";
import {
  checkQuantileLevels,
  clampNonNegative,
  enforceMonotoneQuantiles,
  type SeriesForecast,
} from "../model.js";
import type { SeriesSet } from "../series-set.js";
import { typicalMetadata } from "./baseline.js";
import { featureRows, type RowRefs } from "./features.js";
import { checkSetMatches, type FeatureLayout, layoutFor } from "./layout.js";
import { checkSeriesShape, SeriesContext } from "./series-context.js";
import { sampleTrainingRows } from "./training-rows.js";

export interface GlobalModel {
  layout: FeatureLayout;
  /** Quantile levels, in the order requested; quantileModels[i] predicts quantiles[i]. */
  quantiles: number[];
  quantileModels: GbdtEnsemble[];
  /** The squared-loss ensemble; null when the mean was not asked for (see forecastGlobal). */
  mean: GbdtEnsemble | null;
  /** Every training target was >= 0, so forecasts are floored at 0. */
  nonNegative: boolean;
  /** Per metadata field, the explanation baseline's value (baseline.ts), fixed at fit time. */
  typicalMetadata: Float64Array;
  trainingRows: number;
}

export interface GlobalFitOptions {
  quantiles: number[];
  /** Train the mean ensemble too (default true). */
  includeMean?: boolean;
  /** Seeds row sampling and every ensemble (default 42). */
  seed?: number;
  /** Most (series, origin, step) rows trained on (default 200,000). */
  maxTrainingRows?: number;
  /** Overrides of GLOBAL_GBDT_PARAMS; objective, alpha and seed are set here. */
  params?: Partial<GbdtParams>;
  /** Checked between the ensembles (one ensemble's training is not interrupted). */
  signal?: AbortSignal;
  /** Use only history before this many points from each series' end (backtests); default 0. */
  cutoff?: number;
}

/** Tree settings for this model: shallow-ish trees, a leaf size that ignores single odd days. */
export const GLOBAL_GBDT_PARAMS: Readonly<Partial<GbdtParams>> = {
  nTrees: 150,
  learningRate: 0.1,
  maxDepth: 6,
  minDataInLeaf: 40,
  lambdaL2: 1,
};

export const DEFAULT_MAX_TRAINING_ROWS = 200_000;

/** Below this many history points in all, a model across series has too little to learn from. */
export const MIN_GLOBAL_POINTS = 200;

/** Contexts over each series' usable history: the target before n − cutoff. */
export function seriesContexts(set: SeriesSet, cutoff: number): SeriesContext[] {
  if (!(Number.isInteger(cutoff) && cutoff >= 0))
    throw new RangeError(`cutoff must be an integer >= 0, got ${cutoff}`);
  return set.series.map((s, i) => {
    checkSeriesShape(
      s,
      i,
      set.horizon,
      set.relatedNames.length,
      set.metadataNames.length,
      set.holidayCountries.length,
    );
    return new SeriesContext(s, Math.max(0, s.target.length - cutoff));
  });
}

export function fitGlobalModel(set: SeriesSet, opts: GlobalFitOptions): GlobalModel {
  checkQuantileLevels(opts.quantiles);
  const includeMean = opts.includeMean ?? true;
  if (opts.quantiles.length === 0 && !includeMean)
    throw new RangeError("nothing to fit: no quantiles and no mean");
  const seed = opts.seed ?? 42;
  const maxRows = opts.maxTrainingRows ?? DEFAULT_MAX_TRAINING_ROWS;
  if (!(Number.isInteger(maxRows) && maxRows >= 1)) throw new RangeError(`bad maxTrainingRows ${maxRows}`);
  const layout = layoutFor(set);
  const contexts = seriesContexts(set, opts.cutoff ?? 0);
  opts.signal?.throwIfAborted();

  const rows = sampleTrainingRows(contexts, {
    horizon: layout.horizon,
    minOrigin: layout.shortWindow,
    maxRows,
    seed,
  });
  const nRows = rows.series.length;
  if (nRows === 0) throw new RangeError("no training rows: every series is too short or has no known target");
  const { X, scale } = featureRows(layout, contexts, rows);
  const y = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) {
    y[r] = contexts[rows.series[r]].series.target[rows.origin[r] + rows.step[r]] / scale[r];
  }
  opts.signal?.throwIfAborted();

  const base = { ...GLOBAL_GBDT_PARAMS, ...opts.params, seed };
  const train = (extra: Partial<GbdtParams>) => {
    opts.signal?.throwIfAborted();
    return trainGbdt(X, y, { ...base, ...extra }).ensemble;
  };
  const mean = includeMean ? train({ objective: "squared" }) : null;
  const quantileModels = opts.quantiles.map((alpha) => train({ objective: "quantile", alpha }));
  return {
    layout,
    quantiles: [...opts.quantiles],
    quantileModels,
    mean,
    nonNegative: contexts.every((c) => c.nonNegative()),
    typicalMetadata: typicalMetadata(layout, set.series),
    trainingRows: nRows,
  };
}

/** Model output in target units: the ensemble's prediction times each row's scale. Unclamped. */
export function predictUnits(e: GbdtEnsemble, X: FeatureMatrix, scale: Float64Array): Float64Array {
  const p = predict(e, X);
  for (let r = 0; r < p.length; r++) p[r] *= scale[r];
  return p;
}

/** The ensemble behind the forecast's mean: its own, else the quantile level nearest 0.5. */
export function meanEnsemble(model: GlobalModel): GbdtEnsemble {
  if (model.mean) return model.mean;
  let best = 0;
  model.quantiles.forEach((q, i) => {
    if (Math.abs(q - 0.5) < Math.abs(model.quantiles[best] - 0.5)) best = i;
  });
  return model.quantileModels[best];
}

/** Rows of every horizon step of the given series, from each one's usable history end. */
export function horizonRows(
  seriesIndices: readonly number[],
  contexts: readonly SeriesContext[],
  horizon: number,
): RowRefs {
  const n = seriesIndices.length * horizon;
  const rows: RowRefs = { series: new Int32Array(n), origin: new Int32Array(n), step: new Int32Array(n) };
  seriesIndices.forEach((i, k) => {
    for (let s = 0; s < horizon; s++) {
      rows.series[k * horizon + s] = i;
      rows.origin[k * horizon + s] = contexts[i].end;
      rows.step[k * horizon + s] = s;
    }
  });
  return rows;
}

/** Rows per batch in forecasting, bounding the feature matrix held at once. */
const FORECAST_BATCH_ROWS = 16_384;

/**
 * One forecast per series for the `horizon` points after its history (or after n − cutoff for a backtest):
 * quantiles made non-crossing, everything floored at 0 when the training targets were non-negative. With `raw`,
 * the ensembles' output as it is (what a weighted combination sums before finishing it, and what the
 * explanation's efficiency refers to).
 */
export function forecastGlobal(
  model: GlobalModel,
  set: SeriesSet,
  opts: { cutoff?: number; raw?: boolean } = {},
): SeriesForecast[] {
  const { layout } = model;
  checkSetMatches(layout, set);
  const contexts = seriesContexts(set, opts.cutoff ?? 0);
  const H = layout.horizon;
  const meanModel = meanEnsemble(model);
  const out: SeriesForecast[] = [];
  const perBatch = Math.max(1, Math.floor(FORECAST_BATCH_ROWS / H));
  for (let from = 0; from < contexts.length; from += perBatch) {
    const ids = Array.from({ length: Math.min(perBatch, contexts.length - from) }, (_, k) => from + k);
    const { X, scale } = featureRows(layout, contexts, horizonRows(ids, contexts, H));
    const qs = model.quantileModels.map((e) => predictUnits(e, X, scale));
    // Without a mean ensemble the mean is one of the quantiles: predicted once.
    const shared = model.quantileModels.indexOf(meanModel);
    const mean = shared >= 0 ? qs[shared] : predictUnits(meanModel, X, scale);
    ids.forEach((_, k) => {
      const f: SeriesForecast = {
        mean: mean.slice(k * H, (k + 1) * H),
        quantiles: qs.map((q) => q.slice(k * H, (k + 1) * H)),
      };
      if (opts.raw) {
        out.push(f);
        return;
      }
      enforceMonotoneQuantiles(model.quantiles, f.quantiles);
      out.push(model.nonNegative ? clampNonNegative(f) : f);
    });
  }
  return out;
}
