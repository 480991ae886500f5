import type { FastifyReply } from "fastify";
import { ServiceError } from "../errors.js";

export const AWS_JSON = "application/x-amz-json-1.1";

/** Sends an error as awsJson1_1 clients read it: `__type` in the body and `x-amzn-ErrorType` in a header. */
export function sendError(reply: FastifyReply, error: ServiceError, requestId: string): FastifyReply {
  return reply
    .code(error.httpStatus)
    .header("content-type", AWS_JSON)
    .header("x-amzn-requestid", requestId)
    .header("x-amzn-errortype", error.code)
    .send(JSON.stringify({ __type: error.code, message: error.message }));
}

export function sendResult(reply: FastifyReply, result: object, requestId: string): FastifyReply {
  return reply
    .code(200)
    .header("content-type", AWS_JSON)
    .header("x-amzn-requestid", requestId)
    .send(JSON.stringify(result));
}

/** The body as a JSON object; awsJson sends `{}` (or nothing) for operations without input. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new ServiceError(
      "SerializationException",
      `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ServiceError("SerializationException", "The request body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}

/** Drops `undefined` members so responses carry only what is set (JSON.stringify does this already) */
export function internalError(): ServiceError {
  return new ServiceError("InternalServiceError", "An internal error occurred; see the service log.", 500);
}
