import { writeFile } from "node:fs/promises";
import type {
  CreateWhatIfAnalysisRequest,
  DeleteWhatIfAnalysisRequest,
  DescribeWhatIfAnalysisRequest,
  ListWhatIfAnalysesRequest,
} from "../contract/generated/forecast.js";
import { withConnection } from "../data/duckdb.js";
import { sqlIdent, sqlString } from "../data/sql.js";
import { inUse, invalidInput } from "../errors.js";
import { type JobContext, JobFailure, type JobHandler } from "../jobs/job-runner.js";
import { DELETABLE_STATUSES, STATUS } from "../jobs/statuses.js";
import { resourcePrefix, type Scratch } from "../storage/blob-store.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { buildArn } from "./arn.js";
import { checkUserTags, epochSeconds, insertNew, KIND_LABEL, newRecord, requireResource } from "./common.js";
import type { OperationHandler, Services } from "./context.js";
import { checkTimeSeriesSelector } from "./forecasts.js";
import { listPage } from "./listing.js";
import { readSeriesIdentifiers } from "./series-identifiers.js";

const KIND = "what-if-analysis";

export const CreateWhatIfAnalysis: OperationHandler<CreateWhatIfAnalysisRequest> = async (ctx, input) => {
  const tags = checkUserTags(input.Tags);
  const forecast = await requireResource(ctx, input.ForecastArn, ["forecast"]);
  if (forecast.attrs.CreatedUsingAutoPredictor !== true) {
    // Amazon: "You can only create a what-if analysis from a forecast that uses an AutoPredictor."
    throw invalidInput(
      `The forecast ${forecast.arn} was made with a legacy predictor (CreatePredictor); what-if analyses need a ` +
        "forecast of a predictor made with CreateAutoPredictor.",
    );
  }
  if (forecast.status !== STATUS.ACTIVE) {
    throw inUse(`The forecast ${forecast.arn} is ${forecast.status}; what-if analyses need it ACTIVE.`);
  }
  await checkTimeSeriesSelector(ctx, input.TimeSeriesSelector);
  const arn = buildArn(ctx, KIND, input.WhatIfAnalysisName);
  const record = newRecord(ctx, {
    arn,
    kind: KIND,
    name: input.WhatIfAnalysisName,
    parentArn: forecast.arn,
    status: STATUS.CREATE_PENDING,
    attrs: { ForecastArn: forecast.arn, TimeSeriesSelector: input.TimeSeriesSelector },
  });
  await insertNew(ctx, record, { tags });
  ctx.services.jobs.kick();
  return { WhatIfAnalysisArn: arn };
};

export const DescribeWhatIfAnalysis: OperationHandler<DescribeWhatIfAnalysisRequest> = async (ctx, input) => {
  const r = await requireResource(ctx, input.WhatIfAnalysisArn, [KIND]);
  return {
    WhatIfAnalysisName: r.name,
    WhatIfAnalysisArn: r.arn,
    ForecastArn: r.attrs.ForecastArn,
    EstimatedTimeRemainingInMinutes: r.attrs.EstimatedTimeRemainingInMinutes,
    Status: r.status,
    Message: r.message ?? undefined,
    CreationTime: epochSeconds(r.createdAt),
    LastModificationTime: epochSeconds(r.modifiedAt),
    TimeSeriesSelector: r.attrs.TimeSeriesSelector,
  };
};

export const ListWhatIfAnalyses: OperationHandler<ListWhatIfAnalysesRequest> = async (ctx, input) => {
  const page = await listPage(
    ctx,
    {
      operation: "ListWhatIfAnalyses",
      kind: KIND,
      // The model documents WhatIfAnalysisArn and Status; ForecastArn is what a user filters on in practice.
      filterKeys: { WhatIfAnalysisArn: "arn", ForecastArn: "parentArn", Status: "status" },
    },
    input,
  );
  return {
    WhatIfAnalyses: page.records.map((r) => ({
      WhatIfAnalysisArn: r.arn,
      WhatIfAnalysisName: r.name,
      ForecastArn: r.attrs.ForecastArn,
      Status: r.status,
      Message: r.message ?? undefined,
      CreationTime: epochSeconds(r.createdAt),
      LastModificationTime: epochSeconds(r.modifiedAt),
    })),
    NextToken: page.nextToken,
  };
};

export const DeleteWhatIfAnalysis: OperationHandler<DeleteWhatIfAnalysisRequest> = async (ctx, input) => {
  const analysis = await requireResource(ctx, input.WhatIfAnalysisArn, [KIND]);
  const dependent = (await ctx.services.store.children(analysis.arn))[0];
  if (dependent) {
    throw inUse(
      `The what-if analysis ${analysis.arn} has the ${KIND_LABEL[dependent.kind]} ${dependent.arn}; delete that ` +
        "first, or the whole tree with DeleteResourceTree.",
    );
  }
  if (!(await ctx.services.jobs.delete(analysis.arn, DELETABLE_STATUSES))) {
    throw inUse(
      `The what-if analysis ${analysis.arn} is ${analysis.status}; stop it or wait before deleting it.`,
    );
  }
  return {};
};

