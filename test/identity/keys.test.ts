import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { formatBanner } from "../../src/banner.js";
import {
  type AccessKey,
  CredentialsError,
  DEFAULT_ACCOUNT_ID,
  formatKeyHelp,
  loadAccessKeys,
} from "../../src/identity/keys.js";

const root = await mkdtemp(join(tmpdir(), "openforecast-identity-"));
after(() => rm(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => join(root, `case-${++counter}`, "data");

const A: AccessKey = {
  accountId: "111122223333",
  accessKeyId: "AKIAAAAAAAAAAAAAAAAA",
  secretAccessKey: "secret-A/+x",
};
const B: AccessKey = {
  accountId: "444455556666",
  accessKeyId: "AKIABBBBBBBBBBBBBBBB",
  secretAccessKey: "secret-B",
};

async function credentialsFile(content: unknown): Promise<string> {
  const path = join(root, `credentials-${++counter}.json`);
  await writeFile(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

async function loadError(env: NodeJS.ProcessEnv): Promise<CredentialsError> {
  try {
    await loadAccessKeys({ dataDir: freshDir(), env });
  } catch (err) {
    assert.ok(err instanceof CredentialsError, `expected a CredentialsError, got ${String(err)}`);
    return err;
  }
  assert.fail("loading should have failed");
}

describe("access keys from configuration", () => {
  test("environment variables, with the default account", async () => {
    const env = {
      OPENFORECAST_ACCESS_KEY_ID: A.accessKeyId,
      OPENFORECAST_SECRET_ACCESS_KEY: A.secretAccessKey,
    };
    const { keys, generated } = await loadAccessKeys({ dataDir: freshDir(), env });
    assert.equal(generated, false);
    assert.deepEqual(keys, [{ ...A, accountId: DEFAULT_ACCOUNT_ID }]);
    assert.match(DEFAULT_ACCOUNT_ID, /^\d{12}$/);
  });

  test("environment variables with an account id", async () => {
    const env = {
      OPENFORECAST_ACCESS_KEY_ID: A.accessKeyId,
      OPENFORECAST_SECRET_ACCESS_KEY: A.secretAccessKey,
      OPENFORECAST_ACCOUNT_ID: A.accountId,
    };
    const dataDir = freshDir();
    assert.deepEqual((await loadAccessKeys({ dataDir, env })).keys, [A]);
    await assert.rejects(stat(dataDir), { code: "ENOENT" }, "nothing is written when keys are configured");
  });

  test("a credentials file and the environment together", async () => {
    const file = await credentialsFile({ accounts: [A, B] });
    const env = {
      OPENFORECAST_CREDENTIALS_FILE: file,
      OPENFORECAST_ACCESS_KEY_ID: "AKIACCCCCCCCCCCCCCCC",
      OPENFORECAST_SECRET_ACCESS_KEY: "secret-C",
      OPENFORECAST_ACCOUNT_ID: B.accountId,
    };
    const { keys } = await loadAccessKeys({ dataDir: freshDir(), env });
    assert.deepEqual(keys.map((k) => [k.accessKeyId, k.accountId]).sort(), [
      ["AKIAAAAAAAAAAAAAAAAA", "111122223333"],
      ["AKIABBBBBBBBBBBBBBBB", "444455556666"],
      ["AKIACCCCCCCCCCCCCCCC", "444455556666"],
    ]);
  });

  test("the same key listed twice counts once; twice with different secrets is an error", async () => {
    const same = await credentialsFile({ accounts: [A, A] });
    const env = { OPENFORECAST_CREDENTIALS_FILE: same };
    assert.equal((await loadAccessKeys({ dataDir: freshDir(), env })).keys.length, 1);

    const clash = await credentialsFile({ accounts: [A] });
    const err = await loadError({
      OPENFORECAST_CREDENTIALS_FILE: clash,
      OPENFORECAST_ACCESS_KEY_ID: A.accessKeyId,
      OPENFORECAST_SECRET_ACCESS_KEY: "another-secret",
      OPENFORECAST_ACCOUNT_ID: A.accountId,
    });
    assert.match(err.message, /AKIAAAAAAAAAAAAAAAAA.*different secrets/);
    assert.doesNotMatch(err.message, /another-secret|secret-A/);
  });

  test("half-configured environment is an error", async () => {
    const err = await loadError({ OPENFORECAST_ACCESS_KEY_ID: A.accessKeyId });
    assert.match(err.message, /must be set together/);
    await loadError({ OPENFORECAST_ACCOUNT_ID: A.accountId });
  });

  test("bad credentials files are refused with a clear message", async () => {
    const cases: [unknown, RegExp][] = [
      ["{not json", /not valid JSON/],
      [{ accounts: "x" }, /"accounts" array/],
      [[A], /"accounts" array/],
      [{ accounts: [] }, /lists no accounts/],
      [{ accounts: [A, "x"] }, /accounts\[1\] must be an object/],
      [
        { accounts: [{ ...A, accountId: "12345678901" }] },
        /accounts\[0\]: account id '12345678901' must be exactly 12 digits/,
      ],
      [{ accounts: [{ ...A, accountId: 111122223333 }] }, /accounts\[0\]\.accountId must be a string/],
      [
        { accounts: [{ ...A, accessKeyId: "akiaaaaaaaaaaaaaaaaa" }] },
        /access key id .* 16 to 128 characters/,
      ],
      [{ accounts: [{ ...A, accessKeyId: "AKIA123" }] }, /access key id 'AKIA123'/],
      [
        { accounts: [{ ...A, secretAccessKey: undefined }] },
        /accounts\[0\]\.secretAccessKey must be a string/,
      ],
      [{ accounts: [{ ...A, secretAccessKey: "has space" }] }, /secret access key of 'AKIAAAAAAAAAAAAAAAAA'/],
    ];
    for (const [content, expected] of cases) {
      const file = await credentialsFile(content);
      const err = await loadError({ OPENFORECAST_CREDENTIALS_FILE: file });
      assert.match(err.message, expected);
      assert.ok(err.message.includes(file), "the message names the file");
      assert.doesNotMatch(err.message, /secret-A|has space/, "the message never shows a secret");
    }
    const missing = await loadError({ OPENFORECAST_CREDENTIALS_FILE: join(root, "nope.json") });
    assert.match(missing.message, /Cannot read credentials file/);
  });
});

describe("generated access keys", () => {
  test("first start generates a key, stores it with mode 0600 and reuses it later", async () => {
    const dataDir = freshDir();
    const logs: string[] = [];
    const first = await loadAccessKeys({ dataDir, env: {}, log: (m) => logs.push(m) });
    assert.equal(first.generated, true);
    assert.equal(first.keys.length, 1);
    const [key] = first.keys;
    assert.match(key.accountId, /^\d{12}$/);
    assert.match(key.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(key.secretAccessKey.length, 40);

    const path = join(dataDir, "credentials.json");
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(await readFile(path, "utf8")), { accounts: [key] });
    assert.ok(logs.length > 0 && logs.some((l) => l.includes(key.accessKeyId)));
    assert.ok(
      logs.every((l) => !l.includes(key.secretAccessKey)),
      "no secret in logs",
    );

    const second = await loadAccessKeys({ dataDir, env: {} });
    assert.deepEqual(second, { keys: [key], generated: false, location: path, inDataDir: true });

    const other = await loadAccessKeys({ dataDir: freshDir(), env: {} });
    assert.notEqual(other.keys[0].accessKeyId, key.accessKeyId);
    assert.notEqual(other.keys[0].secretAccessKey, key.secretAccessKey);
  });

  test("configured keys take precedence over the data dir's file", async () => {
    const dataDir = freshDir();
    await loadAccessKeys({ dataDir, env: {} });
    const env = {
      OPENFORECAST_ACCESS_KEY_ID: A.accessKeyId,
      OPENFORECAST_SECRET_ACCESS_KEY: A.secretAccessKey,
    };
    const { keys } = await loadAccessKeys({ dataDir, env });
    assert.deepEqual(
      keys.map((k) => k.accessKeyId),
      [A.accessKeyId],
    );
  });

  test("a data dir file readable by others is used, with a warning", async () => {
    const dataDir = freshDir();
    await loadAccessKeys({ dataDir, env: {} });
    const { chmod } = await import("node:fs/promises");
    await chmod(join(dataDir, "credentials.json"), 0o644);
    const logs: string[] = [];
    const { keys } = await loadAccessKeys({ dataDir, env: {}, log: (m) => logs.push(m) });
    assert.equal(keys.length, 1);
    assert.ok(logs.some((l) => /readable by other users/.test(l)));
  });
});

test("formatKeyHelp lists the variables AWS SDKs and CLIs read", () => {
  const text = formatKeyHelp(A, {
    forecast: "http://127.0.0.1:8686",
    s3: "http://127.0.0.1:8687",
    region: "us-east-1",
  });
  const lines = [
    `export AWS_ACCESS_KEY_ID=${A.accessKeyId}`,
    "export AWS_SECRET_ACCESS_KEY=secret-A/+x",
    "export AWS_REGION=us-east-1",
    "export AWS_DEFAULT_REGION=us-east-1",
    "export AWS_ENDPOINT_URL_FORECAST=http://127.0.0.1:8686",
    "export AWS_ENDPOINT_URL_FORECASTQUERY=http://127.0.0.1:8686",
    "export AWS_ENDPOINT_URL_STS=http://127.0.0.1:8686",
    "export AWS_ENDPOINT_URL_IAM=http://127.0.0.1:8686",
    "export AWS_ENDPOINT_URL_S3=http://127.0.0.1:8687",
  ];
  for (const line of lines) assert.ok(text.includes(line), `missing: ${line}\n${text}`);
  assert.match(text, /111122223333/);
  assert.match(
    formatKeyHelp({ ...A, secretAccessKey: "it's" }, { forecast: "x", s3: "y", region: "z" }),
    /='it'\\''s'/,
  );
});

test("the banner shows a generated secret but never a configured one, and always where the keys are", () => {
  const base = {
    forecastEndpoint: "http://127.0.0.1:8686",
    s3Endpoint: "http://127.0.0.1:8687",
    region: "us-east-1",
    keys: [A],
    generated: false,
  };
  const generated = formatBanner({ ...base, location: "/data/credentials.json", inDataDir: true });
  assert.ok(generated.includes("export AWS_SECRET_ACCESS_KEY=secret-A/+x"));
  assert.ok(generated.includes("Credentials:                  /data/credentials.json\n"));
  assert.ok(generated.includes("Console:                      http://127.0.0.1:8686/console "));
  const fromEnv = formatBanner({
    ...base,
    location: "the environment (OPENFORECAST_ACCESS_KEY_ID, OPENFORECAST_SECRET_ACCESS_KEY)",
    inDataDir: false,
  });
  assert.ok(fromEnv.includes(`export AWS_SECRET_ACCESS_KEY="$OPENFORECAST_SECRET_ACCESS_KEY"`));
  const fromFile = formatBanner({ ...base, location: "/etc/openforecast/keys.json", inDataDir: false });
  for (const text of [fromEnv, fromFile]) assert.doesNotMatch(text, /secret-A/);
  assert.match(fromFile, /Credentials: +\/etc\/openforecast\/keys\.json/);
});
