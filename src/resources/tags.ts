import type {
  ListTagsForResourceRequest,
  TagResourceRequest,
  UntagResourceRequest,
} from "../contract/generated/forecast.js";
import { invalidInput, limitExceeded } from "../errors.js";
import { checkUserTags, findResource, MAX_USER_TAGS, resourceNotFound } from "./common.js";
import type { OperationHandler, RequestContext } from "./context.js";

async function requireTaggable(ctx: RequestContext, arn: string) {
  const record = await findResource(ctx, arn);
  if (!record) throw resourceNotFound(arn);
  return record;
}

export const TagResource: OperationHandler<TagResourceRequest> = async (ctx, input) => {
  const record = await requireTaggable(ctx, input.ResourceArn);
  const tags = checkUserTags(input.Tags);
  if (!(await ctx.services.store.putTags(record.arn, tags, MAX_USER_TAGS))) {
    throw limitExceeded(`A resource can have at most ${MAX_USER_TAGS} tags; this request would exceed that.`);
  }
  return {};
};

export const UntagResource: OperationHandler<UntagResourceRequest> = async (ctx, input) => {
  const record = await requireTaggable(ctx, input.ResourceArn);
  for (const key of input.TagKeys) {
    if (key.toLowerCase().startsWith("aws:")) {
      throw invalidInput(`Tag keys starting with "aws:" are reserved for AWS use: ${key}.`);
    }
  }
  await ctx.services.store.removeTags(record.arn, input.TagKeys);
  return {};
};

export const ListTagsForResource: OperationHandler<ListTagsForResourceRequest> = async (ctx, input) => {
  const record = await requireTaggable(ctx, input.ResourceArn);
  return { Tags: await ctx.services.store.tags(record.arn) };
};
