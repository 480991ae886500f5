// The covariate-aware global forecasting model (one GBDT across all series) and the attribution of its
// forecasts to the attributes is in explain/global-model.ts (explain depends on forecasting, not the reverse).

export { baselineRows, typicalMetadata } from "./baseline.js";
export type { CalendarField } from "./calendar.js";
export { calendarFields, calendarValue } from "./calendar.js";
export type { FeatureRows, RowRefs } from "./features.js";
export { featureRows } from "./features.js";
export type { ColumnOffsets, FeatureLayout } from "./layout.js";
export { columnOffsets, featureNames, layoutFor, nPlayers, playerGroups } from "./layout.js";
export type { GlobalFitOptions, GlobalModel } from "./model.js";
export {
  DEFAULT_MAX_TRAINING_ROWS,
  fitGlobalModel,
  forecastGlobal,
  GLOBAL_GBDT_PARAMS,
  MIN_GLOBAL_POINTS,
  meanEnsemble,
  seriesContexts,
} from "./model.js";
export type { GlobalModelJson } from "./model-json.js";
export { globalModelFromJson, globalModelToJson } from "./model-json.js";
