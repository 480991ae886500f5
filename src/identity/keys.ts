/**
 * The access-key registry: which access keys the service accepts and the account each belongs to.
 *
 * Sources, all of which count together:
 * - OPENFORECAST_ACCESS_KEY_ID + OPENFORECAST_SECRET_ACCESS_KEY (+ OPENFORECAST_ACCOUNT_ID, else DEFAULT_ACCOUNT_ID);
 * - the JSON file named by OPENFORECAST_CREDENTIALS_FILE: `{"accounts":[{accountId, accessKeyId, secretAccessKey}]}`.
 * When neither yields a key, `<dataDir>/credentials.json` (same format) is used, and created with fresh random keys
 * on first start. There is deliberately no built-in secret: a well-known default would be an open door.
 *
 * Secrets never appear in log lines or error messages; only `formatKeyHelp` prints one, for the CLI's banner (which
 * shows a generated secret on every start, never a configured one: docs/decisions.md, "First run").
 */
import { randomBytes, randomInt } from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
}

/** Account of the key given by environment variables when OPENFORECAST_ACCOUNT_ID is not set. */
export const DEFAULT_ACCOUNT_ID = "000000000000";

/** Name of the credentials file kept in the data dir when no key is configured. */
export const GENERATED_CREDENTIALS_FILE = "credentials.json";

/** A configuration problem found while loading keys; the message is safe to print (it never holds a secret). */
export class CredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CredentialsError";
  }
}

const ACCOUNT_ID = /^\d{12}$/;
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
// Printable ASCII without spaces: what AWS-style secrets are made of, and safe to paste into a shell.
const SECRET = /^[\x21-\x7e]{1,128}$/;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** The accepted keys and where they come from. */
export interface LoadedKeys {
  keys: AccessKey[];
  /** This start generated the key (first start without configured keys). */
  generated: boolean;
  /** Where the keys are, in words for the banner: a file path or the environment variables' names. */
  location: string;
  /** The keys are the ones generated into `<dataDir>/credentials.json`, not ones an operator configured. */
  inDataDir: boolean;
}

export async function loadAccessKeys(opts: {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  log?: (msg: string) => void;
}): Promise<LoadedKeys> {
  const log = opts.log ?? (() => {});
  const configured: AccessKey[] = [];

  const fromEnv = keyFromEnv(opts.env);
  if (fromEnv) configured.push(fromEnv);

  const file = opts.env.OPENFORECAST_CREDENTIALS_FILE;
  if (file !== undefined && file !== "") {
    configured.push(...(await readCredentialsFile(file)));
  }

  if (configured.length > 0) {
    const keys = dedupe(configured);
    log(`Accepting ${keys.length} access key(s) from configuration`);
    const location = [
      ...(fromEnv ? ["the environment (OPENFORECAST_ACCESS_KEY_ID, OPENFORECAST_SECRET_ACCESS_KEY)"] : []),
      ...(file ? [file] : []),
    ].join(" and ");
    return { keys, generated: false, location, inDataDir: false };
  }

  const stored = join(opts.dataDir, GENERATED_CREDENTIALS_FILE);
  if (await exists(stored)) {
    await warnIfReadableByOthers(stored, log);
    const keys = dedupe(await readCredentialsFile(stored));
    log(`Accepting ${keys.length} access key(s) from ${stored}`);
    return { keys, generated: false, location: stored, inDataDir: true };
  }

  const key = generateAccessKey();
  const written = await writeGenerated(opts.dataDir, stored, key);
  if (!written) {
    // Another process created the file between our check and our write: use what it wrote.
    return {
      keys: dedupe(await readCredentialsFile(stored)),
      generated: false,
      location: stored,
      inDataDir: true,
    };
  }
  log(`Generated access key ${key.accessKeyId} for account ${key.accountId}, stored in ${stored}`);
  return { keys: [key], generated: true, location: stored, inDataDir: true };
}

/**
 * Text telling a user how to point AWS SDKs and CLIs at this service with the given key: the variables boto3, the
 * AWS CLI and the AWS SDK for JavaScript v3 read (the JS SDK reads AWS_REGION, the others AWS_DEFAULT_REGION).
 * Holds the secret, unless `secret` says what to print in its place (shell text, pasted as is).
 */
export function formatKeyHelp(
  key: AccessKey,
  endpoints: { forecast: string; s3: string; region: string },
  options: { secret?: string } = {},
): string {
  const vars: [string, string][] = [
    ["AWS_ACCESS_KEY_ID", shellQuote(key.accessKeyId)],
    ["AWS_SECRET_ACCESS_KEY", options.secret ?? shellQuote(key.secretAccessKey)],
    ["AWS_REGION", shellQuote(endpoints.region)],
    ["AWS_DEFAULT_REGION", shellQuote(endpoints.region)],
    ["AWS_ENDPOINT_URL_FORECAST", shellQuote(endpoints.forecast)],
    ["AWS_ENDPOINT_URL_FORECASTQUERY", shellQuote(endpoints.forecast)],
    // STS and IAM (for AWS's notebooks) answer on the Forecast port.
    ["AWS_ENDPOINT_URL_STS", shellQuote(endpoints.forecast)],
    ["AWS_ENDPOINT_URL_IAM", shellQuote(endpoints.forecast)],
    ["AWS_ENDPOINT_URL_S3", shellQuote(endpoints.s3)],
  ];
  return [
    `Access key ${key.accessKeyId} of account ${key.accountId}. To use it with the AWS CLI, boto3 or the AWS SDK for JavaScript:`,
    ...vars.map(([name, value]) => `  export ${name}=${value}`),
  ].join("\n");
}

