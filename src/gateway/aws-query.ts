/**
 * The awsQuery protocol, which STS and IAM speak: `POST /` with a form-encoded body `Action=…&Version=…&…`,
 * answered in XML (`<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…`) and errors as
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`. Requests are signed with
 * SigV4 for the service's own signing name (`sts`, `iam`); the credential scope's service picks the service.
 *
 * The shapes here were written by hand from AWS's API references for STS and IAM ("Common Parameters", "Common
 * Errors", and each action's "Response Elements" and XML examples): their botocore models are not among the
 * models the Forecast contract is generated from.
 */
import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { ServiceError } from "../errors.js";
import type { Caller, IncomingSigned } from "../identity/sigv4.js";
import { parseAuthorization } from "../identity/sigv4-parse.js";
import type { RequestContext, Services } from "../resources/context.js";
import { labelRequest } from "./request-labels.js";

/** A request's form parameters (`Tags.member.1.Key`, ... for lists), as the query protocol flattens them. */
export type QueryParams = URLSearchParams;

/** What an action's `<ActionResult>` holds; undefined for actions that answer only the request id. */
export type QueryResult = { [name: string]: XmlValue } | undefined;
export type QueryHandler = (ctx: RequestContext, params: QueryParams) => QueryResult | Promise<QueryResult>;

export type XmlValue =
  | string
  | number
  | boolean
  | Date
  | undefined
  | XmlValue[]
  | { [name: string]: XmlValue };

/** One awsQuery service: its signing name, XML namespace, API version and actions. */
export interface QueryService {
  signingName: string;
  xmlns: string;
  version: string;
  actions: Readonly<Record<string, QueryHandler>>;
}

export const STS_PROTOCOL = {
  signingName: "sts",
  xmlns: "https://sts.amazonaws.com/doc/2011-06-15/",
  version: "2011-06-15",
};
export const IAM_PROTOCOL = {
  signingName: "iam",
  xmlns: "https://iam.amazonaws.com/doc/2010-05-08/",
  version: "2010-05-08",
};

export interface AwsQueryOptions {
  services: Services;
  queryServices: readonly QueryService[];
  /** A SigV4 verifier that accepts the query services' signing names (and only those). */
  verify: (req: IncomingSigned) => Promise<Caller>;
  log: Logger;
}

/** The SigV4 verifier's awsJson error codes, as query services name the same failures. */
const QUERY_AUTH_CODES: Record<string, string> = {
  MissingAuthenticationTokenException: "MissingAuthenticationToken",
  IncompleteSignatureException: "IncompleteSignature",
  InvalidSignatureException: "SignatureDoesNotMatch",
  UnrecognizedClientException: "InvalidClientTokenId",
};

/** A form-encoded POST without X-Amz-Target: what the AWS SDKs send to query services (awsJson sets the target). */
export function isAwsQueryRequest(request: FastifyRequest): boolean {
  if (request.headers["x-amz-target"] !== undefined) return false;
  const type = request.headers["content-type"];
  return typeof type === "string" && type.toLowerCase().startsWith("application/x-www-form-urlencoded");
}

export async function serveAwsQuery(
  request: FastifyRequest,
  reply: FastifyReply,
  opts: AwsQueryOptions,
): Promise<FastifyReply> {
  const requestId = randomUUID();
  let xmlns = opts.queryServices[0]?.xmlns ?? "";
  try {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const queryIndex = request.url.indexOf("?");
    let caller: Caller;
    try {
      caller = await opts.verify({
        method: request.method,
        path: queryIndex >= 0 ? request.url.slice(0, queryIndex) : request.url,
        query: request.query as Record<string, string | string[]>,
        headers: request.headers,
        body,
      });
    } catch (error) {
      if (error instanceof ServiceError && QUERY_AUTH_CODES[error.code]) {
        throw new ServiceError(QUERY_AUTH_CODES[error.code] as string, error.message, error.httpStatus);
      }
      throw error;
    }
    // The verifier accepted the scope, so the header parses and names one of our services.
    const scope = parseAuthorization(String(request.headers.authorization)).service;
    const service = opts.queryServices.find((s) => s.signingName === scope) as QueryService;
    xmlns = service.xmlns;
    const params = new URLSearchParams(body.toString("utf8"));
    const action = params.get("Action") ?? "";
    const handler = Object.hasOwn(service.actions, action) ? service.actions[action] : undefined;
    if (!handler) {
      throw new ServiceError(
        action === "" ? "MissingAction" : "InvalidAction",
        action === ""
          ? "The request must contain the parameter Action."
          : `Could not find operation ${action} for version ${params.get("Version") ?? service.version}.`,
      );
    }
    labelRequest(request, { service: service.signingName, operation: action });
    const result = await handler(
      {
        accountId: caller.accountId,
        region: caller.region,
        accessKeyId: caller.accessKeyId,
        services: opts.services,
      },
      params,
    );
    const resultXml = result === undefined ? "" : element(`${action}Result`, result);
    return sendXml(
      reply,
      200,
      requestId,
      `<${action}Response xmlns="${xmlns}">${resultXml}` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    );
  } catch (caught) {
    let error = caught;
    if (!(error instanceof ServiceError)) {
      opts.log.error({ err: error, requestId }, "unexpected error while serving a query request");
      error = new ServiceError("ServiceFailure", "An internal error occurred; see the service log.", 500);
    }
    const e = error as ServiceError;
    labelRequest(request, { errorType: e.code });
    return sendXml(
      reply,
      e.httpStatus,
      requestId,
      `<ErrorResponse xmlns="${xmlns}"><Error><Type>${e.httpStatus >= 500 ? "Receiver" : "Sender"}</Type>` +
        `<Code>${escapeXml(e.code)}</Code><Message>${escapeXml(e.message)}</Message></Error>` +
        `<RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
}

function sendXml(reply: FastifyReply, status: number, requestId: string, xml: string): FastifyReply {
  return reply
    .code(status)
    .header("content-type", "text/xml")
    .header("x-amzn-requestid", requestId)
    .send(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
}

/**
 * One element; lists are `<member>` children, as the query protocol writes them; undefined members are left out.
 * Text is escaped for element content (no attributes are written from values).
 */
export function element(name: string, value: XmlValue): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) return `<${name}>${value.map((v) => element("member", v)).join("")}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString().replace(/\.\d{3}Z$/, "Z")}</${name}>`;
  if (typeof value === "object") {
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => element(k, v))
      .join("")}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}
