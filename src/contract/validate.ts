/**
 * One validator for every operation: it walks the operation's input shape through the generated tables and
 * reports what the model (corrected by quirks.ts) forbids, in the wording AWS's Coral frontend uses.
 *
 * - A value of the wrong JSON type cannot be deserialized: SerializationException, at the first one met.
 * - Every constraint violation is collected; the ValidationException lists the first 10 and counts all.
 * - Paths: member names with a lower-case first letter joined by '.'; list items as `<list>.<i>.member`
 *   (1-based); map values as `<map>.<key>`; map keys are reported at the map itself ("Map keys must ...").
 * - Unknown members are rejected (AWS ignores them); their path keeps the name as the client sent it.
 * - Patterns run on RE2 in linear time, and only on values within the member's max length (linear-pattern.ts).
 * See README.md in this folder for the reasons.
 */
import { ServiceError } from "../errors.js";
import { matchesWhole } from "./linear-pattern.js";
import type { Constraints, ShapeDef } from "./model.js";
import { findQuirk } from "./quirks.js";
import { contractOf, findOperation, type ServiceName } from "./services.js";

const MAX_LISTED_ERRORS = 10;
const MAX_SHOWN_CHARS = 128;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);
const childPath = (path: string, name: string): string => (path ? `${path}.${name}` : name);

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function truncate(text: string): string {
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}...` : text;
}

/** Past this depth a rendered list or map shows `...`; the gateway refuses deeper bodies before this anyway. */
const MAX_RENDER_DEPTH = 32;

/**
 * Java toString-like rendering for lists and maps inside a message; strings inside stay unquoted. It stops once
 * `budget` characters are out (the message shows 128), so a huge or deep value costs no more than a small one.
 */
function renderInner(value: Json, budget: number, depth: number): string {
  if (!Array.isArray(value) && !isObject(value)) return String(value).slice(0, budget);
  if (depth >= MAX_RENDER_DEPTH) return "...";
  const array = Array.isArray(value);
  let out = array ? "[" : "{";
  let first = true;
  for (const key in value) {
    if (out.length > budget) break;
    const item = (value as Record<string, Json>)[key] as Json;
    const shown = renderInner(item, Math.max(0, budget - out.length), depth + 1);
    out += `${first ? "" : ", "}${array ? shown : `${key}=${shown}`}`;
    first = false;
  }
  return `${out}${array ? "]" : "}"}`;
}

/** How a value appears after "Value" in a message: strings quoted, numbers and booleans bare, null. */
function render(value: Json): string {
  if (value === null || typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return `'${truncate(value)}'`;
  return `'${truncate(renderInner(value, MAX_SHOWN_CHARS + 1, 0))}'`;
}

function describeJsonType(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer number" : "a fractional number";
  return `a ${typeof value}`;
}

function serializationError(path: string, expected: string, value: Json): ServiceError {
  const where = path ? `at '${path}'` : "for the request body";
  return new ServiceError(
    "SerializationException",
    `Unexpected value ${where}: expected ${expected} but got ${describeJsonType(value)}`,
  );
}

/**
 * Deserialization: a value whose JSON type cannot stand for the shape fails the whole request before any
 * constraint is looked at, as in Coral.
 */
function checkJsonType(shape: ShapeDef, value: Json, path: string): void {
  switch (shape.type) {
    case "structure":
      if (!isObject(value)) throw serializationError(path, "an object", value);
      return;
    case "map":
      if (!isObject(value)) throw serializationError(path, "a map (JSON object)", value);
      return;
    case "list":
      if (!Array.isArray(value)) throw serializationError(path, "a list", value);
      return;
    case "string":
      if (typeof value !== "string") throw serializationError(path, "a string", value);
      return;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
        throw serializationError(path, "a 32-bit integer", value);
      }
      return;
    case "long":
      if (typeof value !== "number" || !Number.isSafeInteger(value))
        throw serializationError(path, "an integer", value);
      return;
    case "double":
      if (typeof value !== "number") throw serializationError(path, "a number", value);
      return;
    case "timestamp":
      if (typeof value !== "number") throw serializationError(path, "a timestamp in epoch seconds", value);
      return;
    case "boolean":
      if (typeof value !== "boolean") throw serializationError(path, "a boolean", value);
      return;
  }
}

function unknownMember(value: Json, path: string): string {
  return `Value ${render(value)} at '${path}' failed to satisfy constraint: Member is not defined in the service model`;
}

class Walker {
  readonly errors: string[] = [];

  constructor(
    private readonly service: ServiceName,
    private readonly shapes: Readonly<Record<string, ShapeDef>>,
  ) {}

  private shape(name: string): ShapeDef {
    const shape = this.shapes[name];
    if (!shape) throw new Error(`contract: unknown shape ${name}`);
    return shape;
  }

  private fail(value: Json, path: string, sensitive: boolean, constraint: string): void {
    const shown = sensitive ? "" : ` ${render(value)}`;
    this.errors.push(`Value${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  private missing(path: string): void {
    this.errors.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
  }

  /** `site` addresses the value for quirks.ts: `<Structure>.<Member>` plus `/member`, `/key`, `/value`. */
  walk(shapeName: string, value: Json, path: string, site: string | undefined): void {
    const shape = this.shape(shapeName);
    checkJsonType(shape, value, path);
    const rules: Constraints = findQuirk(this.service, site, shapeName)?.constraints ?? shape;
    if (shape.type === "structure") this.structure(shapeName, shape, value as JsonObject, path);
    else if (shape.type === "list") this.list(shape, rules, value as Json[], path, site);
    else if (shape.type === "map") this.map(shape, rules, value as JsonObject, path, site);
    else if (typeof value === "string") {
      for (const problem of stringProblems(value, rules))
        this.fail(value, path, shape.sensitive === true, problem);
    } else if (typeof value === "number" && shape.type !== "timestamp") this.range(value, rules, path);
  }

  private structure(name: string, shape: ShapeDef, value: JsonObject, path: string): void {
    const members = shape.members ?? {};
    const required = new Set(shape.required ?? []);
    for (const [member, target] of Object.entries(members)) {
      const memberPath = childPath(path, lowerFirst(member));
      const memberValue = Object.hasOwn(value, member) ? value[member] : null;
      // JSON null and absence mean the same on the awsJson wire.
      if (memberValue === null || memberValue === undefined) {
        if (required.has(member)) this.missing(memberPath);
        continue;
      }
      this.walk(target, memberValue, memberPath, `${name}.${member}`);
    }
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(members, key)) {
        this.errors.push(unknownMember(value[key] as Json, childPath(path, key)));
      }
    }
  }

  private list(
    shape: ShapeDef,
    rules: Constraints,
    value: Json[],
    path: string,
    site: string | undefined,
  ): void {
    for (const problem of sizeProblems(value.length, rules)) this.fail(value, path, false, problem);
    // Too many items is reason enough: the items of an over-long list are not looked at, so the work done
    // on a request is bounded by the model's sizes, not by the body's.
    if (rules.max !== undefined && value.length > rules.max) return;
    const item = shape.member as string;
    const itemSite = site === undefined ? undefined : `${site}/member`;
    value.forEach((element, i) => {
      const itemPath = `${path}.${i + 1}.member`;
      if (element === null) this.missing(itemPath);
      else this.walk(item, element, itemPath, itemSite);
    });
  }

  private map(
    shape: ShapeDef,
    rules: Constraints,
    value: JsonObject,
    path: string,
    site: string | undefined,
  ): void {
    const entries = Object.entries(value);
    for (const problem of sizeProblems(entries.length, rules)) this.fail(value, path, false, problem);
    if (rules.max !== undefined && entries.length > rules.max) return;
    const keyShapeName = shape.key as string;
    const keyShape = this.shape(keyShapeName);
    const keyRules = findQuirk(this.service, site && `${site}/key`, keyShapeName)?.constraints ?? keyShape;
    const valueSite = site === undefined ? undefined : `${site}/value`;
    for (const [key, element] of entries) {
      const keyProblems = stringProblems(key, keyRules);
      if (keyProblems.length) {
        this.fail(
          key,
          path,
          keyShape.sensitive === true,
          `Map keys must satisfy constraint: [${keyProblems.join(", ")}]`,
        );
      }
      const valuePath = `${path}.${key}`;
      if (element === null) this.missing(valuePath);
      else this.walk(shape.value as string, element, valuePath, valueSite);
    }
  }

  private range(value: number, rules: Constraints, path: string): void {
    if (rules.min !== undefined && value < rules.min) {
      this.fail(value, path, false, `Member must have value greater than or equal to ${rules.min}`);
    }
    if (rules.max !== undefined && value > rules.max) {
      this.fail(value, path, false, `Member must have value less than or equal to ${rules.max}`);
    }
  }
}