/** A fresh key for a fresh random account. */
export function generateAccessKey(): AccessKey {
  // 32 divides 256, so masking a byte to 5 bits picks each base32 letter with equal odds.
  const idChars = Array.from(randomBytes(16), (b) => BASE32[b & 31]).join("");
  const accountId = String(randomInt(1, 10)) + String(randomInt(0, 1e11)).padStart(11, "0");
  return {
    accountId,
    accessKeyId: `AKIA${idChars}`,
    // 30 random bytes in base64 are exactly 40 characters, the length of an AWS secret.
    secretAccessKey: randomBytes(30).toString("base64"),
  };
}

function keyFromEnv(env: NodeJS.ProcessEnv): AccessKey | undefined {
  const accessKeyId = env.OPENFORECAST_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.OPENFORECAST_SECRET_ACCESS_KEY || undefined;
  if (accessKeyId === undefined && secretAccessKey === undefined) {
    if (env.OPENFORECAST_ACCOUNT_ID) {
      throw new CredentialsError(
        "OPENFORECAST_ACCOUNT_ID is set but OPENFORECAST_ACCESS_KEY_ID and OPENFORECAST_SECRET_ACCESS_KEY are not",
      );
    }
    return undefined;
  }
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new CredentialsError(
      "OPENFORECAST_ACCESS_KEY_ID and OPENFORECAST_SECRET_ACCESS_KEY must be set together",
    );
  }
  const key = { accessKeyId, secretAccessKey, accountId: env.OPENFORECAST_ACCOUNT_ID || DEFAULT_ACCOUNT_ID };
  const problem = keyProblem(key);
  if (problem) throw new CredentialsError(`Environment: ${problem}`);
  return key;
}

async function readCredentialsFile(path: string): Promise<AccessKey[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new CredentialsError(`Cannot read credentials file ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CredentialsError(`Credentials file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  const accounts = isRecord(parsed) ? parsed.accounts : undefined;
  if (!Array.isArray(accounts)) {
    throw new CredentialsError(`Credentials file ${path} must be an object with an "accounts" array`);
  }
  if (accounts.length === 0) {
    throw new CredentialsError(`Credentials file ${path} lists no accounts`);
  }
  return accounts.map((entry, i) => {
    const where = `Credentials file ${path}, accounts[${i}]`;
    if (!isRecord(entry)) throw new CredentialsError(`${where} must be an object`);
    for (const field of ["accountId", "accessKeyId", "secretAccessKey"]) {
      if (typeof entry[field] !== "string") throw new CredentialsError(`${where}.${field} must be a string`);
    }
    const key: AccessKey = {
      accountId: entry.accountId as string,
      accessKeyId: entry.accessKeyId as string,
      secretAccessKey: entry.secretAccessKey as string,
    };
    const problem = keyProblem(key);
    if (problem) throw new CredentialsError(`${where}: ${problem}`);
    return key;
  });
}

/** What is wrong with a key, in words that do not reveal its secret; undefined when it is fine. */
function keyProblem(key: AccessKey): string | undefined {
  if (!ACCOUNT_ID.test(key.accountId)) return `account id '${key.accountId}' must be exactly 12 digits`;
  if (!ACCESS_KEY_ID.test(key.accessKeyId)) {
    return `access key id '${key.accessKeyId}' must be 16 to 128 characters of A-Z and 0-9`;
  }
  if (!SECRET.test(key.secretAccessKey)) {
    return `secret access key of '${key.accessKeyId}' must be 1 to 128 printable ASCII characters without spaces`;
  }
  return undefined;
}

/** The same key listed twice is harmless; one key id with two meanings cannot be resolved. */
function dedupe(keys: AccessKey[]): AccessKey[] {
  const byId = new Map<string, AccessKey>();
  for (const key of keys) {
    const seen = byId.get(key.accessKeyId);
    if (!seen) {
      byId.set(key.accessKeyId, key);
    } else if (seen.secretAccessKey !== key.secretAccessKey) {
      throw new CredentialsError(
        `Access key id '${key.accessKeyId}' is configured twice with different secrets`,
      );
    } else if (seen.accountId !== key.accountId) {
      throw new CredentialsError(
        `Access key id '${key.accessKeyId}' is configured for two accounts (${seen.accountId}, ${key.accountId})`,
      );
    }
  }
  return [...byId.values()];
}

/** Writes the file only if it does not exist yet; false when someone else got there first. */
async function writeGenerated(dataDir: string, path: string, key: AccessKey): Promise<boolean> {
  await mkdir(dataDir, { recursive: true });
  const body = `${JSON.stringify({ accounts: [key] }, null, 2)}\n`;
  try {
    await writeFile(path, body, { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  // The mode given to open() is filtered by the umask; make sure it ends up exactly owner-only.
  await chmod(path, 0o600);
  return true;
}

async function warnIfReadableByOthers(path: string, log: (msg: string) => void): Promise<void> {
  const { mode } = await stat(path);
  if ((mode & 0o077) !== 0 && process.platform !== "win32") {
    log(`Warning: ${path} is readable by other users (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:+=@%-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
