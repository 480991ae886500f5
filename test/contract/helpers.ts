/** Shared helpers for the contract tests: run a validation and get the ServiceError it throws. */
import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServiceName } from "../../src/contract/services.js";
import { validateInput } from "../../src/contract/validate.js";
import { ServiceError } from "../../src/errors.js";

/** dist/test/contract/ -> repo root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export const modelsDir =
  process.env.OPENFORECAST_MODELS_DIR ?? resolve(repoRoot, "..", "shared", "aws-models");

export const ACCOUNT = "123456789012";
export const FORECAST_ARN = `arn:aws:forecast:us-east-1:${ACCOUNT}:forecast/f1`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ForecastAccess`;

/** The error validateInput throws; fails the test if it throws nothing or something else. */
export function rejection(
  operation: string,
  input: unknown,
  service: ServiceName = "forecast",
): ServiceError {
  try {
    validateInput(service, operation, input);
  } catch (err) {
    assert.ok(err instanceof ServiceError, `expected a ServiceError, got ${String(err)}`);
    return err;
  }
  assert.fail(`${operation} accepted ${JSON.stringify(input)}`);
}

/** Asserts a ValidationException and returns its message. */
export function validationMessage(
  operation: string,
  input: unknown,
  service: ServiceName = "forecast",
): string {
  const err = rejection(operation, input, service);
  assert.equal(err.code, "ValidationException", err.message);
  assert.equal(err.httpStatus, 400);
  return err.message;
}

export function accepts(operation: string, input: unknown, service: ServiceName = "forecast"): void {
  assert.doesNotThrow(() => validateInput(service, operation, input));
}
