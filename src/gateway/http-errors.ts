/**
 * Errors raised below the operation handlers, by node's HTTP parser and by fastify itself, answered the way
 * awsJson clients read errors: `{"__type","message"}` with `x-amzn-ErrorType`, so that an SDK raises a typed
 * exception with a readable message instead of failing to parse fastify's `{"error","statusCode"}`.
 *
 * The model lists no error for these (they happen before an operation is known), so the types are the common
 * awsJson ones (docs/decisions.md, "Errors below the operations"):
 * - the request cannot be read (malformed HTTP, headers or body too large, bad Content-Length, bad URL encoding,
 *   an Expect other than 100-continue): SerializationException with the HTTP status that says why;
 * - the client was too slow to send its request: 408 RequestTimeoutException (SDKs retry it);
 * - nothing served there: 404 UnknownOperationException;
 * - anything else: 500 InternalServiceError.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ServiceError } from "../errors.js";
import { AWS_JSON, internalError } from "./aws-json.js";

/** Node's default --max-http-header-size; the limit a 431 reports. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** Maps an error of fastify's (a `FST_ERR_*` code and a status) to the error the client gets. */
export function fastifyErrorToService(error: Partial<FastifyError>, maxBodyBytes: number): ServiceError {
  const status = error.statusCode ?? 500;
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ServiceError(
        "SerializationException",
        `The request body is larger than the ${maxBodyBytes} bytes this service accepts.`,
        413,
      );
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new ServiceError(
        "SerializationException",
        "The request body's size does not match its Content-Length header.",
        400,
      );
    case "FST_ERR_BAD_URL":
    case "FST_ERR_INVALID_URL":
      return new ServiceError(
        "SerializationException",
        "The request URL is not validly percent-encoded.",
        400,
      );
    case "FST_ERR_NOT_FOUND":
      return new ServiceError("UnknownOperationException", "Nothing is served here; use POST /.", 404);
  }
  if (status === 408) return requestTimeout();
  if (status >= 400 && status < 500) {
    // fastify's own messages for client errors name no internal detail ("Unsupported Media Type: ...").
    return new ServiceError("SerializationException", clientMessage(error.message), status);
  }
  if (status === 503) {
    return new ServiceError("ServiceUnavailableException", "The service is busy; try again.", 503);
  }
  return internalError();
}

function clientMessage(message: string | undefined): string {
  const text = (message ?? "").slice(0, 200);
  return text ? `The request cannot be read: ${text}` : "The request cannot be read.";
}

function requestTimeout(): ServiceError {
  return new ServiceError(
    "RequestTimeoutException",
    "The request was not received in full in time; send it again.",
    408,
  );
}

/** The error for a request node's HTTP parser refused (`clientError`), by its `code`. */
export function parserErrorToService(code: string | undefined): ServiceError {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return new ServiceError(
        "SerializationException",
        `The request's headers are larger than the ${MAX_HEADER_BYTES} bytes this service accepts.`,
        431,
      );
    case "ERR_HTTP_REQUEST_TIMEOUT":
    case "ERR_HTTP_HEADERS_TIMEOUT":
      return requestTimeout();
    default:
      return new ServiceError(
        "SerializationException",
        `The request is not valid HTTP/1.1${code ? ` (${code})` : ""}.`,
        400,
      );
  }
}

/** A whole HTTP response for `error`, written straight to a socket that has no request object (yet). */
export function rawErrorResponse(error: ServiceError): string {
  const body = JSON.stringify({ __type: error.code, message: error.message });
  return [
    `HTTP/1.1 ${error.httpStatus} ${STATUS_CODES[error.httpStatus] ?? "Error"}`,
    `Content-Type: ${AWS_JSON}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    `x-amzn-RequestId: ${randomUUID()}`,
    `x-amzn-ErrorType: ${error.code}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}

/** fastify's `clientErrorHandler`: node's parser refused the bytes (bad syntax, 431, timeout). */
export function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  if (socket.writable) socket.write(rawErrorResponse(parserErrorToService(error.code)));
  socket.destroy();
}

/** fastify's `frameworkErrors`: errors met while routing, before any handler (bad URL encoding, ...). */
export function onFrameworkError(
  maxBodyBytes: number,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, _request, reply) => {
    const e = fastifyErrorToService(error, maxBodyBytes);
    void reply
      .code(e.httpStatus)
      .header("content-type", AWS_JSON)
      .header("x-amzn-requestid", randomUUID())
      .header("x-amzn-errortype", e.code)
      .send(JSON.stringify({ __type: e.code, message: e.message }));
  };
}

/**
 * Node answers an `Expect` other than `100-continue` itself with a bare 417 unless someone listens for it.
 * Nothing here uses Expect, so refuse it in the same shape as the rest.
 */
export function answerUnknownExpectations(server: Server): void {
  server.on("checkExpectation", (_request: IncomingMessage, response: ServerResponse) => {
    const error = new ServiceError(
      "SerializationException",
      "The request's Expect header is not supported; only 100-continue is.",
      417,
    );
    response.writeHead(error.httpStatus, {
      "content-type": AWS_JSON,
      "x-amzn-requestid": randomUUID(),
      "x-amzn-errortype": error.code,
      connection: "close",
    });
    response.end(JSON.stringify({ __type: error.code, message: error.message }));
  });
}
