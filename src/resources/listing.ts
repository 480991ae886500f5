import { invalidInput } from "../errors.js";
import type { ResourceRecord } from "../store/resource-store.js";
import type { RequestContext } from "./context.js";

export interface ListInput {
  NextToken?: string;
  MaxResults?: number;
  Filters?: { Key: string; Value: string; Condition: "IS" | "IS_NOT" }[];
}

export interface ListSpec {
  operation: string;
  kind: string;
  /** Filter keys the operation documents, mapped to a column (status, parentArn) or attribute name. */
  filterKeys?: Record<string, string>;
  /** Keep only records that pass (e.g. AutoPredictor vs legacy predictors listed together). */
  keep?: (record: ResourceRecord) => boolean;
  /** Only the children of this resource (e.g. one monitor's evaluations). */
  parentArn?: string;
}

const DEFAULT_PAGE = 100;

/** One page of a List operation: newest first, filtered, with an opaque NextToken when more remain. */
export async function listPage(
  ctx: RequestContext,
  spec: ListSpec,
  input: ListInput,
): Promise<{ records: ResourceRecord[]; nextToken?: string }> {
  const conditions = (input.Filters ?? []).map((f) => {
    const field = spec.filterKeys?.[f.Key];
    if (!field) {
      const allowed = Object.keys(spec.filterKeys ?? {});
      throw invalidInput(
        allowed.length === 0
          ? `${spec.operation} takes no filters.`
          : `${spec.operation} cannot filter on "${f.Key}"; the filter keys are ${allowed.join(", ")}.`,
      );
    }
    return { field, value: f.Value, equals: f.Condition === "IS" };
  });
  if (spec.parentArn !== undefined)
    conditions.push({ field: "parentArn", value: spec.parentArn, equals: true });
  const binding = JSON.stringify([spec.operation, ctx.accountId, ctx.region, input.Filters ?? []]);
  const after = input.NextToken ? ctx.services.tokens.decode(binding, input.NextToken) : undefined;
  const limit = input.MaxResults ?? DEFAULT_PAGE;
  const records: ResourceRecord[] = [];
  let cursor = after;
  // Over-fetch in rounds when a post-filter (keep) may drop rows, so pages stay full.
  for (;;) {
    const batch = await ctx.services.store.list({
      kind: spec.kind,
      scope: ctx,
      conditions,
      after: cursor,
      limit: limit + 1,
    });
    for (const r of batch) {
      cursor = { createdAt: r.createdAt, arn: r.arn };
      if (!spec.keep || spec.keep(r)) records.push(r);
      if (records.length > limit) break;
    }
    if (records.length > limit || batch.length <= limit) break;
  }
  if (records.length > limit) {
    const last = records[limit - 1] as ResourceRecord;
    return {
      records: records.slice(0, limit),
      nextToken: ctx.services.tokens.encode(binding, { createdAt: last.createdAt, arn: last.arn }),
    };
  }
  return { records };
}
