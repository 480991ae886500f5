/**
 * Test helpers that talk to the gateway below the SDKs: signed awsJson requests with any target, headers and body
 * (signed by @smithy/signature-v4, the SDK's own signer), and raw bytes on a socket for what no client would send.
 */
import http from "node:http";
import net from "node:net";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { ACCOUNTS, REGION } from "../e2e/harness.js";

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

export interface SignedOptions {
  target?: string;
  /** extra headers, signed with the rest (a content-type here replaces awsJson's) */
  headers?: Record<string, string>;
  /** query string parameters, signed */
  query?: Record<string, string>;
  account?: number;
  /** the signing scope: "forecast" in REGION unless given */
  service?: string;
  region?: string;
  /** a secret key other than the account's (a wrong one) */
  secret?: string;
  signingDate?: Date;
}

const signers = new Map<string, SignatureV4>();

function signerFor(opts: SignedOptions): SignatureV4 {
  const key = ACCOUNTS[opts.account ?? 0] as (typeof ACCOUNTS)[number];
  const credentials = { accessKeyId: key.accessKeyId, secretAccessKey: opts.secret ?? key.secretAccessKey };
  const region = opts.region ?? REGION;
  const service = opts.service ?? "forecast";
  const id = JSON.stringify([credentials, region, service]);
  let signer = signers.get(id);
  if (!signer) {
    signer = new SignatureV4({ credentials, region, service, sha256: Sha256 });
    signers.set(id, signer);
  }
  return signer;
}

/** Signs a POST / with `body`; returns what to send. */
export async function signPost(
  endpoint: string,
  body: string | Buffer,
  opts: SignedOptions = {},
): Promise<{ path: string; headers: Record<string, string>; body: Buffer }> {
  const url = new URL(endpoint);
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
  const headers: Record<string, string> = {
    host: url.host,
    "content-type": "application/x-amz-json-1.1",
    ...opts.headers,
  };
  if (opts.target !== undefined) headers["x-amz-target"] = opts.target;
  const signed = await signerFor(opts).sign(
    new HttpRequest({
      method: "POST",
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: "/",
      query: opts.query ?? {},
      headers,
      body: bytes,
    }),
    { signingDate: opts.signingDate },
  );
  const query = new URLSearchParams(opts.query ?? {}).toString();
  return { path: query ? `/?${query}` : "/", headers: signed.headers, body: bytes };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** Sends a prepared request; `ms` is from the first byte written to the whole answer read. */
export function send(
  endpoint: string,
  req: { method?: string; path: string; headers: Record<string, string>; body?: Buffer },
): Promise<WireResponse> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const r = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method ?? "POST",
        path: req.path,
        headers: { ...req.headers, "content-length": String(req.body?.length ?? 0) },
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            ms: performance.now() - start,
          }),
        );
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    r.end(req.body);
  });
}

export async function signedPost(
  endpoint: string,
  body: string | Buffer,
  opts: SignedOptions = {},
): Promise<WireResponse> {
  return send(endpoint, await signPost(endpoint, body, opts));
}

/** Writes `bytes` on a fresh connection and reads until the server closes it (or 5 s pass). */
export function rawExchange(endpoint: string, bytes: string | Buffer): Promise<WireResponse> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const socket = net.connect(Number(url.port), url.hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error("no answer within 5 s")));
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      // The server may reset after answering; keep what it said.
      if (chunks.length && (e.code === "ECONNRESET" || e.code === "EPIPE")) return;
      reject(e);
    });
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const headEnd = text.indexOf("\r\n\r\n");
      const head = headEnd >= 0 ? text.slice(0, headEnd) : text;
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers: http.IncomingHttpHeaders = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body = headEnd >= 0 ? text.slice(headEnd + 4) : "";
      if (/chunked/i.test(String(headers["transfer-encoding"] ?? ""))) body = unchunk(body);
      resolve({
        status: Number(statusLine.split(" ")[1] ?? 0),
        headers,
        body,
        ms: performance.now() - start,
      });
    });
  });
}

function unchunk(text: string): string {
  let out = "";
  let rest = text;
  for (;;) {
    const eol = rest.indexOf("\r\n");
    if (eol < 0) return out;
    const size = Number.parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

/** Asserts-free check that a response is an AWS-shaped error; returns a reason when it is not. */
export function awsErrorProblem(res: WireResponse): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch {
    return `body is not JSON: ${res.body.slice(0, 200)}`;
  }
  const { __type, message } = (json ?? {}) as { __type?: unknown; message?: unknown };
  if (typeof __type !== "string" || !__type) return `no __type in ${res.body.slice(0, 200)}`;
  if (typeof message !== "string" || !message) return `no message in ${res.body.slice(0, 200)}`;
  if (res.headers["x-amzn-errortype"] !== __type)
    return `x-amzn-ErrorType ${String(res.headers["x-amzn-errortype"])} differs from __type ${__type}`;
  const keys = Object.keys(json as object).sort();
  if (keys.join(",") !== "__type,message") return `extra members in the error body: ${keys.join(",")}`;
  return undefined;
}
