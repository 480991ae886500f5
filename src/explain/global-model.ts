// Impact scores of the attributes on the global model's forecast: the players are the related fields,
// metadata fields and holiday calendars (attributeNames order), each owning its feature columns; the game is
// the model's output with absent players held at their typical values (baseline.ts). Exact single-baseline
// TreeSHAP gives the Shapley values in O(trees·leaves·depth) per row; the brute-force path enumerates all 2^k
// coalitions of the same game and exists to check it.

import type { GbdtEnsemble } from "../forecasting/gbdt/ensemble.js";
import { predict } from "../forecasting/gbdt/ensemble.js";
import { type FeatureMatrix, readRow } from "../forecasting/gbdt/matrix.js";
import { baselineRows } from "../forecasting/global/baseline.js";
import { featureRows, type RowRefs } from "../forecasting/global/features.js";
import { checkSetMatches, nPlayers, playerGroups } from "../forecasting/global/layout.js";
import { type GlobalModel, meanEnsemble, predictUnits, seriesContexts } from "../forecasting/global/model.js";
import type { SeriesContext } from "../forecasting/global/series-context.js";
import { attributeNames, type SeriesSet } from "../forecasting/series-set.js";
import { baselineTreeShapBatch } from "./baseline-tree-shap.js";
import { exactShapleyBatched } from "./exact-shapley.js";
import { coalitionValueBatch } from "./hybrid-rows.js";

export interface ExplainPoints {
  series: number;
  /** 0-based horizon steps: step s is the forecast's point s, i.e. origin + s. */
  steps: number[];
}

export interface GlobalExplainOptions {
  /** Which forecast to explain: a quantile level the model was fitted for, or the mean. */
  quantile: number | "mean";
  /** Explain the forecast made at n − cutoff (as forecastGlobal's backtest option); default 0. */
  cutoff?: number;
}

export interface GlobalExplanation {
  /** The players, in column order of `raw`. */
  attributes: string[];
  /** Row-major rows × players, in target units: Shapley values of the model output. */
  raw: Float64Array;
  rows: { series: number; step: number }[];
  /** Model output per row in target units, before the non-negative floor and quantile ordering forecastGlobal
   * applies (so that each raw row sums exactly to forecast − baselineForecast). */
  forecast: Float64Array;
  /** Model output with every attribute at its typical value. */
  baselineForecast: Float64Array;
}

/** Rows explained per batch, bounding the two feature matrices held at once. */
const EXPLAIN_BATCH_ROWS = 16_384;

/** Exact Shapley impacts by TreeSHAP. */
export function explainGlobal(
  model: GlobalModel,
  set: SeriesSet,
  points: readonly ExplainPoints[],
  opts: GlobalExplainOptions,
): GlobalExplanation {
  return explainWith(model, set, points, opts, (e, X, B, groups, k) =>
    baselineTreeShapBatch(e, X, B, groups, k),
  );
}

/** The same Shapley values by enumerating every coalition (2^players model evaluations per row): a check. */
export function explainGlobalBruteForce(
  model: GlobalModel,
  set: SeriesSet,
  points: readonly ExplainPoints[],
  opts: GlobalExplainOptions,
): GlobalExplanation {
  return explainWith(model, set, points, opts, (e, X, B, groups, k) => {
    const out = new Float64Array(X.nRows * k);
    const predictBatch = (m: FeatureMatrix) => predict(e, m);
    for (let r = 0; r < X.nRows; r++) {
      const game = coalitionValueBatch(predictBatch, readRow(X, r), readRow(B, r), groups, k);
      out.set(exactShapleyBatched(game, k), r * k);
    }
    return out;
  });
}

type ShapleyMethod = (
  e: GbdtEnsemble,
  X: FeatureMatrix,
  baseline: FeatureMatrix,
  groups: Int32Array,
  nPlayers: number,
) => Float64Array;

/** The ensemble behind the asked forecast. */
export function explainedEnsemble(model: GlobalModel, quantile: number | "mean"): GbdtEnsemble {
  if (quantile === "mean") return meanEnsemble(model);
  const i = model.quantiles.findIndex((q) => Math.abs(q - quantile) < 1e-9);
  if (i < 0)
    throw new RangeError(`the model has no quantile ${quantile} (it has ${model.quantiles.join(", ")})`);
  return model.quantileModels[i];
}

function explainWith(
  model: GlobalModel,
  set: SeriesSet,
  points: readonly ExplainPoints[],
  opts: GlobalExplainOptions,
  shapley: ShapleyMethod,
): GlobalExplanation {
  const { layout } = model;
  checkSetMatches(layout, set);
  const ensemble = explainedEnsemble(model, opts.quantile);
  const contexts = seriesContexts(set, opts.cutoff ?? 0);
  const all = pointRows(points, contexts, layout.horizon);
  const groups = playerGroups(layout);
  const k = nPlayers(layout);
  const n = all.series.length;
  const raw = new Float64Array(n * k);
  const forecast = new Float64Array(n);
  const baselineForecast = new Float64Array(n);
  for (let from = 0; from < n; from += EXPLAIN_BATCH_ROWS) {
    const to = Math.min(n, from + EXPLAIN_BATCH_ROWS);
    const rows: RowRefs = {
      series: all.series.subarray(from, to),
      origin: all.origin.subarray(from, to),
      step: all.step.subarray(from, to),
    };
    const { X, scale } = featureRows(layout, contexts, rows);
    const B = baselineRows(layout, contexts, rows, X, model.typicalMetadata);
    const phi = shapley(ensemble, X, B, groups, k);
    // The model is linear in its output: scaling a row's output scales its Shapley values alike.
    for (let r = 0; r < to - from; r++) for (let p = 0; p < k; p++) phi[r * k + p] *= scale[r];
    raw.set(phi, from * k);
    forecast.set(predictUnits(ensemble, X, scale), from);
    baselineForecast.set(predictUnits(ensemble, B, scale), from);
  }
  return {
    attributes: attributeNames(set),
    raw,
    rows: Array.from(all.series, (series, r) => ({ series, step: all.step[r] })),
    forecast,
    baselineForecast,
  };
}

/** One row per requested (series, step), at each series' usable history end. */
function pointRows(
  points: readonly ExplainPoints[],
  contexts: readonly SeriesContext[],
  horizon: number,
): RowRefs {
  let n = 0;
  for (const p of points) {
    if (!(Number.isInteger(p.series) && p.series >= 0 && p.series < contexts.length)) {
      throw new RangeError(`no series ${p.series}`);
    }
    for (const s of p.steps) {
      if (!(Number.isInteger(s) && s >= 0 && s < horizon))
        throw new RangeError(`step ${s} is outside [0, ${horizon})`);
    }
    n += p.steps.length;
  }
  const rows: RowRefs = { series: new Int32Array(n), origin: new Int32Array(n), step: new Int32Array(n) };
  let r = 0;
  for (const p of points) {
    for (const s of p.steps) {
      rows.series[r] = p.series;
      rows.origin[r] = contexts[p.series].end;
      rows.step[r] = s;
      r++;
    }
  }
  return rows;
}
