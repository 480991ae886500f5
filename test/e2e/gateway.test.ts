import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DescribeDatasetGroupCommand, ForecastClient } from "@aws-sdk/client-forecast";
import type { ResolvedTarget } from "../../src/contract/services.js";
import { contractOf } from "../../src/contract/services.js";
import { notBuilt } from "../../src/gateway/operations.js";
import { forecastHandlers, forecastQueryHandlers } from "../../src/resources/handlers.js";
import { signPost } from "../gateway/wire.js";
import { ACCOUNTS, type Harness, REGION, startHarness } from "./harness.js";

const _KEY = ACCOUNTS[0];

/** Sends a signed awsJson request with any target and body, as a misbehaving client might. */
async function signedPost(
  endpoint: string,
  target: string | undefined,
  body: string,
  opts: { secret?: string; date?: Date } = {},
): Promise<{ status: number; type: string | null; json: { __type?: string; message?: string } }> {
  const signed = await signPost(endpoint, body, { target, secret: opts.secret, signingDate: opts.date });
  const res = await fetch(endpoint, { method: "POST", headers: signed.headers, body: signed.body });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get("x-amzn-errortype"),
    json: text ? JSON.parse(text) : {},
  };
}

describe("the gateway: authentication, protocol errors, operations not built", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  test("no Authorization header: 403 MissingAuthenticationTokenException", async () => {
    const res = await fetch(h.service.forecastEndpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AmazonForecast.ListDatasetGroups",
      },
      body: "{}",
    });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get("x-amzn-errortype"), "MissingAuthenticationTokenException");
    assert.equal(((await res.json()) as { __type: string }).__type, "MissingAuthenticationTokenException");
  });

  test("an unknown access key: UnrecognizedClientException; a wrong secret: InvalidSignatureException", async () => {
    const unknown = new ForecastClient({
      endpoint: h.service.forecastEndpoint,
      region: REGION,
      credentials: { accessKeyId: "AKIANOBODYKNOWSTHIS1", secretAccessKey: "x".repeat(40) },
      maxAttempts: 1,
    });
    await assert.rejects(
      unknown.send(
        new DescribeDatasetGroupCommand({
          DatasetGroupArn: "arn:aws:forecast:us-west-2:111122223333:dataset-group/x",
        }),
      ),
      {
        name: "UnrecognizedClientException",
      },
    );
    unknown.destroy();
    const wrong = await signedPost(h.service.forecastEndpoint, "AmazonForecast.ListDatasetGroups", "{}", {
      secret: "wrong",
    });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.type, "InvalidSignatureException");
  });

  test("a request signed 20 minutes ago is refused", async () => {
    const old = await signedPost(h.service.forecastEndpoint, "AmazonForecast.ListDatasetGroups", "{}", {
      date: new Date(Date.now() - 20 * 60_000),
    });
    assert.equal(old.status, 403);
    assert.equal(old.type, "InvalidSignatureException");
    assert.match(old.json.message ?? "", /expired/i);
  });

  test("malformed JSON: SerializationException; unknown target: UnknownOperationException", async () => {
    const bad = await signedPost(h.service.forecastEndpoint, "AmazonForecast.ListDatasetGroups", "{not json");
    assert.equal(bad.status, 400);
    assert.equal(bad.json.__type, "SerializationException");
    const array = await signedPost(h.service.forecastEndpoint, "AmazonForecast.ListDatasetGroups", "[1,2]");
    assert.equal(array.json.__type, "SerializationException");
    const unknown = await signedPost(h.service.forecastEndpoint, "AmazonForecast.MakeItRain", "{}");
    assert.equal(unknown.json.__type, "UnknownOperationException");
    const none = await signedPost(h.service.forecastEndpoint, undefined, "{}");
    assert.equal(none.json.__type, "UnknownOperationException");
  });

  test("a wrong JSON type: SerializationException; an unknown member: ValidationException", async () => {
    const wrongType = await signedPost(
      h.service.forecastEndpoint,
      "AmazonForecast.ListDatasetGroups",
      '{"MaxResults":"ten"}',
    );
    assert.equal(wrongType.json.__type, "SerializationException");
    const extra = await signedPost(
      h.service.forecastEndpoint,
      "AmazonForecast.ListDatasetGroups",
      '{"Bogus":1}',
    );
    assert.equal(extra.json.__type, "ValidationException");
    const many = await signedPost(
      h.service.forecastEndpoint,
      "AmazonForecast.CreateDatasetGroup",
      JSON.stringify({ DatasetGroupName: "1bad", Domain: "NOPE" }),
    );
    assert.match(many.json.message ?? "", /^2 validation errors detected: /);
  });

  test("a body over the limit is refused with a clear error, and the server stays up", async () => {
    const huge = JSON.stringify({ DatasetGroupName: "x".repeat(2 * 1024 * 1024), Domain: "RETAIL" });
    const res = await fetch(h.service.forecastEndpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AmazonForecast.CreateDatasetGroup",
      },
      body: huge,
    });
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as { message: string }).message, /larger than/);
    const after = await signedPost(h.service.forecastEndpoint, "AmazonForecast.ListDatasetGroups", "{}");
    assert.equal(after.status, 200);
  });

  test("every operation of the models is built; an unbuilt one would be refused in so many words", async () => {
    const unbuilt = [
      ...Object.keys(contractOf("forecast").operations).filter((op) => !(op in forecastHandlers)),
      ...Object.keys(contractOf("forecastquery").operations).filter((op) => !(op in forecastQueryHandlers)),
    ];
    assert.deepEqual(unbuilt, []);
    // The gateway's answer for an operation of the model without a handler (none is left to send on the wire).
    const refusal = notBuilt({ service: "forecast", operation: "ListEverything" } as ResolvedTarget);
    assert.equal(refusal.code, "InvalidInputException");
    assert.match(refusal.message, /ListEverything is not built yet/);
    // The operations built last answer through the wire.
    for (const op of ["ListMonitors", "ListWhatIfAnalyses"]) {
      const res = await signedPost(h.service.forecastEndpoint, `AmazonForecast.${op}`, "{}");
      assert.equal(res.status, 200, `${op}: ${res.json.message}`);
    }
  });
});
