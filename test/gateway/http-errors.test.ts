/**
 * Errors that node's HTTP parser and fastify raise before any operation runs are AWS-shaped like the rest:
 * `{"__type","message"}` with x-amzn-ErrorType, never fastify's `{"error","statusCode"}` or a bare status line.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fastifyErrorToService, parserErrorToService } from "../../src/gateway/http-errors.js";
import { MAX_BODY_BYTES } from "../../src/gateway/server.js";
import { type Harness, startHarness } from "../e2e/harness.js";
import { awsErrorProblem, rawExchange, send, signedPost, type WireResponse } from "./wire.js";

function assertAwsError(res: WireResponse, status: number, type: string, message?: RegExp): void {
  assert.equal(awsErrorProblem(res), undefined, `status ${res.status}: ${res.body}`);
  assert.equal(res.status, status, res.body);
  const json = JSON.parse(res.body) as { __type: string; message: string };
  assert.equal(json.__type, type);
  if (message) assert.match(json.message, message);
  assert.match(String(res.headers["content-type"]), /^application\/x-amz-json-1\.1/);
}

describe("HTTP-level errors are AWS-shaped", () => {
  let h: Harness;
  let endpoint: string;
  let host: string;
  before(async () => {
    h = await startHarness();
    endpoint = h.service.forecastEndpoint;
    host = new URL(endpoint).host;
  });
  after(async () => h.close());

  test("headers over 16 KB: 431 SerializationException (node's parser)", async () => {
    const res = await rawExchange(
      endpoint,
      `POST / HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${"a".repeat(20_000)}\r\nContent-Length: 0\r\n\r\n`,
    );
    assertAwsError(res, 431, "SerializationException", /headers are larger than the 16384 bytes/);
  });

  test("a request line that is not HTTP: 400 SerializationException", async () => {
    for (const line of ["FOO@ / HTTP/1.1", "POST / HTTP/9.9", "POST /\u0001 HTTP/1.1"]) {
      const res = await rawExchange(endpoint, `${line}\r\nHost: ${host}\r\n\r\n`);
      assertAwsError(res, 400, "SerializationException", /not valid HTTP\/1\.1/);
    }
  });

  test("Content-Length and Transfer-Encoding together, or a bad chunk: 400", async () => {
    const res = await rawExchange(
      endpoint,
      `POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
    );
    assertAwsError(res, 400, "SerializationException");
  });

  test("a body over 1 MiB: 413 SerializationException", async () => {
    const res = await signedPost(endpoint, Buffer.alloc(MAX_BODY_BYTES + 1, 0x20), {
      target: "AmazonForecast.ListDatasetGroups",
    });
    assertAwsError(res, 413, "SerializationException", /larger than the 1048576 bytes/);
  });

  test("an Expect other than 100-continue: 417 SerializationException (node answers it bare otherwise)", async () => {
    const res = await rawExchange(
      endpoint,
      `POST / HTTP/1.1\r\nHost: ${host}\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n{}`,
    );
    assertAwsError(res, 417, "SerializationException", /Expect/);
  });

  test("no Host header: refused by SigV4, not by a bare 400 from node", async () => {
    const res = await rawExchange(
      endpoint,
      "POST / HTTP/1.1\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
    );
    assertAwsError(res, 403, "MissingAuthenticationTokenException");
  });

  test("bad percent-encoding in the URL: 400 SerializationException", async () => {
    for (const line of ["GET /%zz%u HTTP/1.1", "POST /%zz HTTP/1.1"]) {
      const res = await rawExchange(endpoint, `${line}\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      assertAwsError(res, 400, "SerializationException", /not validly percent-encoded/);
    }
  });

  test("other methods and paths: 404 UnknownOperationException", async () => {
    for (const [method, path] of [
      ["GET", "/"],
      ["PUT", "/"],
      ["DELETE", "/x"],
      ["POST", "/nothing/here"],
      ["OPTIONS", "/"],
      ["PROPFIND", "/"],
    ] as const) {
      const res = await send(endpoint, { method, path, headers: { connection: "close" } });
      assertAwsError(res, 404, "UnknownOperationException");
    }
  });

  test("a browser's GET / is sent to the console; an API client's stays a 404", async () => {
    const browser = await send(endpoint, {
      method: "GET",
      path: "/",
      headers: { connection: "close", accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8" },
    });
    assert.equal(browser.status, 303);
    assert.equal(browser.headers.location, "/console");
  });

  test("malformed JSON, a JSON array, an odd content type: 400, AWS-shaped", async () => {
    const target = "AmazonForecast.ListDatasetGroups";
    assertAwsError(await signedPost(endpoint, "{", { target }), 400, "SerializationException");
    assertAwsError(await signedPost(endpoint, "[1]", { target }), 400, "SerializationException");
    const odd = await signedPost(endpoint, "{", { target, headers: { "content-type": "text/plain;;;" } });
    assert.equal(awsErrorProblem(odd), undefined, odd.body);
    assert.ok(odd.status >= 400 && odd.status < 500, odd.body);
  });

  test("JSON nested 10,000 deep in a known or unknown member: 400 SerializationException, not 500", async () => {
    const deepArray = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const deepObject = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
    for (const [target, member] of [
      ["AmazonForecast.DescribeDatasetGroup", "X"],
      ["AmazonForecast.DescribeDatasetGroup", "DatasetGroupArn"],
      ["AmazonForecast.TagResource", "Tags"],
      ["AmazonForecast.ListDatasetGroups", "X"],
      ["AmazonForecastRuntime.QueryForecast", "Filters"],
    ] as const) {
      for (const deep of [deepArray, deepObject]) {
        const res = await signedPost(endpoint, `{"${member}":${deep}}`, { target });
        assertAwsError(res, 400, "SerializationException", /more than 32 levels deep/);
      }
    }
    // A body within the limit still reaches the validator, which renders the unknown value in its message.
    const shallow = await signedPost(endpoint, '{"X":[[[1]]]}', {
      target: "AmazonForecast.ListDatasetGroups",
    });
    assertAwsError(shallow, 400, "ValidationException", /Value '\[\[\[1\]\]\]' at 'X'/);
  });

  test("the health check keeps answering", async () => {
    const res = await fetch(`${endpoint}/health`);
    assert.equal(res.status, 200);
  });
});

describe("the error mapping itself", () => {
  test("node parser codes", () => {
    assert.equal(parserErrorToService("HPE_HEADER_OVERFLOW").httpStatus, 431);
    assert.equal(parserErrorToService("ERR_HTTP_REQUEST_TIMEOUT").code, "RequestTimeoutException");
    assert.equal(parserErrorToService("ERR_HTTP_HEADERS_TIMEOUT").httpStatus, 408);
    assert.equal(parserErrorToService("HPE_INVALID_METHOD").code, "SerializationException");
  });

  test("every fastify error with a client status maps to a 4xx, anything else to a 5xx", async () => {
    const errors = (await import("fastify")).errorCodes as unknown as Record<
      string,
      new (
        ...a: string[]
      ) => { code: string; statusCode?: number; message: string }
    >;
    let seen = 0;
    for (const [code, Ctor] of Object.entries(errors)) {
      const error = new Ctor("a", "b", "c");
      const mapped = fastifyErrorToService(error, 1024);
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        assert.ok(mapped.httpStatus >= 400 && mapped.httpStatus < 500, code);
        seen++;
      } else assert.ok(mapped.httpStatus >= 500, code);
      assert.ok(mapped.message.length > 0 && !mapped.message.includes("/work/"), code);
    }
    assert.ok(seen >= 8, `only ${seen} client errors in fastify's list`);
    assert.equal(
      fastifyErrorToService({ code: "FST_ERR_CTP_INVALID_CONTENT_LENGTH", statusCode: 400 }, 1).code,
      "SerializationException",
    );
  });
});
