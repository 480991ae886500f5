import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { element } from "../../src/gateway/aws-query.js";
import { signPost } from "../gateway/wire.js";
import { ACCOUNTS, type Harness, startHarness } from "./harness.js";

const KEY = ACCOUNTS[0];

/** A form-encoded POST / as the SDKs send STS and IAM requests, signed for `service` (or not signed). */
async function queryPost(
  endpoint: string,
  body: string,
  service: string | undefined,
): Promise<{ status: number; type: string | null; text: string }> {
  const form = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
  const headers = service
    ? (await signPost(endpoint, body, { headers: form, service, region: "us-east-1" })).headers
    : { host: new URL(endpoint).host, ...form };
  const res = await fetch(endpoint, { method: "POST", headers, body });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

/** The text of the first `<name>` element. */
const xmlText = (xml: string, name: string): string | undefined =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe("the awsQuery protocol of the STS and IAM stand-ins", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  test("GetCallerIdentity answers in XML with the action's Response, Result and request id", async () => {
    const res = await queryPost(
      h.service.forecastEndpoint,
      "Action=GetCallerIdentity&Version=2011-06-15",
      "sts",
    );
    assert.equal(res.status, 200);
    assert.equal(res.type, "text/xml");
    assert.match(
      res.text,
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult>/,
    );
    assert.equal(xmlText(res.text, "Account"), KEY.accountId);
    assert.match(xmlText(res.text, "RequestId") ?? "", /^[0-9a-f-]{36}$/);
  });

  test("errors are ErrorResponse documents with Type, Code, Message and RequestId", async () => {
    const unsigned = await queryPost(
      h.service.forecastEndpoint,
      "Action=GetCallerIdentity&Version=2011-06-15",
      undefined,
    );
    assert.equal(unsigned.status, 403);
    assert.match(
      unsigned.text,
      /<ErrorResponse xmlns="[^"]+"><Error><Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code>/,
    );
    assert.match(xmlText(unsigned.text, "RequestId") ?? "", /^[0-9a-f-]{36}$/);

    const forecastScoped = await queryPost(
      h.service.forecastEndpoint,
      "Action=GetCallerIdentity",
      "forecast",
    );
    assert.equal(forecastScoped.status, 403);
    assert.equal(xmlText(forecastScoped.text, "Code"), "SignatureDoesNotMatch");
    assert.match(xmlText(forecastScoped.text, "Message") ?? "", /scoped to correct service: 'sts' or 'iam'/);

    // STS actions are not IAM actions: the credential scope decides which service answers.
    const wrongService = await queryPost(h.service.forecastEndpoint, "Action=GetCallerIdentity", "iam");
    assert.equal(wrongService.status, 400);
    assert.equal(xmlText(wrongService.text, "Code"), "InvalidAction");

    const missing = await queryPost(h.service.forecastEndpoint, "Action=GetRole&Version=2010-05-08", "iam");
    assert.equal(missing.status, 400);
    assert.equal(xmlText(missing.text, "Code"), "ValidationError");
    assert.equal(
      xmlText(missing.text, "Message"),
      "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null",
    );
  });

  test("a description with XML's special characters comes back intact", async () => {
    const description = `a <b> & "c" 'd'`;
    const body = new URLSearchParams({
      Action: "CreateRole",
      Version: "2010-05-08",
      RoleName: "Escaped",
      Description: description,
      AssumeRolePolicyDocument: JSON.stringify({ Statement: [{ Effect: "Allow" }] }),
    }).toString();
    const res = await queryPost(h.service.forecastEndpoint, body, "iam");
    assert.equal(res.status, 200, res.text);
    const decode = (s: string) => s.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));
    assert.equal(decode(xmlText(res.text, "Description") ?? ""), description);
    assert.equal(
      decodeURIComponent(xmlText(res.text, "AssumeRolePolicyDocument") ?? ""),
      JSON.stringify({ Statement: [{ Effect: "Allow" }] }),
    );
  });

  test("a role with a path, and ListAttachedRolePolicies page by page with Marker and MaxItems", async () => {
    const post = (params: Record<string, string>) =>
      queryPost(
        h.service.forecastEndpoint,
        new URLSearchParams({ Version: "2010-05-08", ...params }).toString(),
        "iam",
      );
    const created = await post({
      Action: "CreateRole",
      RoleName: "Paged",
      Path: "/team/",
      AssumeRolePolicyDocument: JSON.stringify({ Statement: [] }),
    });
    assert.equal(xmlText(created.text, "Arn"), `arn:aws:iam::${KEY.accountId}:role/team/Paged`);
    const names = ["AmazonS3FullAccess", "AmazonForecastFullAccess", "service-role/AWSLambdaRole"];
    for (const name of names) {
      const res = await post({
        Action: "AttachRolePolicy",
        RoleName: "Paged",
        PolicyArn: `arn:aws:iam::aws:policy/${name}`,
      });
      assert.equal(res.status, 200, res.text);
    }
    const first = await post({ Action: "ListAttachedRolePolicies", RoleName: "Paged", MaxItems: "2" });
    assert.equal(xmlText(first.text, "IsTruncated"), "true");
    assert.deepEqual(
      [...first.text.matchAll(/<PolicyName>([^<]*)</g)].map((m) => m[1]),
      names.slice(0, 2),
    );
    const marker = xmlText(first.text, "Marker") as string;
    const second = await post({
      Action: "ListAttachedRolePolicies",
      RoleName: "Paged",
      MaxItems: "2",
      Marker: marker,
    });
    assert.equal(xmlText(second.text, "IsTruncated"), "false");
    assert.deepEqual(
      [...second.text.matchAll(/<PolicyName>([^<]*)</g)].map((m) => m[1]),
      ["AWSLambdaRole"],
    );
    const filtered = await post({
      Action: "ListAttachedRolePolicies",
      RoleName: "Paged",
      PathPrefix: "/service-role/",
    });
    assert.deepEqual(
      [...filtered.text.matchAll(/<PolicyName>([^<]*)</g)].map((m) => m[1]),
      ["AWSLambdaRole"],
    );
    const otherAccount = await post({
      Action: "AttachRolePolicy",
      RoleName: "Paged",
      PolicyArn: "arn:aws:iam::444455556666:policy/TheirPolicy",
    });
    assert.equal(xmlText(otherAccount.text, "Code"), "NoSuchEntity");
    const notAnArn = await post({
      Action: "AttachRolePolicy",
      RoleName: "Paged",
      PolicyArn: "arn:aws:s3:::not-a-policy",
    });
    assert.equal(xmlText(notAnArn.text, "Code"), "InvalidInput");
  });
});

test("element writes lists as members, leaves out undefined members and escapes text", () => {
  assert.equal(
    element("A", {
      B: "x<y&z",
      C: [1, { D: true }],
      E: undefined,
      F: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
    }),
    "<A><B>x&#60;y&#38;z</B><C><member>1</member><member><D>true</D></member></C><F>2024-01-02T03:04:05Z</F></A>",
  );
});
