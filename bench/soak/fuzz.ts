// Hostile and careless requests, from a seeded generator: for any operation of both services (from the generated
// contract), a plausible body built from the input shape, then one to three mutations: bad JSON, wrong types,
// unknown and missing members, long strings (runs of the patterns' separators included), deep nesting, huge
// numbers, odd unicode, oversize and bad headers. Signed with the account's real key (or deliberately not).

import http from "node:http";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { contractOf, type ServiceName } from "../../src/contract/services.js";
import { ACCOUNTS, REGION } from "../../test/e2e/harness.js";
import type { Stats } from "./calls.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const MUTATIONS = [
  "bad-json",
  "wrong-type",
  "unknown-member",
  "missing-member",
  "long-string",
  "separator-run",
  "deep-nesting",
  "huge-number",
  "unicode",
  "oversize-header",
  "bad-headers",
] as const;
export type Mutation = (typeof MUTATIONS)[number];

export interface FuzzRequest {
  service: ServiceName;
  operation: string;
  body: string;
  mutations: Mutation[];
  /** Headers added after signing (oversize), or header changes that break the request on purpose. */
  extraHeaders: Record<string, string>;
  unsigned?: "none" | "bad-signature" | "garbage";
  contentType?: string;
  target?: string | null;
}

export interface FuzzOptions {
  /** The longest run of a pattern's separators sent (catastrophic-backtracking inputs cost ~n³ on pre-fix code). */
  maxSeparators: number;
}

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** Raw JSON texts a generator cannot make with JSON.stringify, spliced in through placeholders. */
class RawValues {
  private values: string[] = [];
  add(raw: string): string {
    this.values.push(raw);
    return `\u0000RAW${this.values.length - 1}\u0000`;
  }
  splice(text: string): string {
    return text.replace(/"\\u0000RAW(\d+)\\u0000"/g, (_, i) => this.values[Number(i)] as string);
  }
}

/** A plausible value of a shape (required members always, optional ones sometimes), a few levels deep. */
function plausible(
  service: ServiceName,
  shapeName: string,
  r: () => number,
  account: string,
  depth = 0,
): Json {
  const shape = contractOf(service).shapes[shapeName];
  if (!shape || depth > 5) return null;
  switch (shape.type) {
    case "structure": {
      const out: { [key: string]: Json } = {};
      for (const [member, target] of Object.entries(shape.members ?? {})) {
        if (shape.required?.includes(member) || r() < 0.25)
          out[member] = plausible(service, target, r, account, depth + 1);
      }
      return out;
    }
    case "list":
      return [plausible(service, shape.member as string, r, account, depth + 1)];
    case "map":
      return { [`k${int(r, 0, 99)}`]: plausible(service, shape.value as string, r, account, depth + 1) };
    case "integer":
    case "long":
      return shape.min ?? 1;
    case "double":
      return 0.5;
    case "boolean":
      return r() < 0.5;
    case "timestamp":
      return 1_700_000_000;
    case "string":
      if (shape.enum) return pick(r, shape.enum);
      if (/arn:/.test(shape.pattern ?? "") || /Arn$/.test(shapeName)) {
        return `arn:aws:forecast:${REGION}:${account}:dataset-group/fz_${int(r, 0, 1e6)}`;
      }
      return `fz_${int(r, 0, 1e6)}`.slice(0, shape.max ?? 63);
  }
  return null;
}

