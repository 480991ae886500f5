/**
 * We issue no session tokens, so a signed request carrying X-Amz-Security-Token (header or query) carries one we
 * did not issue: 403 UnrecognizedClientException, "The security token included in the request is invalid.", as
 * AWS answers. Unit (verifier) and end to end (SDK v3 with session credentials, and a raw signed request).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ListDatasetGroupsCommand } from "@aws-sdk/client-forecast";
import { ServiceError } from "../../src/errors.js";
import { carriesSecurityToken } from "../../src/identity/security-token.js";
import { createVerifier } from "../../src/identity/sigv4.js";
import { ACCOUNTS, forecastClient, type Harness, startHarness } from "../e2e/harness.js";
import { awsErrorProblem, signedPost } from "../gateway/wire.js";
import { KEY, SIGNED_AT, signRequest } from "./signing.js";

const MESSAGE = "The security token included in the request is invalid.";
const verifier = createVerifier({ keys: [KEY], services: ["forecast"], now: () => SIGNED_AT });

async function refused(req: Awaited<ReturnType<typeof signRequest>>): Promise<void> {
  await assert.rejects(verifier.verify(req), (err: unknown) => {
    assert.ok(err instanceof ServiceError);
    assert.equal(err.code, "UnrecognizedClientException");
    assert.equal(err.httpStatus, 403);
    assert.equal(err.message, MESSAGE);
    return true;
  });
}

describe("security tokens we did not issue", () => {
  test("a correctly signed request with X-Amz-Security-Token in a header is refused", async () => {
    await refused(await signRequest({ headers: { "x-amz-security-token": "FwoGZXIvYXdzEBYaDFAKE" } }));
    await refused(await signRequest({ headers: { "X-Amz-Security-Token": "" } }));
  });

  test("in the query string, in any case", async () => {
    await refused(await signRequest({ query: { "X-Amz-Security-Token": "FwoGZXIvYXdzEBYaDFAKE" } }));
    await refused(await signRequest({ query: { "x-amz-security-token": "t" } }));
  });

  test("the same request without it still verifies", async () => {
    const caller = await verifier.verify(await signRequest());
    assert.equal(caller.accountId, KEY.accountId);
    assert.equal(carriesSecurityToken({ headers: { "x-amz-date": "x" }, query: { a: "b" } }), false);
  });
});

describe("security tokens end to end", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  test("SDK v3 with session credentials: UnrecognizedClientException", async () => {
    const a = ACCOUNTS[0];
    const client = forecastClient(h.service.forecastEndpoint);
    client.config.credentials = async () => ({
      accessKeyId: a.accessKeyId,
      secretAccessKey: a.secretAccessKey,
      sessionToken: "FwoGZXIvYXdzEBYaDNotIssuedByUs",
    });
    await assert.rejects(
      client.send(new ListDatasetGroupsCommand({})),
      (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(err.name, "UnrecognizedClientException");
        assert.equal(err.message, MESSAGE);
        assert.equal(err.$metadata?.httpStatusCode, 403);
        return true;
      },
    );
    client.destroy();
    // The same client without the token works.
    const plain = h.forecast();
    assert.ok(Array.isArray((await plain.send(new ListDatasetGroupsCommand({}))).DatasetGroups));
  });

  test("a signed request with the token as a query parameter: 403, AWS-shaped", async () => {
    const res = await signedPost(h.service.forecastEndpoint, "{}", {
      target: "AmazonForecast.ListDatasetGroups",
      query: { "X-Amz-Security-Token": "bogus" },
    });
    assert.equal(res.status, 403);
    assert.equal(awsErrorProblem(res), undefined);
    assert.deepEqual(JSON.parse(res.body), { __type: "UnrecognizedClientException", message: MESSAGE });
  });
});
