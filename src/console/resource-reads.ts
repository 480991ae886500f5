import { ServiceError } from "../errors.js";
import type { RequestContext, Services } from "../resources/context.js";
import { forecastHandlers } from "../resources/handlers.js";
import type { ConsoleSession } from "./session-token.js";

/**
 * The console reads what the API would answer, through the same handlers and resource functions (never the
 * store directly): the session's account and region make the request context, so scoping is the API's own.
 */
export function consoleContext(session: ConsoleSession, services: Services): RequestContext {
  return {
    accountId: session.accountId,
    region: session.region,
    accessKeyId: session.accessKeyId,
    services,
  };
}

type Answer = Record<string, unknown>;

/** Runs one Forecast operation as the signed-in user would through the API. */
export async function call<T = Answer>(ctx: RequestContext, operation: string, input: object): Promise<T> {
  const handler = forecastHandlers[operation];
  if (!handler) throw new Error(`no handler for ${operation}`);
  return (await handler(ctx, input as never)) as T;
}

/** The same, answering undefined instead of a ResourceNotFoundException (another account's, or gone). */
export async function callIfFound<T = Answer>(
  ctx: RequestContext,
  operation: string,
  input: object,
): Promise<T | undefined> {
  try {
    return await call<T>(ctx, operation, input);
  } catch (error) {
    if (error instanceof ServiceError && error.code === "ResourceNotFoundException") return undefined;
    throw error;
  }
}

/**
 * Up to `max` items of a List operation, following NextToken; `truncated` when there were more. Lists answer
 * newest first.
 */
export async function listUpTo<T = Answer>(
  ctx: RequestContext,
  operation: string,
  member: string,
  input: object,
  max: number,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const answer = await call(ctx, operation, {
      ...input,
      MaxResults: Math.min(100, max + 1 - items.length),
      ...(nextToken ? { NextToken: nextToken } : {}),
    });
    items.push(...((answer[member] as T[] | undefined) ?? []));
    nextToken = answer.NextToken as string | undefined;
  } while (nextToken && items.length <= max);
  return { items: items.slice(0, max), truncated: items.length > max || nextToken !== undefined };
}
