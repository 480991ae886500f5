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

/**
 * How deep a request body may nest objects and arrays. The deepest input of either model nests 7 levels
 * (test/gateway/json-depth.test.ts checks); anything deeper cannot be valid, and refusing it here, before
 * JSON.parse, means nothing that walks the body later (validator, messages, handlers) meets deep data.
 */
export const MAX_JSON_DEPTH = 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest nesting of `{` and `[` outside strings in `body`, scanning bytes once (UTF-8 continuation bytes are
 * never ASCII, so the structural characters cannot be mistaken). Stops as soon as `limit` is passed.
 */
export function jsonNestingDepth(body: Buffer, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const b = body[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

/** The body as a JSON object; awsJson sends `{}` (or nothing) for operations without input. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  if (jsonNestingDepth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new ServiceError(
      "SerializationException",
      `The request body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep; no input of this service nests that deep.`,
    );
  }
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
