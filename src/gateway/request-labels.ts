import type { FastifyRequest } from "fastify";
import { type ResolvedTarget, resolveTarget } from "../contract/services.js";

/** What a request was, for the metrics: names from the service models only, so the label values stay few. */
export interface RequestLabels {
  service: string;
  operation: string;
  /** The error code answered, "" on success. */
  errorType: string;
}

const labelsOf = new WeakMap<FastifyRequest, Partial<RequestLabels>>();

/**
 * X-Amz-Target values already resolved, so that counting a request does not split and look up its header again
 * (the handler has done so once). Only targets naming a modelled operation enter: at most one entry per operation.
 */
const resolvedTargets = new Map<string, ResolvedTarget>();

function resolveCounted(target: string): ResolvedTarget | undefined {
  let resolved = resolvedTargets.get(target);
  if (resolved === undefined) {
    resolved = resolveTarget(target);
    if (resolved) resolvedTargets.set(target, resolved);
  }
  return resolved;
}

/** Records what the protocol layer learned about a request (the query protocol's action and error code). */
export function labelRequest(request: FastifyRequest, labels: Partial<RequestLabels>): void {
  labelsOf.set(request, { ...labelsOf.get(request), ...labels });
}

/**
 * The labels of an answered request. awsJson requests are named by their X-Amz-Target when it names a modelled
 * operation (even when authentication failed first) and their error by x-amzn-ErrorType; anything else is
 * "unknown", never the raw header, so that a client cannot grow the metrics without bound.
 */
export function requestLabels(request: FastifyRequest, errorHeader: unknown, status: number): RequestLabels {
  const known = labelsOf.get(request);
  const target = request.headers["x-amz-target"];
  const resolved = typeof target === "string" && target.length <= 256 ? resolveCounted(target) : undefined;
  return {
    service: known?.service ?? resolved?.service ?? "unknown",
    operation: known?.operation ?? resolved?.operation ?? "unknown",
    errorType:
      known?.errorType ??
      (typeof errorHeader === "string" ? errorHeader : status >= 400 ? `HTTP${status}` : ""),
  };
}