/** The series (JSON of their key values) of a forecast file (a local copy), in file order. */
export async function forecastFileKeys(
  file: string,
  keyNames: readonly string[],
  signal?: AbortSignal,
): Promise<string[]> {
  const columns = keyNames.map(sqlIdent).join(", ");
  const rows = await withConnection(signal, async (connection) => {
    const reader = await connection.runAndReadAll(
      `SELECT DISTINCT ${columns} FROM read_parquet(${sqlString(file)}) ORDER BY ${columns}`,
    );
    return reader.getRows() as unknown[][];
  });
  return rows.map((row) => JSON.stringify(row.map(String)));
}

/** The analysis' series, as its job recorded them: undefined when it takes all of the forecast's. */
export async function analysisSelection(
  services: Services,
  analysis: ResourceRecord,
): Promise<Set<string> | undefined> {
  if (!analysis.attrs.TimeSeriesSelector) return undefined;
  return new Set(JSON.parse(await services.blobs.readText(String(analysis.attrs.SelectionFile))) as string[]);
}

/**
 * An analysis' job reads its TimeSeriesSelector once, keeps the series of the baseline forecast it names, and
 * records them as an object of the analysis (attribute SelectionFile), so that every what-if forecast works on the
 * same series.
 */
export function whatIfAnalysisJobs(services: Services): JobHandler {
  return {
    async run(ctx: JobContext) {
      const scratch = await services.blobs.scratch(ctx.record.name);
      try {
        return await selectSeries(services, ctx, scratch);
      } finally {
        await scratch.dispose();
      }
    },
    async cleanup(record) {
      await services.blobs.deleteResource(record, KIND, record.name);
    },
    async remove(record) {
      await services.blobs.deleteResource(record, KIND, record.name);
    },
  };
}

/** The analysis job's work: its series, recorded as an object when a TimeSeriesSelector names some. */
async function selectSeries(
  services: Services,
  ctx: JobContext,
  scratch: Scratch,
): Promise<Record<string, unknown>> {
  const analysis = ctx.record;
  const forecast = await services.store.get(String(analysis.attrs.ForecastArn));
  if (!forecast || forecast.status !== STATUS.ACTIVE) {
    throw new JobFailure(
      `The forecast ${String(analysis.attrs.ForecastArn)} no longer exists or is not ACTIVE.`,
    );
  }
  const keyNames = forecast.attrs.KeyNames as string[];
  const baseline = await scratch.fetch(String(forecast.attrs.ForecastFile)).catch((e: unknown) => {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    services.log.warn({ err: e, arn: forecast.arn }, "a what-if analysis could not read its forecast");
    throw new JobFailure(`The data of the forecast ${forecast.arn} could not be read; create it again.`);
  });
  const all = await forecastFileKeys(baseline, keyNames, ctx.signal);
  const selector = analysis.attrs.TimeSeriesSelector as
    | CreateWhatIfAnalysisRequest["TimeSeriesSelector"]
    | undefined;
  const ids = selector?.TimeSeriesIdentifiers;
  if (!ids?.DataSource || !ids.Schema?.Attributes) return { SeriesCount: all.length, KeyNames: keyNames };
  const names = ids.Schema.Attributes.map((a) => a.AttributeName ?? "");
  const missing = keyNames.filter((k) => !names.some((n) => n.toLowerCase() === k.toLowerCase()));
  if (missing.length > 0 || names.length !== keyNames.length) {
    throw new JobFailure(
      `The TimeSeriesSelector's schema must name exactly the forecast's key fields ${keyNames.join(", ")} ` +
        `(in this order); it names ${names.join(", ")}.`,
    );
  }
  const wanted = new Set(
    await readSeriesIdentifiers(
      services,
      analysis.accountId,
      { path: ids.DataSource.S3Config.Path, attributeNames: names, format: ids.Format },
      ctx.signal,
    ),
  );
  const selected = all.filter((k) => wanted.has(k));
  if (selected.length === 0) {
    throw new JobFailure(
      `None of the ${wanted.size} series the TimeSeriesSelector names is in the forecast ${forecast.arn}.`,
    );
  }
  const local = scratch.file("selection.json");
  await writeFile(local, JSON.stringify(selected));
  const file = `${resourcePrefix(analysis, KIND, analysis.name)}selection.json`;
  await services.blobs.put(file, local);
  return { SeriesCount: selected.length, KeyNames: keyNames, SelectionFile: file };
}
