import type {
  CreateDatasetRequest,
  DeleteDatasetRequest,
  DescribeDatasetRequest,
  ListDatasetsRequest,
} from "../contract/generated/forecast.js";
import { inUse, invalidInput } from "../errors.js";
import { BUSY_STATUSES, DELETABLE_STATUSES, STATUS } from "../jobs/statuses.js";
import { buildArn } from "./arn.js";
import {
  checkKmsKeyArn,
  checkRoleArn,
  checkUserTags,
  epochSeconds,
  insertNew,
  newRecord,
  requireResource,
} from "./common.js";
import type { OperationHandler } from "./context.js";
import { completeAttributes, schemaProblem } from "./domains.js";
import { listPage } from "./listing.js";

const KIND = "dataset";

export const CreateDataset: OperationHandler<CreateDatasetRequest> = async (ctx, input) => {
  const tags = checkUserTags(input.Tags);
  const attributes = completeAttributes(input.Schema.Attributes ?? []);
  if (typeof attributes === "string") throw invalidInput(attributes);
  const problem = schemaProblem(input.Domain, input.DatasetType, attributes);
  if (problem) throw invalidInput(problem);
  if (input.DatasetType === "ITEM_METADATA") {
    if (input.DataFrequency !== undefined)
      throw invalidInput("An ITEM_METADATA dataset takes no DataFrequency.");
  } else if (input.DataFrequency === undefined) {
    throw invalidInput(`A ${input.DatasetType} dataset needs a DataFrequency.`);
  }
  if (input.EncryptionConfig) {
    await checkRoleArn(ctx, input.EncryptionConfig.RoleArn);
    checkKmsKeyArn(ctx, input.EncryptionConfig.KMSKeyArn);
  }
  const arn = buildArn(ctx, KIND, input.DatasetName);
  const record = newRecord(ctx, {
    arn,
    kind: KIND,
    name: input.DatasetName,
    status: STATUS.ACTIVE,
    attrs: {
      Domain: input.Domain,
      DatasetType: input.DatasetType,
      DataFrequency: input.DataFrequency,
      Schema: { Attributes: attributes },
      EncryptionConfig: input.EncryptionConfig,
    },
  });
  await insertNew(ctx, record, { tags });
  return { DatasetArn: arn };
};

export const DescribeDataset: OperationHandler<DescribeDatasetRequest> = async (ctx, input) => {
  const record = await requireResource(ctx, input.DatasetArn, [KIND]);
  return {
    DatasetArn: record.arn,
    DatasetName: record.name,
    Domain: record.attrs.Domain,
    DatasetType: record.attrs.DatasetType,
    DataFrequency: record.attrs.DataFrequency,
    Schema: record.attrs.Schema,
    EncryptionConfig: record.attrs.EncryptionConfig,
    Status: record.status,
    CreationTime: epochSeconds(record.createdAt),
    LastModificationTime: epochSeconds(record.modifiedAt),
  };
};

export const ListDatasets: OperationHandler<ListDatasetsRequest> = async (ctx, input) => {
  const page = await listPage(ctx, { operation: "ListDatasets", kind: KIND }, input);
  return {
    Datasets: page.records.map((r) => ({
      DatasetArn: r.arn,
      DatasetName: r.name,
      DatasetType: r.attrs.DatasetType,
      Domain: r.attrs.Domain,
      CreationTime: epochSeconds(r.createdAt),
      LastModificationTime: epochSeconds(r.modifiedAt),
    })),
    NextToken: page.nextToken,
  };
};

/**
 * A dataset goes with its import jobs (they are its data history); it cannot go while an import is running or
 * while a predictor is training on it.
 */
export const DeleteDataset: OperationHandler<DeleteDatasetRequest> = async (ctx, input) => {
  const dataset = await requireResource(ctx, input.DatasetArn, [KIND]);
  const busy = (await ctx.services.store.children(dataset.arn)).find((c) => BUSY_STATUSES.includes(c.status));
  if (busy) {
    throw inUse(
      `The dataset ${dataset.arn} has the import job ${busy.arn} in status ${busy.status}; stop it or wait.`,
    );
  }
  if (!(await ctx.services.jobs.delete(dataset.arn, DELETABLE_STATUSES))) {
    throw inUse(
      `The dataset ${dataset.arn} is ${dataset.status}; it can be deleted only when ACTIVE or failed.`,
    );
  }
  return {};
};