function sizeProblems(size: number, rules: Constraints): string[] {
  const problems: string[] = [];
  if (rules.min !== undefined && size < rules.min)
    problems.push(`Member must have length greater than or equal to ${rules.min}`);
  if (rules.max !== undefined && size > rules.max)
    problems.push(`Member must have length less than or equal to ${rules.max}`);
  return problems;
}

export function stringProblems(value: string, rules: Constraints): string[] {
  const problems = sizeProblems(value.length, rules);
  // Too long is reason enough; the pattern is never run on more than `max` characters (linear-pattern.ts).
  const tooLong = rules.max !== undefined && value.length > rules.max;
  if (rules.pattern !== undefined && !tooLong && !matchesWhole(rules as { pattern: string }, value)) {
    problems.push(`Member must satisfy regular expression pattern: ${rules.pattern}`);
  }
  if (rules.enum !== undefined && !rules.enum.includes(value)) {
    problems.push(`Member must satisfy enum value set: [${rules.enum.join(", ")}]`);
  }
  return problems;
}

/** The message of a ValidationException for `errors` (at least one): AWS lists 10 and counts them all. */
export function validationMessage(errors: readonly string[]): string {
  const n = errors.length;
  const listed = errors.slice(0, MAX_LISTED_ERRORS).join("; ");
  return `${n} validation error${n === 1 ? "" : "s"} detected: ${listed}`;
}

