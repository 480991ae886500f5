import type { FastifyRequest } from "fastify";
import { resolveTarget } from "../contract/services.js";

/** What a request was, for the metrics: names from the service models only, so the label values stay few. */
export interface RequestLabels {
  service: string;
  operation: string;
  /** The error code answered, "" on success. */
  errorType: string;
}

const labelsOf = new WeakMap<FastifyRequest, Partial<RequestLabels>>();

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
  const resolved = typeof target === "string" && target.length <= 256 ? resolveTarget(target) : undefined;
  return {
    service: known?.service ?? resolved?.service ?? "unknown",
    operation: known?.operation ?? resolved?.operation ?? "unknown",
    errorType:
      known?.errorType ??
      (typeof errorHeader === "string" ? errorHeader : status >= 400 ? `HTTP${status}` : ""),
  };
}
