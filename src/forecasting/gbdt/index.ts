// Histogram gradient-boosted regression trees: train on a column-major feature matrix, predict in batch,
// serialise as plain arrays. Categorical features are taken as integer codes on a numeric (ordinal) scale.

export type { Rng } from "../rng.js";
export { createRng, randomInt } from "../rng.js";
export type { BinMapper } from "./binning.js";
export { binMatrix, binOf, fitBinMapper, MAX_VALUE_BINS, MISSING_BIN } from "./binning.js";
export type { GbdtEnsemble, GbdtEnsembleJson, GbdtObjective } from "./ensemble.js";
export {
  ensembleFromJson,
  ensembleToJson,
  maxDepth,
  nTrees,
  predict,
  predictRow,
  truncateEnsemble,
} from "./ensemble.js";
export type { Loss } from "./loss.js";
export { quantileLoss, squaredLoss } from "./loss.js";
export type { FeatureMatrix } from "./matrix.js";
export { featureMatrix, matrixFromRows, readRow } from "./matrix.js";
export type { PackedTrees } from "./packed.js";
export { packTrees } from "./packed.js";
export type { GbdtParams, GbdtTrainResult, ValidationSet } from "./train.js";
export { DEFAULT_GBDT_PARAMS, resolveParams, trainGbdt } from "./train.js";
