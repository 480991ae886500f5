import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import Fastify, { type FastifyInstance } from "fastify";
import { type createSigV2PresignedVerifier, isSigV2Presigned } from "../identity/sigv2-s3-presigned.js";
import type { Caller } from "../identity/sigv4.js";
import type { IncomingS3Request } from "../identity/sigv4-s3.js";
import { S3SignatureRejection } from "../identity/sigv4-s3.js";
import { AwsChunkedDecoder, AwsChunkedError, isAwsChunked } from "./aws-chunked-decoder.js";
import { copySourceBucket, decideAccess } from "./bucket-access.js";
import {
  createBucket,
  deleteBucket,
  getBucketLocation,
  headBucket,
  listBuckets,
} from "./s3-bucket-handlers.js";
import type { S3Answer, S3Backend, S3Call } from "./s3-call.js";
import { S3Error } from "./s3-error.js";
import { listMultipartUploads, listObjectsV1, listObjectsV2 } from "./s3-listing-handlers.js";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  copyObject,
  createMultipartUpload,
  deleteObject,
  deleteObjects,
  getObject,
  putObject,
  uploadPart,
} from "./s3-object-handlers.js";
import { checkBucketName, checkKey } from "./s3-request-safety.js";
import { errorDocument } from "./s3-xml.js";

export interface S3EndpointOptions {
  backend: S3Backend;
  /** src/identity's SigV4 verification, S3 flavour. */
  verify(request: IncomingS3Request): Promise<Caller>;
  /** Verification of legacy (V2) presigned URLs. */
  verifyV2: ReturnType<typeof createSigV2PresignedVerifier>["verify"];
  /** Told about server errors (500s), which are the endpoint's bugs or the disk's faults. */
  log?: (message: string) => void;
}

type Handler = (backend: S3Backend, call: S3Call) => Promise<S3Answer>;

const SIGV4_ONLY =
  "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.";

// Query parameters that shape a request without naming a sub-resource: signatures, listing and response options.
const PLAIN_PARAMETERS = new Set([
  "x-id",
  "AWSAccessKeyId",
  "Expires",
  "Signature",
  "prefix",
  "delimiter",
  "marker",
  "max-keys",
  "list-type",
  "continuation-token",
  "start-after",
  "fetch-owner",
  "encoding-type",
  "key-marker",
  "upload-id-marker",
  "max-uploads",
  "versionId",
]);

function subresources(query: URLSearchParams): Set<string> {
  const names = new Set<string>();
  for (const name of query.keys()) {
    const lower = name.toLowerCase();
    if (PLAIN_PARAMETERS.has(name) || lower.startsWith("x-amz-") || lower.startsWith("response-")) continue;
    names.add(name);
  }
  return names;
}

const notImplemented = (what: string) =>
  new S3Error("NotImplemented", `${what} is not supported by this endpoint.`);

/** Which operation a request is (S3's REST mapping, for the 17 operations served). */
function route(call: S3Call): Handler {
  const { method } = call;
  if (call.bucket === undefined) {
    if (method === "GET" || method === "HEAD") return listBuckets;
    throw new S3Error("MethodNotAllowed", "The specified method is not allowed against this resource.");
  }
  const sub = subresources(call.query);
  if (call.key === "") {
    switch (method) {
      case "HEAD":
        return headBucket;
      case "GET":
        if (sub.size === 0) return call.query.get("list-type") === "2" ? listObjectsV2 : listObjectsV1;
        if (sub.has("uploads")) return listMultipartUploads;
        if (sub.has("location")) return getBucketLocation;
        break;
      case "PUT":
        if (sub.size === 0) return createBucket;
        break;
      case "DELETE":
        if (sub.size === 0) return deleteBucket;
        break;
      case "POST":
        if (sub.has("delete")) return deleteObjects;
        // Browser-form uploads: no SDK or CLI sends them.
        throw notImplemented("POST object (browser-form upload); use PutObject. This operation");
    }
    throw notImplemented(`This bucket operation (${method} ?${[...sub].join("&").slice(0, 100)})`);
  }
  switch (method) {
    case "GET":
      if (sub.size === 0) return (backend, c) => getObject(backend, c, false);
      if (sub.has("uploadId")) throw notImplemented("ListParts");
      break;
    case "HEAD":
      return (backend, c) => getObject(backend, c, true);
    case "PUT":
      if (sub.has("uploadId") && sub.has("partNumber")) return uploadPart;
      if (sub.size === 0) return call.header("x-amz-copy-source") === undefined ? putObject : copyObject;
      break;
    case "DELETE":
      if (sub.has("uploadId")) return abortMultipartUpload;
      if (sub.size === 0) return deleteObject;
      break;
    case "POST":
      if (sub.has("uploads")) return createMultipartUpload;
      if (sub.has("uploadId")) return completeMultipartUpload;
      break;
  }
  throw notImplemented(`This object operation (${method} ?${[...sub].join("&").slice(0, 100)})`);
}

