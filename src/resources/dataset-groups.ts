import type {
  CreateDatasetGroupRequest,
  DeleteDatasetGroupRequest,
  DescribeDatasetGroupRequest,
  ListDatasetGroupsRequest,
  UpdateDatasetGroupRequest,
} from "../contract/generated/forecast.js";
import { inUse, invalidInput } from "../errors.js";
import { DELETABLE_STATUSES, STATUS } from "../jobs/statuses.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { buildArn } from "./arn.js";
import {
  checkUserTags,
  epochSeconds,
  findResource,
  insertNew,
  KIND_LABEL,
  newRecord,
  requireResource,
} from "./common.js";
import type { OperationHandler, RequestContext } from "./context.js";
import { listPage } from "./listing.js";

const KIND = "dataset-group";

/**
 * The datasets a group may hold: the caller's own, of the group's domain, at most one of each dataset type
 * (target time series, related time series, item metadata). ARNs that name no dataset of the caller's are
 * all reported at once, as Amazon does: InvalidInputException "Dataset arns: [<arn>, ...] are not found".
 */
async function checkDatasets(
  ctx: RequestContext,
  domain: string,
  arns: readonly string[],
): Promise<string[]> {
  const datasets = await Promise.all(arns.map((arn) => findResource(ctx, arn)));
  const missing = arns.filter((_, i) => datasets[i]?.kind !== "dataset");
  if (missing.length > 0)
    throw invalidInput(`Dataset arns: [${[...new Set(missing)].join(", ")}] are not found`);
  const seenTypes = new Map<string, string>();
  for (const [i, arn] of arns.entries()) {
    const dataset = datasets[i] as ResourceRecord;
    if (dataset.attrs.Domain !== domain) {
      throw invalidInput(
        `The dataset ${arn} is of domain ${String(dataset.attrs.Domain)}; this dataset group is of domain ${domain}.`,
      );
    }
    const type = String(dataset.attrs.DatasetType);
    const other = seenTypes.get(type);
    if (other !== undefined && other !== arn) {
      throw invalidInput(
        `A dataset group holds at most one ${type} dataset; both ${other} and ${arn} are of that type.`,
      );
    }
    seenTypes.set(type, arn);
  }
  return [...new Set(arns)];
}

export const CreateDatasetGroup: OperationHandler<CreateDatasetGroupRequest> = async (ctx, input) => {
  const tags = checkUserTags(input.Tags);
  const datasetArns = await checkDatasets(ctx, input.Domain, input.DatasetArns ?? []);
  const arn = buildArn(ctx, KIND, input.DatasetGroupName);
  const record = newRecord(ctx, {
    arn,
    kind: KIND,
    name: input.DatasetGroupName,
    status: STATUS.ACTIVE,
    attrs: { Domain: input.Domain, DatasetArns: datasetArns },
  });
  await insertNew(ctx, record, { refs: datasetArns, tags });
  return { DatasetGroupArn: arn };
};

function describe(record: ResourceRecord) {
  return {
    DatasetGroupName: record.name,
    DatasetGroupArn: record.arn,
    DatasetArns: record.attrs.DatasetArns,
    Domain: record.attrs.Domain,
    Status: record.status,
    CreationTime: epochSeconds(record.createdAt),
    LastModificationTime: epochSeconds(record.modifiedAt),
  };
}

export const DescribeDatasetGroup: OperationHandler<DescribeDatasetGroupRequest> = async (ctx, input) =>
  describe(await requireResource(ctx, input.DatasetGroupArn, [KIND]));

export const ListDatasetGroups: OperationHandler<ListDatasetGroupsRequest> = async (ctx, input) => {
  const page = await listPage(ctx, { operation: "ListDatasetGroups", kind: KIND }, input);
  return {
    DatasetGroups: page.records.map((r) => ({
      DatasetGroupArn: r.arn,
      DatasetGroupName: r.name,
      CreationTime: epochSeconds(r.createdAt),
      LastModificationTime: epochSeconds(r.modifiedAt),
    })),
    NextToken: page.nextToken,
  };
};

export const UpdateDatasetGroup: OperationHandler<UpdateDatasetGroupRequest> = async (ctx, input) => {
  const group = await requireResource(ctx, input.DatasetGroupArn, [KIND]);
  if (group.status !== STATUS.ACTIVE) {
    throw inUse(`The dataset group ${group.arn} is ${group.status}; it can be updated only when ACTIVE.`);
  }
  const datasetArns = await checkDatasets(ctx, String(group.attrs.Domain), input.DatasetArns);
  await ctx.services.store.update(group.arn, { attrs: { DatasetArns: datasetArns } }, undefined, datasetArns);
  return {};
};

export const DeleteDatasetGroup: OperationHandler<DeleteDatasetGroupRequest> = async (ctx, input) => {
  const group = await requireResource(ctx, input.DatasetGroupArn, [KIND]);
  const dependent = (await ctx.services.store.children(group.arn))[0];
  if (dependent) {
    throw inUse(
      `The dataset group ${group.arn} is used by the ${KIND_LABEL[dependent.kind]} ${dependent.arn}; delete that ` +
        "first, or delete the whole tree with DeleteResourceTree.",
    );
  }
  if (!(await ctx.services.jobs.delete(group.arn, DELETABLE_STATUSES))) {
    throw inUse(
      `The dataset group ${group.arn} is ${group.status}; it can be deleted only when ACTIVE or failed.`,
    );
  }
  return {};
};
