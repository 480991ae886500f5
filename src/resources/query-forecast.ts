import type { QueryForecastRequest } from "../contract/generated/forecastquery.js";
import { withConnection } from "../data/duckdb.js";
import { sqlIdent, sqlString } from "../data/sql.js";
import { inUse, invalidInput, invalidNextToken, notFound } from "../errors.js";
import { STATUS } from "../jobs/statuses.js";
import type { BlobStore } from "../storage/blob-store.js";
import { requireResource } from "./common.js";
import type { OperationHandler } from "./context.js";
import { forecastTypeColumn } from "./forecast-files.js";
import { ownFileVersion } from "./own-files.js";

/** The form StartDate and EndDate take, and Timestamps come back in. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** The forecast of one series, optionally cut to [StartDate, EndDate], by forecast type. */
export const QueryForecast: OperationHandler<QueryForecastRequest> = async (ctx, input) => {
  const forecast = await requireResource(ctx, input.ForecastArn, ["forecast"]);
  if (forecast.status !== STATUS.ACTIVE) {
    throw inUse(`The forecast ${forecast.arn} is ${forecast.status}; it can be queried once ACTIVE.`);
  }
  return queryForecastFile(
    ctx.services.blobs,
    {
      operation: "QueryForecast",
      arn: forecast.arn,
      file: String(forecast.attrs.ForecastFile),
      version: ownFileVersion(forecast),
      keyNames: forecast.attrs.KeyNames as string[],
      types: forecast.attrs.ForecastTypes as string[],
    },
    input,
  );
};

/** A stored forecast file (of a forecast or a what-if forecast) to answer a query from. */
export interface QueriedForecast {
  operation: string;
  arn: string;
  /** The key of the forecast's object in the internal bucket. */
  file: string;
  /**
   * The resource's creation time: its file is written before it turns ACTIVE and never rewritten while it lives,
   * so a cached copy checked once for this version is served without a HeadObject (storage/blob-store.ts,
   * "Immutable keys"). Absent: the copy is checked against the object (HeadObject) on every query.
   */
  version?: string;
  keyNames: string[];
  types: string[];
}

/** QueryForecast's and QueryWhatIfForecast's answer: one series of a forecast file, by forecast type. */
export async function queryForecastFile(
  blobs: BlobStore,
  forecast: QueriedForecast,
  input: Pick<QueryForecastRequest, "StartDate" | "EndDate" | "Filters" | "NextToken">,
): Promise<{ Forecast: { Predictions: Record<string, { Timestamp: string; Value: number }[]> } }> {
  if (input.NextToken !== undefined) {
    throw invalidNextToken(
      `${forecast.operation} returns a whole series at once; it never hands out a NextToken.`,
    );
  }
  for (const [name, value] of [
    ["StartDate", input.StartDate],
    ["EndDate", input.EndDate],
  ] as const) {
    if (value !== undefined && !DATE_TIME.test(value)) {
      throw invalidInput(`${name} must look like 2024-01-31T00:00:00 (yyyy-MM-ddTHH:mm:ss), not "${value}".`);
    }
  }
  if (input.StartDate && input.EndDate && input.StartDate > input.EndDate) {
    throw invalidInput(`StartDate ${input.StartDate} is after EndDate ${input.EndDate}.`);
  }
  const { keyNames, types, file } = forecast;
  const filters = Object.entries(input.Filters);
  for (const [name] of filters) {
    if (!keyNames.includes(name)) {
      throw invalidInput(
        `Filters can name the series key fields ${keyNames.join(", ")}; ${name} is not one of them.`,
      );
    }
  }
  if (!filters.some(([name]) => name === keyNames[0])) {
    throw invalidInput(`Filters must include ${keyNames[0]}.`);
  }
  const where = filters.map(([name, value]) => `${sqlIdent(name)} = ${sqlString(value)}`);
  if (input.StartDate) where.push(`date >= ${sqlString(input.StartDate)}`);
  if (input.EndDate) where.push(`date <= ${sqlString(input.EndDate)}`);
  // The forecast's object, from the local cache when this version of it was read before.
  const lease = await blobs.fetch(file, { version: forecast.version });
  const rows = await withConnection(undefined, async (connection) => {
    const reader = await connection.runAndReadAll(
      `SELECT ${keyNames.map(sqlIdent).join(", ")}, date, ${types.map((t) => sqlIdent(forecastTypeColumn(t))).join(", ")}
       FROM read_parquet(${sqlString(lease.path)}) WHERE ${where.join(" AND ")} ORDER BY ${keyNames.map(sqlIdent).join(", ")}, date`,
    );
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  }).finally(() => lease.release());
  const seriesKeys = new Set(rows.map((r) => JSON.stringify(keyNames.map((k) => r[k]))));
  if (seriesKeys.size > 1) {
    throw invalidInput(
      `The filters match ${seriesKeys.size} series; add ${keyNames.filter((k) => !input.Filters[k]).join(", ")} to name one.`,
    );
  }
  if (seriesKeys.size === 0) {
    const anyDates = input.StartDate || input.EndDate;
    throw notFound(
      anyDates
        ? "No forecast point of that series lies between StartDate and EndDate, or the series is not in this forecast."
        : `The ${forecast.operation === "QueryForecast" ? "forecast" : "what-if forecast"} ${forecast.arn} has no series matching ${JSON.stringify(input.Filters)}.`,
    );
  }
  const predictions: Record<string, { Timestamp: string; Value: number }[]> = {};
  for (const type of types) {
    const column = forecastTypeColumn(type);
    predictions[column] = rows.map((r) => ({ Timestamp: String(r.date), Value: Number(r[column]) }));
  }
  return { Forecast: { Predictions: predictions } };
}