/**
 * The constraint violations of `value` against any shape of the service, e.g. to check a handler's output in
 * tests. Throws SerializationException for a wrong JSON type, like validateInput.
 */
export function collectShapeErrors(service: ServiceName, shapeName: string, value: unknown): string[] {
  const walker = new Walker(service, contractOf(service).shapes);
  walker.walk(shapeName, value as Json, "", undefined);
  return walker.errors;
}

/**
 * The constraint violations in `input` for the operation, without throwing for them (wrong JSON types and
 * unknown operations still throw). For callers that want to add their own findings before reporting.
 */
export function collectValidationErrors(service: ServiceName, operation: string, input: unknown): string[] {
  const op = findOperation(service, operation);
  if (!op) {
    throw new ServiceError(
      "UnknownOperationException",
      `Operation ${operation} is not supported by ${service}`,
    );
  }
  // An empty body and `null` both stand for "no members".
  const body = input === undefined || input === null ? {} : input;
  if (op.input !== null) return collectShapeErrors(service, op.input, body);
  // No input shape: the body must be an empty object.
  if (!isObject(body as Json)) throw serializationError("", "an object", body as Json);
  return Object.entries(body as JsonObject).map(([key, v]) => unknownMember(v, key));
}

/** Throws SerializationException or ValidationException if `input` does not fit the operation's input shape. */
export function validateInput(service: ServiceName, operation: string, input: unknown): void {
  const errors = collectValidationErrors(service, operation, input);
  if (errors.length) throw new ServiceError("ValidationException", validationMessage(errors));
}