function deep(r: () => number, levels: number): string {
  if (r() < 0.5) return `${"[".repeat(levels)}1${"]".repeat(levels)}`;
  return `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
}

const ODD_STRINGS = [
  "\\ud800",
  "\\udfff\\ud800",
  "\\u0000",
  "\u202e\u202dname",
  "😀".repeat(40),
  "名前データ",
  "a\\nb\\r\\tc",
  "%00%2e%2e/",
  "../../etc/passwd",
  "$" + "{jndi:ldap://x}",
  "'; DROP TABLE resources; --",
];

const HUGE_NUMBERS = [
  "1e400",
  "-1e400",
  "18446744073709551616",
  "-0",
  "1.5",
  "9007199254740993",
  "1e-400",
  "0x10",
];

const BAD_JSON = [
  "",
  "{",
  '{"a":',
  "[1,2,",
  "{'a': 1}",
  '{"a":1,}',
  "NaN",
  "null",
  "[]",
  '"text"',
  "\ufeff{}",
  '{"a":1}{"b":2}',
  '{"a":"\\x41"}',
  "\u0000\u0001\u0002",
];

/** The separators the model's patterns are built around, for runs that make backtracking patterns slow. */
const SEPARATORS = [":", "/", "-", "_", ".", " ", "a"];

export function generate(r: () => number, account: number, options: FuzzOptions): FuzzRequest {
  const service: ServiceName = r() < 0.9 ? "forecast" : "forecastquery";
  const { operations } = contractOf(service);
  const operation = r() < 0.03 ? `NoSuch${int(r, 0, 999)}` : pick(r, Object.keys(operations));
  const inputShape = operations[operation]?.input ?? null;
  const accountId = (ACCOUNTS[account] as (typeof ACCOUNTS)[number]).accountId;
  const body = (inputShape ? plausible(service, inputShape, r, accountId) : {}) as { [key: string]: Json };
  const raw = new RawValues();
  const request: FuzzRequest = { service, operation, body: "", mutations: [], extraHeaders: {} };
  const count = int(r, 1, 3);
  const members = () => Object.keys(body);
  let replaced: string | undefined;
  for (let i = 0; i < count; i++) {
    const m = pick(r, MUTATIONS);
    request.mutations.push(m);
    const member = members().length > 0 && r() < 0.8 ? pick(r, members()) : `Zz${int(r, 0, 999)}`;
    switch (m) {
      case "bad-json":
        replaced = pick(r, BAD_JSON);
        break;
      case "wrong-type":
        body[member] = pick(r, [42, -1, true, null, [], {}, "text", [{ a: 1 }], { a: [1] }] as Json[]);
        break;
      case "unknown-member":
        body[`Unknown${int(r, 0, 99)}`] = pick(r, ["x", 1, [1, 2], { x: { y: "z" } }] as Json[]);
        break;
      case "missing-member":
        delete body[member];
        break;
      case "long-string": {
        const n = pick(r, [257, 1_000, 10_000, 100_000, 500_000]);
        body[member] = pick(r, ["a", "x1", "é", "😀"]).repeat(Math.ceil(n / 2));
        break;
      }
      case "separator-run": {
        const n = int(r, 64, options.maxSeparators);
        const sep = pick(r, SEPARATORS);
        const prefix = r() < 0.6 ? "arn:aws:forecast:" : "";
        body[member] = `${prefix}${sep.repeat(n)}${pick(r, ["\n", "!", "", " "])}`;
        break;
      }
      case "deep-nesting":
        body[r() < 0.5 ? `Deep${int(r, 0, 9)}` : member] = raw.add(
          deep(r, pick(r, [64, 1_000, 5_000, 20_000])),
        );
        break;
      case "huge-number":
        body[member] = raw.add(pick(r, HUGE_NUMBERS));
        break;
      case "unicode":
        body[member] = raw.add(`"${pick(r, ODD_STRINGS)}"`);
        break;
      case "oversize-header":
        request.extraHeaders[`x-fuzz-${int(r, 0, 9)}`] = "h".repeat(pick(r, [8_000, 17_000, 40_000, 70_000]));
        break;
      case "bad-headers": {
        const kind = int(r, 0, 5);
        if (kind === 0)
          request.contentType = pick(r, ["text/plain", "application/json", "", "application/x-amz-json-1.0"]);
        else if (kind === 1) request.target = null;
        else if (kind === 2)
          request.target = `${pick(r, ["AmazonForecast", "Nope", ""])}.${"A".repeat(int(r, 0, 300))}`;
        else if (kind === 3) request.unsigned = "none";
        else if (kind === 4) request.unsigned = "bad-signature";
        else request.unsigned = "garbage";
        break;
      }
    }
  }
  request.body = replaced ?? raw.splice(JSON.stringify(body));
  return request;
}

async function sign(
  endpoint: URL,
  account: number,
  req: FuzzRequest,
): Promise<{ headers: Record<string, string>; body: string }> {
  const metadata = contractOf(req.service).metadata;
  const headers: Record<string, string> = {
    host: endpoint.host,
    "content-type": req.contentType ?? "application/x-amz-json-1.1",
  };
  const target = req.target === undefined ? `${metadata.targetPrefix}.${req.operation}` : req.target;
  if (target !== null) headers["x-amz-target"] = target;
  let signed = headers;
  if (req.unsigned !== "none" && req.unsigned !== "garbage") {
    const key = ACCOUNTS[account] as (typeof ACCOUNTS)[number];
    const signer = new SignatureV4({
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
      region: REGION,
      service: metadata.signingName,
      sha256: Sha256,
    });
    const request = await signer.sign(
      new HttpRequest({
        method: "POST",
        protocol: "http:",
        hostname: endpoint.hostname,
        port: Number(endpoint.port),
        path: "/",
        headers,
        body: req.body,
      }),
    );
    signed = { ...request.headers };
    if (req.unsigned === "bad-signature") {
      signed.authorization = (signed.authorization ?? "").replace(
        /Signature=[0-9a-f]{8}/,
        "Signature=00000000",
      );
    }
  } else if (req.unsigned === "garbage") {
    signed = {
      ...headers,
      authorization: "AWS4-HMAC-SHA256 Credential=/////, Signature=zz",
      "x-amz-date": "garbage",
    };
  }
  return { headers: { ...signed, ...req.extraHeaders }, body: req.body };
}

interface RawAnswer {
  status: number;
  body: string;
}

function post(
  endpoint: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: Number(endpoint.port),
        method: "POST",
        path: "/",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        agent: false,
        timeout: timeoutMs,
        maxHeaderSize: 64 * 1024,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () =>
      req.destroy(Object.assign(new Error("fuzz request timed out"), { code: "ETIMEDOUT" })),
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The `{__type, message}` of an AWS-shaped error body, or undefined. */
function awsError(body: string): { type: string; message: string } | undefined {
  try {
    const parsed = JSON.parse(body) as { __type?: unknown; message?: unknown; Message?: unknown };
    const message = parsed.message ?? parsed.Message;
    if (typeof parsed.__type === "string" && typeof message === "string")
      return { type: parsed.__type, message };
  } catch {
    // not JSON
  }
  return undefined;
}

/** Sends one fuzzed request and records the answer; connection errors are counted, never retried. */
export async function sendFuzzed(
  stats: Stats,
  endpoint: string,
  account: number,
  req: FuzzRequest,
): Promise<void> {
  const url = new URL(endpoint);
  const { headers, body } = await sign(url, account, req);
  // Counted under the first mutation, the one that most shapes the request.
  const kind = req.mutations[0] as string;
  const c = stats.counts(kind, "fuzz");
  const detail = `${req.mutations.join("+")} (${body.length} bytes)`;
  const t0 = Date.now();
  try {
    const answer = await post(url, headers, body, 60_000);
    const shaped = awsError(answer.body);
    const message = shaped?.message ?? answer.body.slice(0, 200);
    stats.answered(
      c,
      {
        account,
        operation: req.operation,
        status: answer.status,
        type: shaped?.type ?? `HTTP ${answer.status}`,
        message: message.slice(0, 300),
        detail,
      },
      Date.now() - t0,
    );
    if (answer.status >= 400 && !shaped) {
      stats.notAwsShaped.push({
        at: stats.seconds(),
        account,
        operation: req.operation,
        status: answer.status,
        type: "not AWS-shaped",
        message: answer.body.slice(0, 200),
        detail,
      });
    }
  } catch (error) {
    stats.connectionFailed(c, { account, operation: req.operation, message: "", detail }, t0, error);
  }
}
