import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { authenticateS3Request, type IncomingS3Request } from "../../src/storage/s3-request-auth.js";

// Requests are signed by the SDK's own signer, so these tests check our verifier against an implementation
// that is not ours.
const KEY = { accessKeyId: "AKIAAUTHTEST", secretAccessKey: "s3cr3t/with+symbols=" };
const SECRETS = new Map([[KEY.accessKeyId, KEY.secretAccessKey]]);
const HOST = "127.0.0.1:8687";

const encodeSegment = (segment: string) =>
  encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function signer(options: { secret?: string; service?: string } = {}) {
  return new SignatureV4({
    service: options.service ?? "s3",
    region: "eu-west-1",
    credentials: { ...KEY, secretAccessKey: options.secret ?? KEY.secretAccessKey },
    sha256: Sha256,
    uriEscapePath: false,
  });
}

function request(
  method: string,
  key: string,
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  return new HttpRequest({
    method,
    protocol: "http:",
    hostname: "127.0.0.1",
    port: 8687,
    // On the wire, as the SDK sends it: each segment encoded once.
    path: key.split("/").map(encodeSegment).join("/"),
    query,
    headers: { host: HOST, "x-amz-content-sha256": "UNSIGNED-PAYLOAD", ...headers },
  });
}

/** The parts of a signed request that reach the server. */
interface SignedRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
}

/** What the server receives for a signed request. */
function received(signed: SignedRequest): IncomingS3Request {
  const query = Object.entries(signed.query ?? {})
    .map(([name, value]) => `${encodeSegment(name)}=${encodeSegment(String(value))}`)
    .join("&");
  return {
    method: signed.method,
    rawUrl: query === "" ? signed.path : `${signed.path}?${query}`,
    rawHeaders: Object.entries(signed.headers).flat(),
  };
}

describe("SigV4 verification of S3 requests", () => {
  test("accepts a header-signed request with an awkward key and query", async () => {
    const signed = await signer().sign(
      request("GET", "/my-bucket/dir one/ü (1)*.csv", { "list-type": "2", prefix: "a b/", "max-keys": "2" }),
    );
    assert.deepEqual(authenticateS3Request(received(signed), SECRETS), {
      scheme: "sigv4",
      accessKeyId: KEY.accessKeyId,
    });
  });

  test("refuses the wrong secret", async () => {
    const signed = await signer({ secret: "guessed" }).sign(request("GET", "/my-bucket/x"));
    assert.throws(() => authenticateS3Request(received(signed), SECRETS), { code: "SignatureDoesNotMatch" });
  });

  test("refuses a request changed after signing", async () => {
    const signed = received(await signer().sign(request("GET", "/my-bucket/x")));
    assert.throws(() => authenticateS3Request({ ...signed, rawUrl: "/my-bucket/y" }, SECRETS), {
      code: "SignatureDoesNotMatch",
    });
    assert.throws(() => authenticateS3Request({ ...signed, method: "DELETE" }, SECRETS), {
      code: "SignatureDoesNotMatch",
    });
  });

  test("refuses an unknown key", async () => {
    const signed = await signer().sign(request("GET", "/my-bucket/x"));
    assert.throws(() => authenticateS3Request(received(signed), new Map()), { code: "InvalidAccessKeyId" });
  });

  test("refuses a request signed more than 15 minutes away from now", async () => {
    const signingDate = new Date(Date.now() - 16 * 60 * 1000);
    const signed = await signer().sign(request("GET", "/my-bucket/x"), { signingDate });
    assert.throws(() => authenticateS3Request(received(signed), SECRETS), { code: "RequestTimeTooSkewed" });
  });

  test("refuses a signature scoped to another service", async () => {
    const signed = await signer({ service: "forecast" }).sign(request("GET", "/my-bucket/x"));
    assert.throws(() => authenticateS3Request(received(signed), SECRETS), {
      code: "AuthorizationHeaderMalformed",
    });
  });

  test("refuses anonymous requests", () => {
    assert.throws(
      () =>
        authenticateS3Request({ method: "GET", rawUrl: "/my-bucket/x", rawHeaders: ["Host", HOST] }, SECRETS),
      { code: "AccessDenied" },
    );
  });

  test("accepts a presigned URL until it expires", async () => {
    const fresh = await signer().presign(request("GET", "/my-bucket/x.csv"), { expiresIn: 60 });
    assert.equal(authenticateS3Request(received(fresh), SECRETS).scheme, "sigv4");
    const old = await signer().presign(request("GET", "/my-bucket/x.csv"), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 120_000),
    });
    assert.throws(() => authenticateS3Request(received(old), SECRETS), {
      code: "AccessDenied",
      message: /expired/,
    });
  });

  test("leaves legacy signatures of known keys to s3rver, refuses unknown ones", () => {
    const v2 = (id: string): IncomingS3Request => ({
      method: "GET",
      rawUrl: "/my-bucket/x",
      rawHeaders: ["Host", HOST, "Authorization", `AWS ${id}:c2lnbmF0dXJl`],
    });
    assert.deepEqual(authenticateS3Request(v2(KEY.accessKeyId), SECRETS), {
      scheme: "sigv2",
      accessKeyId: KEY.accessKeyId,
    });
    assert.throws(() => authenticateS3Request(v2("AKIAOTHER"), SECRETS), { code: "InvalidAccessKeyId" });
  });
});
