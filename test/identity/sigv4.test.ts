import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ServiceError } from "../../src/errors.js";
import { createVerifier, type IncomingSigned } from "../../src/identity/sigv4.js";
import { KEY, SIGNED_AT, signRequest } from "./signing.js";

const OTHER = {
  accountId: "444455556666",
  accessKeyId: "AKIAOTHERKEY0000001",
  secretAccessKey: "other-secret",
};

function verifier(now = SIGNED_AT) {
  return createVerifier({ keys: [KEY, OTHER], services: ["forecast"], now: () => now });
}

async function rejects(req: IncomingSigned, code: string, message?: RegExp, now = SIGNED_AT) {
  await assert.rejects(verifier(now).verify(req), (err: unknown) => {
    assert.ok(err instanceof ServiceError, `expected a ServiceError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.httpStatus, 403);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe("SigV4 verification: good requests", () => {
  test("a request signed with a known key yields its account and the scope's region", async () => {
    const caller = await verifier().verify(await signRequest({ region: "eu-west-1" }));
    assert.deepEqual(caller, { accountId: KEY.accountId, region: "eu-west-1", accessKeyId: KEY.accessKeyId });
  });

  test("each key maps to its own account", async () => {
    const caller = await verifier().verify(await signRequest({ key: OTHER }));
    assert.equal(caller.accountId, "444455556666");
  });

  test("AWS's published get-vanilla test vector verifies", async () => {
    // From the aws-sig-v4-test-suite: GET / with host and x-amz-date only, service "service".
    const v = createVerifier({
      keys: [
        {
          accountId: "123456789012",
          accessKeyId: "AKIDEXAMPLE",
          secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        },
      ],
      services: ["service"],
      now: () => new Date("2015-08-30T12:36:00Z"),
    });
    const req: IncomingSigned = {
      method: "GET",
      path: "/",
      query: {},
      headers: {
        host: "example.amazonaws.com",
        "x-amz-date": "20150830T123600Z",
        authorization:
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, " +
          "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
      },
      body: Buffer.alloc(0),
    };
    assert.equal((await v.verify(req)).region, "us-east-1");
    const wrong = { ...req, headers: { ...req.headers, host: "example.amazonaws.org" } };
    await assert.rejects(v.verify(wrong), { code: "InvalidSignatureException" });
  });

  test("whitespace inside a signed header value is canonicalised (runs collapse, ends trimmed)", async () => {
    const req = await signRequest({ headers: { "x-amz-meta-note": "a   b  c" } });
    req.headers["x-amz-meta-note"] = " a b    c ";
    await verifier().verify(req);
    req.headers["x-amz-meta-note"] = "a b c d";
    await rejects(req, "InvalidSignatureException");
  });

  test("query strings are canonicalised: order, repeated keys and escaping", async () => {
    const req = await signRequest({
      method: "GET",
      body: "",
      query: { b: "2", a: ["x y", "1"], "c/d": "é&=" },
    });
    req.query = { "c/d": "é&=", a: ["1", "x y"], b: "2" };
    await verifier().verify(req);
    req.query = { ...req.query, b: "3" };
    await rejects(req, "InvalidSignatureException");
  });

  test("an escaped path is signed double-escaped, as every service but S3 does", async () => {
    const req = await signRequest({ path: "/a%20b/c" });
    await verifier().verify(req);
    await rejects({ ...req, path: "/a b/c" }, "InvalidSignatureException");
  });

  test("a signed x-amz-content-sha256 must be the body's hash", async () => {
    const good = await signRequest({ applyChecksum: true });
    assert.match(String(good.headers["x-amz-content-sha256"]), /^[0-9a-f]{64}$/);
    await verifier().verify(good);
    const unsigned = await signRequest({ headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    await rejects(unsigned, "InvalidSignatureException");
    await rejects({ ...good, body: Buffer.from('{"MaxResults":11}') }, "InvalidSignatureException");
  });

  test("headers the signer usually skips are honoured when the client signed them", async () => {
    const req = await signRequest({
      headers: { "user-agent": "custom/1.0" },
      signableHeaders: new Set(["user-agent"]),
    });
    assert.match(String(req.headers.authorization), /user-agent/);
    await verifier().verify(req);
    await rejects(
      { ...req, headers: { ...req.headers, "user-agent": "custom/2.0" } },
      "InvalidSignatureException",
    );
  });

  test("unsigned headers may change; header names are case-insensitive", async () => {
    const req = await signRequest({ headers: { "user-agent": "one" } });
    const headers: IncomingSigned["headers"] = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name.toUpperCase()] = value;
    headers["USER-AGENT"] = "two";
    await verifier().verify({ ...req, headers });
  });
});

describe("SigV4 verification: failures", () => {
  test("no Authorization header", async () => {
    const req = await signRequest();
    delete req.headers.authorization;
    await rejects(req, "MissingAuthenticationTokenException", /^Missing Authentication Token$/);
  });

  test("malformed Authorization headers say what is missing", async () => {
    const req = await signRequest();
    const auth = String(req.headers.authorization);
    const withAuth = (authorization: string) => ({ ...req, headers: { ...req.headers, authorization } });
    await rejects(withAuth("Bearer abc"), "IncompleteSignatureException", /algorithm 'Bearer'/);
    await rejects(
      withAuth(auth.replace(/, Signature=[0-9a-f]+/, "")),
      "IncompleteSignatureException",
      /requires 'Signature' parameter/,
    );
    await rejects(
      withAuth("AWS4-HMAC-SHA256 Credential=abc"),
      "IncompleteSignatureException",
      /'SignedHeaders' parameter.*'Signature' parameter/,
    );
    await rejects(
      withAuth(auth.replace("/aws4_request", "")),
      "IncompleteSignatureException",
      /Credential must have the form/,
    );
  });

  test("a missing or malformed X-Amz-Date", async () => {
    const req = await signRequest();
    const { "x-amz-date": _, ...without } = req.headers;
    await rejects({ ...req, headers: without }, "IncompleteSignatureException", /X-Amz-Date/);
    await rejects(
      { ...req, headers: { ...req.headers, "x-amz-date": "20240231T120000Z" } },
      "IncompleteSignatureException",
      /basic format/,
    );
  });

  test("host must be signed", async () => {
    const req = await signRequest();
    const auth = String(req.headers.authorization).replace("host;", "");
    await rejects(
      { ...req, headers: { ...req.headers, authorization: auth } },
      "IncompleteSignatureException",
      /'host'/,
    );
  });

  test("unknown access key", async () => {
    const req = await signRequest({ key: { accessKeyId: "AKIANOBODYKNOWS00000", secretAccessKey: "x" } });
    await rejects(
      req,
      "UnrecognizedClientException",
      /^The security token included in the request is invalid\.$/,
    );
  });

  test("wrong secret", async () => {
    const req = await signRequest({
      key: { accessKeyId: KEY.accessKeyId, secretAccessKey: "not-the-secret" },
    });
    await rejects(req, "InvalidSignatureException", /does not match the signature you provided/);
  });

  test("tampered body", async () => {
    const req = await signRequest();
    await rejects({ ...req, body: Buffer.from('{"MaxResults":99}') }, "InvalidSignatureException");
  });

  test("tampered signed header", async () => {
    const req = await signRequest();
    const headers = { ...req.headers, "x-amz-target": "AmazonForecast.DeleteDatasetGroup" };
    await rejects({ ...req, headers }, "InvalidSignatureException");
    await rejects(
      { ...req, headers: { ...req.headers, host: "127.0.0.1:9999" } },
      "InvalidSignatureException",
    );
    await rejects({ ...req, method: "PUT" }, "InvalidSignatureException");
  });

  test("a signature of the wrong length is a mismatch, not a crash", async () => {
    const req = await signRequest();
    const auth = String(req.headers.authorization).replace(/Signature=[0-9a-f]+/, "Signature=abc");
    await rejects({ ...req, headers: { ...req.headers, authorization: auth } }, "InvalidSignatureException");
  });

  test("a scope for another service, an odd region or another day", async () => {
    await rejects(
      await signRequest({ service: "s3" }),
      "InvalidSignatureException",
      /correct service: 'forecast'/,
    );
    await rejects(await signRequest({ region: "US_EAST" }), "InvalidSignatureException", /valid region/);
    const req = await signRequest();
    const auth = String(req.headers.authorization).replace("/20240310/", "/20240309/");
    await rejects(
      { ...req, headers: { ...req.headers, authorization: auth } },
      "InvalidSignatureException",
      /Date in Credential scope does not match/,
    );
  });

  test("clock skew: 15 minutes either way is allowed, more is not", async () => {
    const minutes = (m: number) => new Date(SIGNED_AT.getTime() + m * 60_000);
    const req = await signRequest();
    await verifier(minutes(15)).verify(req);
    await verifier(minutes(-15)).verify(req);
    await rejects(
      req,
      "InvalidSignatureException",
      /^Signature expired: 20240310T120000Z .*- 15 min\./,
      minutes(16),
    );
    await rejects(
      req,
      "InvalidSignatureException",
      /^Signature not yet current: 20240310T120000Z .*\+ 15 min\./,
      minutes(-16),
    );
  });

  test("the allowed skew is configurable", async () => {
    const req = await signRequest();
    const strict = createVerifier({
      keys: [KEY],
      services: ["forecast"],
      clockSkewSeconds: 30,
      now: () => new Date(SIGNED_AT.getTime() + 31_000),
    });
    await assert.rejects(strict.verify(req), { code: "InvalidSignatureException", message: /30 s\./ });
  });

  test("conflicting keys are refused when the verifier is built", () => {
    assert.throws(
      () => createVerifier({ keys: [KEY, { ...KEY, secretAccessKey: "different" }], services: ["forecast"] }),
      /given twice/,
    );
  });
});
