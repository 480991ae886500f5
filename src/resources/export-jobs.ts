import { inUse, limitExceeded } from "../errors.js";
import { type ExportColumn, exportTimestamp, folderPrefix, parseExportDestination } from "../export/index.js";
import { BUSY_STATUSES, DELETABLE_STATUSES, STATUS } from "../jobs/statuses.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { buildArn } from "./arn.js";
import {
  checkUserTags,
  epochSeconds,
  insertNew,
  KIND_LABEL,
  newRecord,
  requireResource,
  type Tag,
} from "./common.js";
import type { RequestContext, Services } from "./context.js";
import { type ListInput, listPage } from "./listing.js";
import { checkS3Config } from "./s3-access.js";

export interface S3Destination {
  S3Config: { Path: string; RoleArn: string; KMSKeyArn?: string };
}

/** One folder of an export: its files come from a DuckDB query over the resource's stored results. */
export interface ExportPartSet {
  /** Sub-folder under the destination path ("" for none). */
  folder: string;
  sql: string;
  columns: ExportColumn[];
}

/** What differs between forecast, backtest and explainability exports. */
export interface ExportKind {
  kind:
    | "forecast-export-job"
    | "predictor-backtest-export-job"
    | "explainability-export"
    | "what-if-forecast-export";
  parentKind: "forecast" | "predictor" | "explainability" | "what-if-analysis";
  /** Member names in the requests and responses. */
  nameMember: string;
  arnMember: string;
  parentArnMember: string;
  /** At most this many of this kind may run at once per account (LimitExceededException beyond). */
  maxRunning?: (services: Services) => number;
  /**
   * The attribute of the parent holding the object the export reads (a key; an old path in old data dirs). A
   * forecast's ForecastFile and an explainability's ImpactFile are the parent's own files, fetched by version
   * (resources/own-files.ts); a predictor's BacktestFile is fetched without one.
   */
  sourceAttribute?: "ForecastFile" | "BacktestFile" | "ImpactFile";
  /**
   * For kinds that read several objects (a what-if forecast export reads each of its what-if forecasts): their
   * keys and, where the object is a resource's own file, its version, from the export's own attributes. Each is
   * fetched, and the local files reach `parts` as `files`.
   */
  sources?(record: ResourceRecord): { key: string; version?: string }[];
  /**
   * The files to write for a parent, whose source object is fetched to `file` (local); `record` is the export
   * job, `files` the local copies of its `sources`.
   */
  parts(
    services: Services,
    parent: ResourceRecord,
    file: string,
    record?: ResourceRecord,
    files?: string[],
  ): ExportPartSet[];
}

export async function createExport(
  ctx: RequestContext,
  spec: ExportKind,
  input: {
    name: string;
    parentArn: string;
    destination: S3Destination;
    format?: string;
    tags?: readonly Tag[];
    /** Further attributes and the resources the export reads besides its parent (what-if forecast exports). */
    attrs?: Record<string, unknown>;
    refs?: readonly string[];
  },
): Promise<string> {
  const tags = checkUserTags(input.tags);
  const parent = await requireResource(ctx, input.parentArn, [spec.parentKind]);
  if (parent.status !== STATUS.ACTIVE) {
    throw inUse(
      `The ${KIND_LABEL[parent.kind]} ${parent.arn} is ${parent.status}; it can be exported once ACTIVE.`,
    );
  }
  const s3 = input.destination.S3Config;
  await checkS3Config(ctx, s3, "write", parseExportDestination);
  // A what-if forecast export is named on its own (what-if-forecast-export/<name>), the others under their parent.
  const arn =
    spec.kind === "what-if-forecast-export"
      ? buildArn(ctx, spec.kind, input.name)
      : buildArn(ctx, spec.kind, input.name, parent.name);
  const record = newRecord(ctx, {
    arn,
    kind: spec.kind,
    name: input.name,
    parentArn: parent.arn,
    status: STATUS.CREATE_PENDING,
    attrs: {
      [spec.parentArnMember]: parent.arn,
      Destination: input.destination,
      Format: input.format ?? "CSV",
      ...input.attrs,
    },
  });
  // The per-account limit on running jobs of this kind is checked atomically with the insert.
  const limit = spec.maxRunning?.(ctx.services);
  const outcome = await insertNew(ctx, record, {
    tags,
    refs: input.refs,
    guard:
      limit === undefined
        ? undefined
        : {
            maxActive: {
              kind: spec.kind,
              scope: { accountId: ctx.accountId, region: ctx.region },
              statuses: [STATUS.CREATE_PENDING, STATUS.CREATE_IN_PROGRESS],
              limit,
            },
          },
  });
  if (!outcome.inserted && outcome.reason === "limit") {
    throw limitExceeded(
      `${outcome.count} ${KIND_LABEL[spec.kind]}s are already running for this account; the limit is ${limit}. ` +
        "Wait for one to finish.",
    );
  }
  ctx.services.jobs.kick();
  return arn;
}