/** `<bucket>.s3[.-region].amazonaws.com` or `<bucket>.localhost`: the bucket of a virtual-host-style request. */
export function hostBucket(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  const name = host.toLowerCase().replace(/:\d{1,5}$/, "");
  if (name.endsWith(".localhost")) return name.slice(0, -".localhost".length);
  if (!name.endsWith(".amazonaws.com")) return undefined;
  for (const marker of [".s3.", ".s3-"]) {
    const at = name.indexOf(marker);
    if (at > 0) return name.slice(0, at);
  }
  return undefined;
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Parses the request line into bucket, key and query, and authenticates the caller. */
async function admit(options: S3EndpointOptions, req: IncomingMessage): Promise<S3Call> {
  const method = req.method ?? "GET";
  const rawUrl = req.url ?? "/";
  const mark = rawUrl.indexOf("?");
  const rawPath = mark === -1 ? rawUrl : rawUrl.slice(0, mark);
  const query = new URLSearchParams(mark === -1 ? "" : rawUrl.slice(mark + 1));
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new S3Error("InvalidURI", "Couldn't parse the specified URI.");
  }
  const virtualBucket = hostBucket(firstHeader(req, "host"));
  let bucket: string | undefined;
  let key: string;
  if (virtualBucket !== undefined && virtualBucket !== "") {
    bucket = virtualBucket;
    key = path.replace(/^\//, "");
  } else {
    const slash = path.indexOf("/", 1);
    bucket = slash === -1 ? path.slice(1) : path.slice(1, slash);
    key = slash === -1 ? "" : path.slice(slash + 1);
    if (bucket === "") bucket = undefined;
  }
  const header = (name: string) => firstHeader(req, name);
  const request: IncomingS3Request = { method, rawUrl, rawHeaders: req.rawHeaders };
  let caller: Caller;
  const legacy = isSigV2Presigned(rawUrl, header("authorization"));
  try {
    caller = legacy ? options.verifyV2(request) : await options.verify(request);
  } catch (error) {
    if (error instanceof S3SignatureRejection) throw new S3Error(error.code, error.message);
    throw error;
  }
  if (legacy && bucket === undefined) throw new S3Error("InvalidRequest", SIGV4_ONLY);
  let body: Readable | undefined;
  return {
    method,
    bucket,
    key,
    query,
    header,
    raw: req,
    caller,
    resource: bucket === undefined ? "/" : `/${bucket}${key === "" ? "" : `/${key}`}`,
    body() {
      if (body !== undefined) return body;
      // Errors before a handler pipes the body somewhere must not go unhandled (the process would end); the
      // stream keeps them (`errored`) and the handler's pipeline rejects with them.
      req.on("error", ignore);
      if (isAwsChunked(header("content-encoding"), header("x-amz-content-sha256"))) {
        const decoder = new AwsChunkedDecoder();
        req.on("error", (error) => decoder.destroy(error));
        req.on("aborted", () => decoder.destroy(new Error("aborted")));
        decoder.on("error", ignore);
        body = req.pipe(decoder);
      } else {
        body = req;
      }
      return body;
    },
  };
}

/** Everything between the request and the handler: containment checks, then ownership (bucket-access.ts). */
function checkAccess(backend: S3Backend, call: S3Call): void {
  if (call.bucket !== undefined) checkBucketName(call.bucket);
  if (call.key !== "") checkKey(call.key);
  const copySource = call.header("x-amz-copy-source");
  const decision = decideAccess(
    {
      method: call.method,
      bucket: call.bucket,
      key: call.key,
      queryNames: [...subresources(call.query)],
      copySourceBucket: copySourceBucket(copySource),
    },
    call.caller.accountId,
    (bucket) => backend.owners.ownerOf(bucket),
  );
  if (decision.kind === "deny") {
    throw new S3Error(
      decision.code,
      decision.message,
      call.bucket === undefined ? {} : { BucketName: call.bucket },
    );
  }
}

const ignore = () => {};

const newRequestId = () => randomBytes(8).toString("hex").toUpperCase();

/** A request body cut short or malformed by the client: its fault, answered 400. */
function isClientBodyError(error: unknown): boolean {
  if (error instanceof AwsChunkedError) return true;
  const code = (error as NodeJS.ErrnoException).code;
  const message = (error as Error).message;
  return code === "ECONNRESET" || code === "ERR_STREAM_PREMATURE_CLOSE" || message === "aborted";
}

function errorAnswer(error: S3Error, resource: string, requestId: string, method: string): S3Answer {
  return {
    status: error.status,
    headers: error.headers,
    body:
      method === "HEAD"
        ? undefined
        : errorDocument(error.code, error.message, resource, requestId, error.details),
  };
}

async function send(res: ServerResponse, answer: S3Answer, requestId: string, method: string): Promise<void> {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = {
    "x-amz-request-id": requestId,
    "x-amz-id-2": requestId,
    server: "OpenForecast",
    ...answer.headers,
  };
  if (typeof answer.body === "string") {
    headers["content-type"] = "application/xml";
    headers["content-length"] = String(Buffer.byteLength(answer.body));
    res.writeHead(answer.status, headers);
    res.end(answer.body);
    return;
  }
  if (answer.body === undefined) {
    if (headers["content-length"] === undefined) headers["content-length"] = "0";
    res.writeHead(answer.status, headers);
    res.end();
    return;
  }
  res.writeHead(answer.status, headers);
  if (method === "HEAD") {
    answer.body.destroy();
    res.end();
    return;
  }
  try {
    await pipeline(answer.body, res);
  } catch {
    // The client went away, or the file could not be read past the headers: the connection is cut.
    res.destroy();
  }
}

/** The raw answer to a connection-level error (a header section over Node's limit, a malformed request line). */
function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable) return;
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const body = errorDocument(
    tooLarge ? "RequestHeaderSectionTooLarge" : "BadRequest",
    tooLarge
      ? "Your request header section exceeds the maximum allowed size."
      : "An error occurred when parsing the HTTP request.",
    "/",
    newRequestId(),
    {},
  );
  socket.end(
    `HTTP/1.1 400 Bad Request\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The embedded S3 endpoint's HTTP layer: fastify with one catch-all route. Bodies are never parsed by fastify (the
 * handlers stream them, or read the two XML bodies within bounds); answers are written straight to the response.
 * Every error is S3's `<Error>` document with Code, Message, Resource and RequestId; a 500 only for the
 * endpoint's own faults (logged).
 */
export function createS3Endpoint(options: S3EndpointOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    // While closing, requests still get S3's answers (fastify's own 503 is not an S3 document).
    return503OnClosing: false,
    clientErrorHandler,
    // A path fastify's router cannot decode (`%zz`) never reaches the route.
    frameworkErrors: (_error, request, reply) => {
      const raw = reply as unknown as { hijack(): void; raw: ServerResponse };
      raw.hijack();
      const requestId = newRequestId();
      const method = request.raw.method ?? "GET";
      const error = new S3Error("InvalidURI", "Couldn't parse the specified URI.");
      void send(raw.raw, errorAnswer(error, "/", requestId, method), requestId, method);
    },
    routerOptions: { ignoreTrailingSlash: false, ignoreDuplicateSlashes: false, maxParamLength: 65_535 },
  });
  app.removeAllContentTypeParsers();
  // Leaves every body unread, for the handler to stream.
  app.addContentTypeParser("*", (_request, _payload, done) => done(null, undefined));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = newRequestId();
    const method = req.method ?? "GET";
    let resource = "/";
    let answer: S3Answer;
    try {
      if (method === "OPTIONS" && req.headers.authorization === undefined) {
        throw new S3Error("CORSResponse", "CORS is not enabled for this bucket.");
      }
      const call = await admit(options, req);
      resource = call.resource;
      checkAccess(options.backend, call);
      answer = await route(call)(options.backend, call);
    } catch (error) {
      let s3Error: S3Error;
      if (error instanceof S3Error) s3Error = error;
      else if (isClientBodyError(error)) {
        s3Error = new S3Error(
          "IncompleteBody",
          error instanceof AwsChunkedError
            ? error.message
            : "The request body ended before its declared length.",
        );
      } else {
        options.log?.(
          `Embedded S3: ${method} ${resource.slice(0, 200)} failed: ${(error as Error).stack ?? error}`,
        );
        s3Error = new S3Error("InternalError", "We encountered an internal error. Please try again.");
      }
      answer = errorAnswer(s3Error, resource, requestId, method);
    }
    await send(res, answer, requestId, method);
  };

  app.route({
    method: ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"],
    url: "*",
    handler: async (request, reply) => {
      reply.hijack();
      await handle(request.raw, reply.raw);
    },
  });
  /** Fastify's own answers (an unrouted method, an error before the route), as S3 documents. */
  const refuse =
    (code: string, message: string) =>
    async (request: { raw: IncomingMessage }, reply: { hijack(): void; raw: ServerResponse }) => {
      reply.hijack();
      const requestId = newRequestId();
      const method = request.raw.method ?? "GET";
      await send(
        reply.raw,
        errorAnswer(new S3Error(code, message), "/", requestId, method),
        requestId,
        method,
      );
    };
  app.setNotFoundHandler(
    refuse("MethodNotAllowed", "The specified method is not allowed against this resource."),
  );
  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) {
      options.log?.(`Embedded S3: ${(error as Error).stack ?? error}`);
      return refuse("InternalError", "We encountered an internal error. Please try again.")(request, reply);
    }
    return refuse("InvalidRequest", "The request could not be understood.")(request, reply);
  });
  return app;
}
