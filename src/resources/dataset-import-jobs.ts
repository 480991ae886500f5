import type {
  CreateDatasetImportJobRequest,
  DeleteDatasetImportJobRequest,
  DescribeDatasetImportJobRequest,
  ListDatasetImportJobsRequest,
} from "../contract/generated/forecast.js";
import { inUse, invalidInput } from "../errors.js";
import { BUSY_STATUSES, DELETABLE_STATUSES, STATUS } from "../jobs/statuses.js";
import { buildArn } from "./arn.js";
import { checkUserTags, epochSeconds, insertNew, newRecord, requireResource } from "./common.js";
import type { OperationHandler } from "./context.js";
import type { SchemaAttribute } from "./domains.js";
import { listPage } from "./listing.js";
import { checkS3Config } from "./s3-access.js";

const KIND = "dataset-import-job";
/** Amazon's default when TimestampFormat is absent. */
const DEFAULT_TIMESTAMP_FORMAT = "yyyy-MM-dd HH:mm:ss";

export const CreateDatasetImportJob: OperationHandler<CreateDatasetImportJobRequest> = async (ctx, input) => {
  const tags = checkUserTags(input.Tags);
  const dataset = await requireResource(ctx, input.DatasetArn, ["dataset"]);
  if (dataset.status !== STATUS.ACTIVE) {
    throw inUse(`The dataset ${dataset.arn} is ${dataset.status}; imports need it ACTIVE.`);
  }
  const s3 = input.DataSource.S3Config;
  await checkS3Config(ctx, s3, "read");
  const attributes = (dataset.attrs.Schema as { Attributes: SchemaAttribute[] }).Attributes;
  const hasGeolocation = attributes.some((a) => a.AttributeType === "geolocation");
  if (input.UseGeolocationForTimeZone) {
    if (input.TimeZone !== undefined) {
      throw invalidInput("Give either TimeZone or UseGeolocationForTimeZone, not both.");
    }
    if (!hasGeolocation) {
      throw invalidInput("UseGeolocationForTimeZone needs a geolocation attribute in the dataset's schema.");
    }
  }
  if (input.GeolocationFormat !== undefined) {
    if (!hasGeolocation)
      throw invalidInput("GeolocationFormat needs a geolocation attribute in the dataset's schema.");
    if (input.GeolocationFormat !== "LAT_LONG" && input.GeolocationFormat !== "CC_POSTALCODE") {
      throw invalidInput(
        `GeolocationFormat must be LAT_LONG or CC_POSTALCODE, not ${input.GeolocationFormat}.`,
      );
    }
  }
  if (input.TimeZone !== undefined && !isKnownTimeZone(input.TimeZone)) {
    throw invalidInput(`${input.TimeZone} is not a time zone this service knows (use an IANA name).`);
  }
  const arn = buildArn(ctx, KIND, input.DatasetImportJobName, dataset.name);
  const record = newRecord(ctx, {
    arn,
    kind: KIND,
    name: input.DatasetImportJobName,
    parentArn: dataset.arn,
    status: STATUS.CREATE_PENDING,
    attrs: {
      DatasetArn: dataset.arn,
      DataSource: input.DataSource,
      // Only what the user gave: without a format the import also accepts plain dates for daily or longer data
      // (see src/data/timestamp-format.ts), and Describe shows Amazon's default in its place.
      TimestampFormat: input.TimestampFormat,
      TimeZone: input.TimeZone,
      UseGeolocationForTimeZone: input.UseGeolocationForTimeZone ?? false,
      GeolocationFormat: input.GeolocationFormat,
      Format: input.Format ?? "CSV",
      ImportMode: input.ImportMode ?? "FULL",
    },
  });
  // One import at a time per dataset, checked atomically with the insert (two racing creates cannot both pass).
  const outcome = await insertNew(ctx, record, {
    tags,
    guard: { noChild: { parentArn: dataset.arn, statuses: BUSY_STATUSES } },
  });
  if (!outcome.inserted && outcome.reason === "child") {
    throw inUse(
      `The dataset ${dataset.arn} is already importing with ${outcome.child.arn}; wait for it to finish.`,
    );
  }
  ctx.services.jobs.kick();
  return { DatasetImportJobArn: arn };
};

function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const DescribeDatasetImportJob: OperationHandler<DescribeDatasetImportJobRequest> = async (
  ctx,
  input,
) => {
  const r = await requireResource(ctx, input.DatasetImportJobArn, [KIND]);
  return {
    DatasetImportJobName: r.name,
    DatasetImportJobArn: r.arn,
    DatasetArn: r.attrs.DatasetArn,
    TimestampFormat: (r.attrs.TimestampFormat as string | undefined) ?? DEFAULT_TIMESTAMP_FORMAT,
    TimeZone: r.attrs.TimeZone,
    UseGeolocationForTimeZone: r.attrs.UseGeolocationForTimeZone,
    GeolocationFormat: r.attrs.GeolocationFormat,
    DataSource: r.attrs.DataSource,
    EstimatedTimeRemainingInMinutes: r.attrs.EstimatedTimeRemainingInMinutes,
    FieldStatistics: r.attrs.FieldStatistics,
    DataSize: r.attrs.DataSize,
    Status: r.status,
    Message: r.message ?? undefined,
    CreationTime: epochSeconds(r.createdAt),
    LastModificationTime: epochSeconds(r.modifiedAt),
    Format: r.attrs.Format,
    ImportMode: r.attrs.ImportMode,
  };
};

export const ListDatasetImportJobs: OperationHandler<ListDatasetImportJobsRequest> = async (ctx, input) => {
  const page = await listPage(
    ctx,
    {
      operation: "ListDatasetImportJobs",
      kind: KIND,
      filterKeys: { DatasetArn: "parentArn", Status: "status" },
    },
    input,
  );
  return {
    DatasetImportJobs: page.records.map((r) => ({
      DatasetImportJobArn: r.arn,
      DatasetImportJobName: r.name,
      DataSource: r.attrs.DataSource,
      Status: r.status,
      Message: r.message ?? undefined,
      CreationTime: epochSeconds(r.createdAt),
      LastModificationTime: epochSeconds(r.modifiedAt),
      ImportMode: r.attrs.ImportMode,
    })),
    NextToken: page.nextToken,
  };
};

export const DeleteDatasetImportJob: OperationHandler<DeleteDatasetImportJobRequest> = async (ctx, input) => {
  const job = await requireResource(ctx, input.DatasetImportJobArn, [KIND]);
  if (!(await ctx.services.jobs.delete(job.arn, DELETABLE_STATUSES))) {
    throw inUse(`The dataset import job ${job.arn} is ${job.status}; stop it or wait before deleting it.`);
  }
  return {};
};
