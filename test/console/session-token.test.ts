import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SESSION_SECONDS, SessionTokens } from "../../src/console/session-token.js";
import { matchAccessKey } from "../../src/console/sign-in-check.js";
import type { AccessKey } from "../../src/identity/keys.js";

const KEYS: AccessKey[] = [
  { accountId: "111122223333", accessKeyId: "AKIAONEONEONEONE0001", secretAccessKey: "secret-one-abcdef" },
  { accountId: "444455556666", accessKeyId: "AKIATWOTWOTWOTWO0002", secretAccessKey: "secret-two-abcdef" },
];
const HMAC_KEY = Buffer.alloc(32, 7);

describe("session tokens", () => {
  test("a token names its account, region and key, and verifies until it expires", () => {
    let now = 1_000_000;
    const tokens = new SessionTokens(HMAC_KEY, KEYS, () => now);
    const { token, session } = tokens.issue(KEYS[0] as AccessKey, "us-west-2");
    assert.deepEqual(tokens.verify(token), session);
    assert.equal(session.accountId, "111122223333");
    assert.equal(session.expiresAt, now + SESSION_SECONDS);
    assert.ok(!token.includes("secret-one"), "no secret in the token");
    now += SESSION_SECONDS - 1;
    assert.ok(tokens.verify(token));
    now += 1;
    assert.equal(tokens.verify(token), undefined, "expired");
  });

  test("altered, foreign-keyed or malformed tokens are refused", () => {
    const tokens = new SessionTokens(HMAC_KEY, KEYS);
    const { token } = tokens.issue(KEYS[0] as AccessKey, "us-west-2");
    const [payload, mac] = token.split(".") as [string, string];
    const parts = JSON.parse(Buffer.from(payload, "base64url").toString()) as unknown[];
    const other = Buffer.from(JSON.stringify(["444455556666", ...parts.slice(1)])).toString("base64url");
    assert.equal(tokens.verify(`${other}.${mac}`), undefined, "payload changed");
    assert.equal(tokens.verify(`${payload}.${mac.slice(1)}`), undefined, "MAC changed");
    assert.equal(new SessionTokens(Buffer.alloc(32, 8), KEYS).verify(token), undefined, "other HMAC key");
    for (const junk of [undefined, "", "x", `${payload}`, `${payload}.${mac}.x`, ".."]) {
      assert.equal(tokens.verify(junk), undefined, String(junk));
    }
  });

  test("a session ends when its key is no longer configured", () => {
    const { token } = new SessionTokens(HMAC_KEY, KEYS).issue(KEYS[1] as AccessKey, "eu-west-1");
    assert.equal(new SessionTokens(HMAC_KEY, [KEYS[0] as AccessKey]).verify(token), undefined);
  });

  test("the HMAC key is made once and then reused", async () => {
    const settings = new Map<string, string>();
    const setting = (name: string, make: () => string) => {
      if (!settings.has(name)) settings.set(name, make());
      return settings.get(name) as string;
    };
    const first = await SessionTokens.keyFrom(setting);
    assert.equal(first.length, 32);
    assert.deepEqual(await SessionTokens.keyFrom(setting), first);
  });
});

describe("sign-in check", () => {
  test("only the exact pair of a configured key matches", () => {
    assert.equal(matchAccessKey(KEYS, "AKIATWOTWOTWOTWO0002", "secret-two-abcdef"), KEYS[1]);
    assert.equal(matchAccessKey(KEYS, "AKIATWOTWOTWOTWO0002", "secret-one-abcdef"), undefined);
    assert.equal(matchAccessKey(KEYS, "AKIATWOTWOTWOTWO0002", "secret-two-abcde"), undefined);
    assert.equal(matchAccessKey(KEYS, "AKIATWOTWOTWOTWO0002", ""), undefined);
    assert.equal(matchAccessKey(KEYS, "AKIANOSUCHKEY0000000", "secret-two-abcdef"), undefined);
    assert.equal(matchAccessKey([], "AKIAONEONEONEONE0001", "secret-one-abcdef"), undefined);
  });
});