export function describeExport(spec: ExportKind, r: ResourceRecord): Record<string, unknown> {
  return {
    [spec.arnMember]: r.arn,
    [spec.nameMember]: r.name,
    [spec.parentArnMember]: r.attrs[spec.parentArnMember],
    Destination: r.attrs.Destination,
    Message: r.message ?? undefined,
    Status: r.status,
    CreationTime: epochSeconds(r.createdAt),
    LastModificationTime: epochSeconds(r.modifiedAt),
    Format: r.attrs.Format,
  };
}

export async function listExports(
  ctx: RequestContext,
  spec: ExportKind,
  operation: string,
  input: ListInput,
  filterKeys: Record<string, string>,
): Promise<{ items: Record<string, unknown>[]; NextToken?: string }> {
  const page = await listPage(ctx, { operation, kind: spec.kind, filterKeys }, input);
  return {
    items: page.records.map((r) => ({
      [spec.arnMember]: r.arn,
      [spec.nameMember]: r.name,
      Destination: r.attrs.Destination,
      Status: r.status,
      Message: r.message ?? undefined,
      CreationTime: epochSeconds(r.createdAt),
      LastModificationTime: epochSeconds(r.modifiedAt),
    })),
    NextToken: page.nextToken,
  };
}

export async function deleteExport(ctx: RequestContext, spec: ExportKind, arn: string): Promise<void> {
  const record = await requireResource(ctx, arn, [spec.kind]);
  if (
    BUSY_STATUSES.includes(record.status) ||
    !(await ctx.services.jobs.delete(record.arn, DELETABLE_STATUSES))
  ) {
    throw inUse(
      `The ${KIND_LABEL[spec.kind]} ${record.arn} is ${record.status}; stop it or wait before deleting it.`,
    );
  }
}

/** Where a job's files go: destination bucket, the folder, and the name stem fixed by the creation time. */
export function placement(record: ResourceRecord) {
  const destination = record.attrs.Destination as S3Destination;
  const { bucket, prefix } = parseExportDestination(destination.S3Config.Path);
  return {
    bucket,
    prefix,
    kmsKeyArn: destination.S3Config.KMSKeyArn,
    baseName: `${record.name}_${exportTimestamp(new Date(record.createdAt))}`,
  };
}

/** The most output files exportOutputFiles lists. */
export const MAX_LISTED_EXPORT_FILES = 500;

/**
 * The files an export wrote (its parts, in every folder), read back from its destination: what the console lists.
 * Empty until the export is ACTIVE.
 */
export async function exportOutputFiles(
  ctx: RequestContext,
  spec: ExportKind,
  arn: string,
): Promise<{ bucket: string; files: { key: string; size: number }[] }> {
  const record = await requireResource(ctx, arn, [spec.kind]);
  const { bucket, prefix, baseName } = placement(record);
  if (record.status !== STATUS.ACTIVE) return { bucket, files: [] };
  const parent = await ctx.services.store.get(String(record.attrs[spec.parentArnMember]));
  const folders = parent ? spec.parts(ctx.services, parent, "", record).map((p) => p.folder) : [""];
  const store = ctx.services.objectStoreFor(record.accountId);
  const files: { key: string; size: number }[] = [];
  for (const folder of new Set(folders)) {
    const stem = `${folderPrefix(folder ? `${folderPrefix(prefix)}${folder}` : prefix)}${baseName}_part`;
    for (const object of await store.listObjects(bucket, stem)) {
      if (files.length < MAX_LISTED_EXPORT_FILES) files.push({ key: object.key, size: object.size });
    }
  }
  return { bucket, files };
}
