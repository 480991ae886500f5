/** The contract's public face: what the gateway and the resource modules import. */
export type {
  Constraints,
  OperationDef,
  PaginatorDef,
  PatternMatch,
  ServiceMetadata,
  ShapeDef,
  ShapeType,
} from "./model.js";
export {
  contractOf,
  findOperation,
  findPaginator,
  type ResolvedTarget,
  resolveTarget,
  type ServiceContract,
  type ServiceName,
  serviceForTargetPrefix,
  serviceMetadata,
  serviceNames,
} from "./services.js";
export { collectShapeErrors, collectValidationErrors, validateInput, validationMessage } from "./validate.js";
