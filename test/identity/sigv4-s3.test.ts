import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { createS3Verifier, type IncomingS3Request } from "../../src/identity/sigv4-s3.js";

// Requests are signed by the SDK's own signer, so these tests check our verifier against an implementation
// that is not ours.
const KEY = { accessKeyId: "AKIAAUTHTEST", secretAccessKey: "s3cr3t/with+symbols=" };
const ACCOUNT = "111122223333";
const verifier = createS3Verifier({ keys: [{ ...KEY, accountId: ACCOUNT }] });
const authenticate = (request: IncomingS3Request) => verifier.verify(request);
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

describe("SigV4 verification of S3 requests (src/identity, S3 flavour)", () => {
  test("accepts a header-signed request with an awkward key and query, and names its account", async () => {
    const signed = await signer().sign(
      request("GET", "/my-bucket/dir one/ü (1)*.csv", { "list-type": "2", prefix: "a b/", "max-keys": "2" }),
    );
    assert.deepEqual(await authenticate(received(signed)), {
      accountId: ACCOUNT,
      region: "eu-west-1",
      accessKeyId: KEY.accessKeyId,
    });
  });

  test("accepts a streaming (aws-chunked) upload signature: the declared payload hash is what is signed", async () => {
    const signed = await signer().sign(
      request(
        "PUT",
        "/my-bucket/big.csv",
        {},
        { "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" },
      ),
    );
    assert.equal((await authenticate(received(signed))).accountId, ACCOUNT);
  });

  test("refuses the wrong secret", async () => {
    const signed = await signer({ secret: "guessed" }).sign(request("GET", "/my-bucket/x"));
    await assert.rejects(authenticate(received(signed)), { code: "SignatureDoesNotMatch" });
  });

  test("refuses a request changed after signing", async () => {
    const signed = received(await signer().sign(request("GET", "/my-bucket/x")));
    await assert.rejects(authenticate({ ...signed, rawUrl: "/my-bucket/y" }), {
      code: "SignatureDoesNotMatch",
    });
    await assert.rejects(authenticate({ ...signed, method: "DELETE" }), { code: "SignatureDoesNotMatch" });
  });

  test("refuses an unknown key", async () => {
    const signed = await signer().sign(request("GET", "/my-bucket/x"));
    await assert.rejects(createS3Verifier({ keys: [] }).verify(received(signed)), {
      code: "InvalidAccessKeyId",
    });
  });

  test("refuses a request signed more than 15 minutes away from now", async () => {
    const signingDate = new Date(Date.now() - 16 * 60 * 1000);
    const signed = await signer().sign(request("GET", "/my-bucket/x"), { signingDate });
    await assert.rejects(authenticate(received(signed)), { code: "RequestTimeTooSkewed" });
  });

  test("refuses dates that do not exist (20240231), as the Forecast gateway does", async () => {
    // Signed for 2 March 2024, but sent as "20240231", which Date.UTC would roll over to 2 March.
    const signingDate = new Date(Date.UTC(2024, 2, 2, 12, 0, 0));
    const now = () => signingDate;
    const signed = await signer().sign(request("GET", "/my-bucket/x"), { signingDate });
    const headers: Record<string, string> = { ...signed.headers, "x-amz-date": "20240231T120000Z" };
    headers.authorization = headers.authorization.replace("/20240302/", "/20240231/");
    const lenient = createS3Verifier({ keys: [{ ...KEY, accountId: ACCOUNT }], now });
    await assert.rejects(lenient.verify(received({ ...signed, headers })), {
      code: "AccessDenied",
      message: /valid Date or x-amz-date/,
    });
  });

  test("refuses a signature scoped to another service", async () => {
    const signed = await signer({ service: "forecast" }).sign(request("GET", "/my-bucket/x"));
    await assert.rejects(authenticate(received(signed)), { code: "AuthorizationHeaderMalformed" });
  });

  test("refuses anonymous requests", async () => {
    await assert.rejects(
      authenticate({ method: "GET", rawUrl: "/my-bucket/x", rawHeaders: ["Host", HOST] }),
      {
        code: "AccessDenied",
      },
    );
  });

  test("refuses session tokens: this endpoint issues none", async () => {
    const signed = await signer().sign(
      request("GET", "/my-bucket/x", {}, { "x-amz-security-token": "bogus" }),
    );
    await assert.rejects(authenticate(received(signed)), { code: "InvalidToken" });
  });

  test("accepts a presigned URL until it expires, and names the signer's account", async () => {
    const fresh = await signer().presign(request("GET", "/my-bucket/x y.csv"), { expiresIn: 60 });
    assert.equal((await authenticate(received(fresh))).accountId, ACCOUNT);
    const old = await signer().presign(request("GET", "/my-bucket/x.csv"), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 120_000),
    });
    await assert.rejects(authenticate(received(old)), { code: "AccessDenied", message: /expired/ });
  });

  test("refuses a presigned URL whose signature or path was changed", async () => {
    const presigned = received(await signer().presign(request("GET", "/my-bucket/x.csv"), { expiresIn: 60 }));
    await assert.rejects(
      authenticate({ ...presigned, rawUrl: presigned.rawUrl.replace("/x.csv", "/y.csv") }),
      {
        code: "SignatureDoesNotMatch",
      },
    );
    const wrong = await signer({ secret: "guessed" }).presign(request("GET", "/my-bucket/x.csv"), {
      expiresIn: 60,
    });
    await assert.rejects(authenticate(received(wrong)), { code: "SignatureDoesNotMatch" });
  });

  test("refuses legacy (version 2) signatures, as S3 does in its newer regions", async () => {
    await assert.rejects(
      authenticate({
        method: "GET",
        rawUrl: "/my-bucket/x",
        rawHeaders: ["Host", HOST, "Authorization", `AWS ${KEY.accessKeyId}:c2lnbmF0dXJl`],
      }),
      { code: "InvalidRequest", message: /AWS4-HMAC-SHA256/ },
    );
  });
});
