import { randomUUID } from "node:crypto";
import Fastify, { type FastifyError, type FastifyInstance, type onResponseHookHandler } from "fastify";
import type { Logger } from "pino";
import { registerConsole } from "../console/console-routes.js";
import { validateInput } from "../contract/validate.js";
import { ServiceError } from "../errors.js";
import type { AccessKey } from "../identity/keys.js";
import type { Caller, IncomingSigned } from "../identity/sigv4.js";
import type { OperationHandler, Services } from "../resources/context.js";
import { internalError, parseJsonBody, sendError, sendResult } from "./aws-json.js";
import { type AwsQueryOptions, isAwsQueryRequest, serveAwsQuery } from "./aws-query.js";
import {
  answerUnknownExpectations,
  fastifyErrorToService,
  onClientError,
  onFrameworkError,
} from "./http-errors.js";
import { notBuilt, routeTarget } from "./operations.js";
import { requestLabels } from "./request-labels.js";

/** Forecast requests are small; anything larger is refused before it is read into memory. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface GatewayOptions {
  services: Services;
  handlers: {
    forecast: Readonly<Record<string, OperationHandler>>;
    forecastquery: Readonly<Record<string, OperationHandler>>;
  };
  verify: (req: IncomingSigned) => Promise<Caller>;
  /** The STS and IAM stand-ins (awsQuery protocol, form-encoded POST /); without it such requests are refused. */
  awsQuery?: AwsQueryOptions;
  /** The accepted access keys; the console's sign-in checks against them (browsers cannot sign with SigV4). */
  keys: readonly AccessKey[];
  log: Logger;
  /** Prometheus metrics: API requests are counted into them and GET /metrics serves them. Absent when off. */
  metrics?: GatewayMetrics;
}

export interface GatewayMetrics {
  requestDone(service: string, operation: string, errorType: string, seconds: number): void;
  exposition(): Promise<{ contentType: string; text: string }>;
}

/**
 * The HTTP face of the service: awsJson1_1 on `POST /`. It authenticates, routes on X-Amz-Target, checks the input
 * against the service model and hands it to the operation's handler. It knows nothing about forecasting.
 */
export function buildGateway(opts: GatewayOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    // Node would answer a request without Host with a bare 400 of its own; let it reach SigV4, which needs
    // Host signed and so refuses it in AWS's words.
    http: { requireHostHeader: false },
    clientErrorHandler: onClientError,
    frameworkErrors: onFrameworkError(MAX_BODY_BYTES),
  });
  answerUnknownExpectations(app.server);

  // Keep the raw bytes: the signature covers them exactly as sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  // Unauthenticated, as scrapers and load balancers expect (docs/decisions.md, "Operations endpoints").
  app.get("/health", async () => ({ status: "ok" }));
  const metrics = opts.metrics;
  if (metrics) {
    app.get("/metrics", async (_request, reply) => {
      const { contentType, text } = await metrics.exposition();
      return reply.header("content-type", contentType).send(text);
    });
  }
  // Every answer of POST / (the API, whatever its outcome) is counted: a hook on that route alone, so that no other
  // route runs it and it need not ask which route a request took.
  const countRequest: onResponseHookHandler | undefined = metrics
    ? (request, reply, done) => {
        const labels = requestLabels(request, reply.getHeader("x-amzn-errortype"), reply.statusCode);
        metrics.requestDone(labels.service, labels.operation, labels.errorType, reply.elapsedTime / 1000);
        done();
      }
    : undefined;
  // A browser opening the service's address lands on the console; an API client's GET / stays an AWS error.
  app.get("/", (request, reply) => {
    if (/\btext\/html\b/.test(String(request.headers.accept ?? "").slice(0, 1024)))
      return reply.code(303).header("location", "/console").send();
    return sendError(
      reply,
      new ServiceError("UnknownOperationException", "Nothing is served at GET /; use POST /.", 404),
      randomUUID(),
    );
  });
  registerConsole(app, { services: opts.services, keys: opts.keys });

  app.post("/", { onResponse: countRequest }, async (request, reply) => {
    if (opts.awsQuery && isAwsQueryRequest(request)) return serveAwsQuery(request, reply, opts.awsQuery);
    const requestId = randomUUID();
    try {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const queryIndex = request.url.indexOf("?");
      const caller = await opts.verify({
        method: request.method,
        path: queryIndex >= 0 ? request.url.slice(0, queryIndex) : request.url,
        query: request.query as Record<string, string | string[]>,
        headers: request.headers,
        body,
      });
      const route = routeTarget(headerValue(request.headers["x-amz-target"]));
      const input = parseJsonBody(body);
      validateInput(route.service, route.operation, input);
      const handler = opts.handlers[route.service][route.operation];
      if (!handler) throw notBuilt(route);
      const result = await handler(
        {
          accountId: caller.accountId,
          region: caller.region,
          accessKeyId: caller.accessKeyId,
          services: opts.services,
        },
        input as never,
      );
      return sendResult(reply, result, requestId);
    } catch (error) {
      if (error instanceof ServiceError) return sendError(reply, error, requestId);
      opts.log.error({ err: error, requestId }, "unexpected error while serving a request");
      return sendError(reply, internalError(), requestId);
    }
  });

  // Errors raised by fastify itself before our handler runs (body too large, bad content length, ...).
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const serviceError = fastifyErrorToService(error, MAX_BODY_BYTES);
    if (serviceError.httpStatus >= 500) opts.log.error({ err: error }, "unexpected error in the HTTP layer");
    return sendError(reply, serviceError, randomUUID());
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new ServiceError(
        "UnknownOperationException",
        `Nothing is served at ${request.method} ${request.url.slice(0, 200)}; use POST /.`,
        404,
      ),
      randomUUID(),
    ),
  );

  return app;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
