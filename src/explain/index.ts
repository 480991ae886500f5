// Shapley impact scores of attributes ("players", each owning one or more feature columns) against a baseline:
// exact and fast for tree ensembles, exact by enumeration or sampled for any model with batch prediction.

export type { AggregateImpacts, AttributeKind } from "./aggregate-impacts.js";
export { aggregateImpacts, ImpactAggregator } from "./aggregate-impacts.js";
export { BaselineTreeShap, baselineTreeShap, baselineTreeShapBatch } from "./baseline-tree-shap.js";
export type { CombinedExplanation, MemberExplanation } from "./combined.js";
export { addScaled, combineExplanations } from "./combined.js";
export {
  allCoalitions,
  exactShapley,
  exactShapleyBatched,
  MAX_EXACT_PLAYERS,
  popcount,
  shapleyFromCoalitionValues,
} from "./exact-shapley.js";
export type { ExplainPoints, GlobalExplainOptions, GlobalExplanation } from "./global-model.js";
export { explainedEnsemble, explainGlobal, explainGlobalBruteForce } from "./global-model.js";
export { checkGroups, MAX_MASK_PLAYERS } from "./groups.js";
export type { CoalitionValueBatch } from "./hybrid-rows.js";
export { coalitionValueBatch, hybridRow, hybridRows } from "./hybrid-rows.js";
export { maxAbs, normalizeImpacts } from "./normalize.js";
export type { SampledShapleyOptions } from "./sampled-shapley.js";
export { sampledShapley } from "./sampled-shapley.js";
export { binomial, leafWeightTable, shapleyWeights } from "./shapley-weights.js";
