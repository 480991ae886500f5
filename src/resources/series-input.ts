import { prepareSeries } from "../data/series-preparation.js";
import type { SeriesSet } from "../forecasting/series-set.js";
import type { Scratch } from "../storage/blob-store.js";
import type { ResourceRecord, ResourceStore } from "../store/resource-store.js";
import { dataFileOf, groupDatasets, schemaOf } from "./group-data.js";

/**
 * Prepares a predictor's series from its dataset group's current data, with the predictor's configuration.
 * Training and forecasting both go through here, so a forecast sees the data exactly as training did, only newer.
 * The datasets' objects are fetched into the job's `scratch`.
 */
export async function predictorSeries(
  store: ResourceStore,
  predictor: ResourceRecord,
  signal: AbortSignal,
  scratch: Scratch,
): Promise<{ set: SeriesSet; importJobArns: string[] }> {
  const group = await store.get(String(predictor.attrs.DatasetGroupArn));
  if (!group)
    throw new Error(`the dataset group ${String(predictor.attrs.DatasetGroupArn)} no longer exists`);
  const datasets = await groupDatasets(store, group);
  const target = datasets.target;
  const targetRef = dataFileOf(target);
  if (!target || !targetRef)
    throw new Error(`the dataset group ${group.arn} has no imported target time series data`);
  const targetFile = await scratch.fetch(targetRef);
  const dataConfig = predictor.attrs.DataConfig as {
    AttributeConfigs?: { AttributeName: string; Transformations: Record<string, string> }[];
  };
  const local = async (ref: string | undefined) => (ref === undefined ? undefined : scratch.fetch(ref));
  const relatedFile = await local(dataFileOf(datasets.related));
  const metadataFile = await local(dataFileOf(datasets.metadata));
  const set = await prepareSeries({
    target: { file: targetFile, schema: schemaOf(target), frequency: String(target.attrs.DataFrequency) },
    related:
      datasets.related && relatedFile
        ? {
            file: relatedFile,
            schema: schemaOf(datasets.related),
            frequency: String(datasets.related.attrs.DataFrequency),
          }
        : undefined,
    metadata:
      datasets.metadata && metadataFile
        ? { file: metadataFile, schema: schemaOf(datasets.metadata) }
        : undefined,
    itemIdField: datasets.itemIdField,
    targetField: datasets.targetField,
    forecastFrequency: String(predictor.attrs.ForecastFrequency),
    forecastDimensions: (predictor.attrs.ForecastDimensions as string[] | undefined) ?? [],
    horizon: Number(predictor.attrs.ForecastHorizon),
    attributeConfigs: dataConfig.AttributeConfigs,
    timeAlignmentBoundary: predictor.attrs.TimeAlignmentBoundary as never,
    holidayCountries: (predictor.attrs.HolidayCountries as string[] | undefined) ?? [],
    signal,
  });
  const importJobArns = [target, datasets.related, datasets.metadata]
    .map((d) => d?.attrs.LatestImportJobArn as string | undefined)
    .filter((a): a is string => a !== undefined);
  return { set, importJobArns };
}
