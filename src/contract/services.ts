/**
 * The two services of the model as one lookup: which tables belong to which service, and how the gateway finds
 * an operation from an `X-Amz-Target` header. Everything else reads the generated tables through here.
 */
import * as forecast from "./generated/forecast.js";
import * as forecastquery from "./generated/forecastquery.js";
import type { OperationDef, PaginatorDef, ServiceMetadata, ShapeDef } from "./model.js";

export type ServiceName = "forecast" | "forecastquery";

export interface ServiceContract {
  readonly metadata: ServiceMetadata;
  readonly shapes: Readonly<Record<string, ShapeDef>>;
  readonly operations: Readonly<Record<string, OperationDef>>;
  readonly paginators: Readonly<Record<string, PaginatorDef | undefined>>;
}

const CONTRACTS: Readonly<Record<ServiceName, ServiceContract>> = {
  forecast: {
    metadata: forecast.serviceMetadata,
    shapes: forecast.shapes,
    operations: forecast.operations,
    paginators: forecast.paginators,
  },
  forecastquery: {
    metadata: forecastquery.serviceMetadata,
    shapes: forecastquery.shapes,
    operations: forecastquery.operations,
    paginators: forecastquery.paginators,
  },
};

export const serviceNames: readonly ServiceName[] = ["forecast", "forecastquery"];

export function contractOf(service: ServiceName): ServiceContract {
  return CONTRACTS[service];
}

export function serviceMetadata(service: ServiceName): ServiceMetadata {
  return CONTRACTS[service].metadata;
}

/** The operations-table entry, or undefined for a name the model does not define (own keys only). */
export function findOperation(service: ServiceName, name: string): OperationDef | undefined {
  const { operations } = CONTRACTS[service];
  return Object.hasOwn(operations, name) ? operations[name] : undefined;
}

export function findPaginator(service: ServiceName, operation: string): PaginatorDef | undefined {
  const { paginators } = CONTRACTS[service];
  return Object.hasOwn(paginators, operation) ? paginators[operation] : undefined;
}

/** `AmazonForecast` -> forecast, `AmazonForecastRuntime` -> forecastquery. */
export function serviceForTargetPrefix(prefix: string): ServiceName | undefined {
  return serviceNames.find((s) => CONTRACTS[s].metadata.targetPrefix === prefix);
}

export interface ResolvedTarget {
  readonly service: ServiceName;
  readonly operation: string;
  readonly def: OperationDef;
}

/** Splits an `X-Amz-Target` value (`<targetPrefix>.<Operation>`); undefined if either part is unknown. */
export function resolveTarget(target: string): ResolvedTarget | undefined {
  const dot = target.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const service = serviceForTargetPrefix(target.slice(0, dot));
  if (!service) return undefined;
  const operation = target.slice(dot + 1);
  const def = findOperation(service, operation);
  return def ? { service, operation, def } : undefined;
}
