// The global model as JSON: the layout as it is, ensembles through the GBDT's own format, NaN as null.

import { ensembleFromJson, ensembleToJson, type GbdtEnsembleJson } from "../gbdt/ensemble.js";
import { columnOffsets, type FeatureLayout } from "./layout.js";
import type { GlobalModel } from "./model.js";

export interface GlobalModelJson {
  format: "openforecast-global-gbdt";
  version: 1;
  layout: FeatureLayout;
  quantiles: number[];
  quantileModels: GbdtEnsembleJson[];
  mean: GbdtEnsembleJson | null;
  nonNegative: boolean;
  /** null stands for NaN (no item had a value). */
  typicalMetadata: (number | null)[];
  trainingRows: number;
}

export function globalModelToJson(m: GlobalModel): GlobalModelJson {
  return {
    format: "openforecast-global-gbdt",
    version: 1,
    layout: structuredClone(m.layout),
    quantiles: [...m.quantiles],
    quantileModels: m.quantileModels.map(ensembleToJson),
    mean: m.mean ? ensembleToJson(m.mean) : null,
    nonNegative: m.nonNegative,
    typicalMetadata: Array.from(m.typicalMetadata, (v) => (Number.isNaN(v) ? null : v)),
    trainingRows: m.trainingRows,
  };
}

export function globalModelFromJson(j: GlobalModelJson): GlobalModel {
  if (j.format !== "openforecast-global-gbdt" || j.version !== 1) {
    throw new TypeError("not an openforecast-global-gbdt v1 model");
  }
  if (j.quantileModels.length !== j.quantiles.length)
    throw new TypeError("one quantile model per level expected");
  if (j.typicalMetadata.length !== j.layout.metadataNames.length)
    throw new TypeError("typical metadata length differs");
  const quantileModels = j.quantileModels.map(ensembleFromJson);
  const mean = j.mean ? ensembleFromJson(j.mean) : null;
  const nFeatures = columnOffsets(j.layout).nFeatures;
  for (const e of mean ? [mean, ...quantileModels] : quantileModels) {
    if (e.nFeatures !== nFeatures)
      throw new TypeError(`an ensemble has ${e.nFeatures} features, layout ${nFeatures}`);
  }
  return {
    layout: structuredClone(j.layout),
    quantiles: [...j.quantiles],
    quantileModels,
    mean,
    nonNegative: j.nonNegative,
    typicalMetadata: Float64Array.from(j.typicalMetadata, (v) => (v === null ? Number.NaN : v)),
    trainingRows: j.trainingRows,
  };
}
