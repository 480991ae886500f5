import { type ResolvedTarget, resolveTarget } from "../contract/services.js";
import { ServiceError } from "../errors.js";

/** The service and operation an X-Amz-Target names, or UnknownOperationException. */
export function routeTarget(target: string | undefined): ResolvedTarget {
  const resolved = target ? resolveTarget(target) : undefined;
  if (!resolved) {
    throw new ServiceError(
      "UnknownOperationException",
      target
        ? `Unknown operation ${target}.`
        : "The request has no X-Amz-Target header naming the operation.",
    );
  }
  return resolved;
}

/**
 * The answer for an operation of the model that OpenForecast does not do yet: a clear refusal, never a silent
 * success. InvalidInputException is what the model lists for nearly every operation, and clients map it cleanly.
 */
export function notBuilt(route: ResolvedTarget): ServiceError {
  return new ServiceError(
    "InvalidInputException",
    `${route.operation} is not built yet in OpenForecast: this server refuses it rather than pretend to do it.`,
  );
}
