import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SIGN_IN_ATTEMPTS } from "../../src/console/console-routes.js";
import { ACCOUNTS, REGION } from "../e2e/harness.js";
import { type ConsoleService, startConsoleService } from "./console-service.js";

const signIn = (endpoint: string, secretAccessKey: string): Promise<Response> =>
  fetch(`${endpoint}/console/session`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      accessKeyId: (ACCOUNTS[0] as (typeof ACCOUNTS)[number]).accessKeyId,
      secretAccessKey,
      region: REGION,
    }),
  });

describe("console sign-in limit", () => {
  let s: ConsoleService;
  before(async () => {
    s = await startConsoleService();
  });
  after(async () => s?.close());

  test("an address that used its attempts is refused, even with the right secret, and told when to retry", async () => {
    for (let attempt = 1; attempt <= SIGN_IN_ATTEMPTS; attempt++) {
      const res = await signIn(s.endpoint, `guess-${attempt}`);
      assert.equal(res.status, 401, `attempt ${attempt} is checked`);
      await res.arrayBuffer();
    }
    const right = (ACCOUNTS[0] as (typeof ACCOUNTS)[number]).secretAccessKey;
    const refused = await signIn(s.endpoint, right);
    assert.equal(refused.status, 429);
    assert.deepEqual(refused.headers.getSetCookie(), [], "no session");
    assert.ok(Number(refused.headers.get("retry-after")) > 0, "Retry-After is set");
    assert.match(refused.headers.get("content-type") ?? "", /text\/html/);
    const body = await refused.text();
    assert.match(body, /Too many sign-in attempts from this address; try again in \d+ minutes?/);
    assert.match(body, /name="secretAccessKey"/, "the form is shown again");
    assert.ok(s.logLines.some((line) => line.includes("console sign-in attempts over the limit")));
    // Only signing in is limited: the form and the API still answer.
    assert.equal((await fetch(`${s.endpoint}/console`)).status, 200);
    const api = await fetch(`${s.endpoint}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AmazonForecast.ListDatasetGroups",
      },
      body: "{}",
    });
    assert.notEqual(api.status, 429, "the API is not limited");
    assert.match(
      ((await api.json()) as { __type?: string }).__type ?? "",
      /MissingAuthenticationToken|IncompleteSignature/,
    );
  });
});
