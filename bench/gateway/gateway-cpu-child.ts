/**
 * One round of the in-process gateway CPU bench (gateway-cpu.ts) for one build: starts that build's whole service
 * the way its CLI does (`resolveConfig` + `startService` from `<dist>/src`, a pino logger of the build's own
 * node_modules, embedded S3, state store, job runner), seeds 21 dataset groups, then drives real SigV4-signed
 * DescribeDatasetGroup and ListDatasetGroups requests at it from this same process and measures the process's CPU
 * time per request (`process.cpuUsage`, all threads: GC helpers included) over each cell.
 *
 * Two ways in, both through the build's own code only:
 * - `inject`: fastify's inject (routing, SigV4, validation, handler, serialisation; no HTTP parser, no sockets);
 * - `socket`: raw HTTP/1.1 over keep-alive TCP connections to the service's own port on 127.0.0.1, written and
 *   read by a minimal client here (so node's HTTP server, fastify's reply path and the socket writes count too;
 *   the client's own share is the same few µs for both builds).
 *
 * This file imports nothing of this checkout's src/ or test/, so that the process holds only the measured build's
 * code. Run by gateway-cpu.ts: `node gateway-cpu-child.js '<json of ChildTask>'`; writes a ChildResult as JSON to
 * `task.out`.
 */
import fs from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";

export type Transport = "inject" | "socket";
export type Operation = "DescribeDatasetGroup" | "ListDatasetGroups";

export interface ChildTask {
  /** the build's dist directory (holds src/app.js and src/config/config.js) */
  dist: string;
  out: string;
  operations: Operation[];
  transports: Transport[];
  concurrency: number[];
  /** measured requests per cell */
  requests: number;
  /** unmeasured requests before each cell (JIT, caches) */
  warmup: number;
  /** the measured requests run in blocks of this many, each block's CPU per request recorded */
  block: number;
  /** when set, the measured cells run under the inspector's sampling profiler, written here as .cpuprofile */
  profile?: string;
}

export interface CellResult {
  operation: Operation;
  transport: Transport;
  concurrency: number;
  requests: number;
  /** process CPU (user + system) per request, µs */
  cpuMicros: number;
  /** wall time per request, µs */
  wallMicros: number;
  /**
   * The least CPU per request of the cell's blocks, µs: the block least disturbed by the rest of a shared machine
   * (other processes on the core's sibling and in its caches make the same work take more CPU time).
   */
  minBlockMicros: number;
  /** the median block's CPU per request, µs */
  medianBlockMicros: number;
}

export interface ChildResult {
  node: string;
  cells: CellResult[];
}

/** The key the bench signs with (written into the service's credentials file; a test account, not a secret). */
const ACCOUNT = {
  accountId: "111122223333",
  accessKeyId: "AKIATESTACCOUNTONE01",
  secretAccessKey: "secret-one-0123456789abcdefghijklmnopqrs",
};
const REGION = "us-west-2";

interface Signed {
  headers: Record<string, string>;
  body: string;
  /** the whole HTTP/1.1 request as written on a socket */
  wire: Buffer;
}

async function sign(host: string, target: string, body: string): Promise<Signed> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: ACCOUNT.accessKeyId, secretAccessKey: ACCOUNT.secretAccessKey },
    region: REGION,
    service: "forecast",
    sha256: Sha256,
  });
  const request = await signer.sign(
    new HttpRequest({
      method: "POST",
      protocol: "http:",
      hostname: host.split(":")[0] as string,
      port: Number(host.split(":")[1]),
      path: "/",
      headers: {
        host,
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `AmazonForecast.${target}`,
        "content-length": String(Buffer.byteLength(body)),
      },
      body,
    }),
  );
  const headers = request.headers;
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  return { headers, body, wire: Buffer.from(`POST / HTTP/1.1\r\n${head}\r\n${body}`, "utf8") };
}

/** The slice of fastify's instance this bench uses (each build's own fastify). */
interface Gateway {
  inject(opts: {
    method: string;
    url: string;
    headers: Record<string, string>;
    payload: string;
  }): Promise<{ statusCode: number; body: string }>;
}

async function injectLoad(gateway: Gateway, req: Signed, n: number, concurrency: number): Promise<void> {
  let next = 0;
  let failed = 0;
  let lastBody = "";
  const worker = async () => {
    while (next < n) {
      next++;
      const res = await gateway.inject({ method: "POST", url: "/", headers: req.headers, payload: req.body });
      if (res.statusCode !== 200) {
        failed++;
        lastBody = res.body;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failed > 0) throw new Error(`${failed} of ${n} requests failed, e.g. ${lastBody.slice(0, 300)}`);
}

const HEADER_END = Buffer.from("\r\n\r\n");

/**
 * Where the first whole HTTP response in `buf` ends and its status, or undefined when it is not all there yet.
 * Exported for the test; responses of this service always carry Content-Length.
 */
export function responseEnd(buf: Buffer): { end: number; status: number } | undefined {
  const headerEnd = buf.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const head = buf.toString("latin1", 0, headerEnd);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (!length) throw new Error(`a response without Content-Length: ${head.slice(0, 200)}`);
  const end = headerEnd + 4 + Number(length[1]);
  if (buf.length < end) return undefined;
  return { end, status: Number(head.slice(9, 12)) };
}

/** `n` requests over `concurrency` keep-alive connections, each sending its next request when the answer is in. */
async function socketLoad(port: number, req: Signed, n: number, concurrency: number): Promise<void> {
  let sent = 0;
  let failed = 0;
  let lastBody = "";
  const connection = () =>
    new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host: "127.0.0.1", port, noDelay: true });
      let buf: Buffer = Buffer.alloc(0);
      const send = () => {
        if (sent >= n) {
          socket.end();
          resolve();
          return;
        }
        sent++;
        socket.write(req.wire);
      };
      socket.on("connect", send);
      socket.on("data", (chunk: Buffer) => {
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
        for (;;) {
          const done = responseEnd(buf);
          if (!done) return;
          if (done.status !== 200) {
            failed++;
            lastBody = buf.toString("utf8", 0, done.end);
          }
          buf = buf.subarray(done.end);
          send();
        }
      });
      socket.on("error", reject);
      socket.on("close", () => {
        if (sent < n) reject(new Error("the service closed a connection"));
      });
    });
  await Promise.all(Array.from({ length: concurrency }, connection));
  if (failed > 0) throw new Error(`${failed} of ${n} requests failed, e.g. ${lastBody.slice(0, 400)}`);
}

async function main(task: ChildTask): Promise<void> {
  const dist = path.resolve(task.dist);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-bench-cpu-"));
  const credentials = path.join(dataDir, "credentials.json");
  await fs.writeFile(credentials, JSON.stringify({ accounts: [ACCOUNT] }), { mode: 0o600 });
  const env = {
    ...process.env,
    OPENFORECAST_CREDENTIALS_FILE: credentials,
    OPENFORECAST_LOG_LEVEL: process.env.OPENFORECAST_LOG_LEVEL ?? "warn",
  };
  const serviceDir = path.join(dataDir, "service");
  await fs.mkdir(serviceDir);

  // The build's own modules, as its CLI composes them.
  const { resolveConfig } = await import(pathToFileURL(path.join(dist, "src/config/config.js")).href);
  const { startService } = await import(pathToFileURL(path.join(dist, "src/app.js")).href);
  const buildRequire = createRequire(path.join(dist, "src/app.js"));
  const pinoModule = await import(pathToFileURL(buildRequire.resolve("pino")).href);
  const pino = pinoModule.pino ?? pinoModule.default;
  const config = resolveConfig(["--port", "0", "--s3-port", "0", "--data-dir", serviceDir], env);
  const log = pino({ level: config.logLevel, base: undefined });
  const service = await startService(config, env, log);
  const gateway = service.gateway as Gateway;
  const url = new URL(service.forecastEndpoint);
  const host = url.host;

  try {
    // 21 dataset groups, as in the wrk bench (bench:gateway): ListDatasetGroups answers all of them.
    const create = async (name: string) => {
      const r = await sign(
        host,
        "CreateDatasetGroup",
        JSON.stringify({ DatasetGroupName: name, Domain: "RETAIL" }),
      );
      const res = await gateway.inject({ method: "POST", url: "/", headers: r.headers, payload: r.body });
      if (res.statusCode !== 200) throw new Error(`CreateDatasetGroup: ${res.body}`);
      return JSON.parse(res.body).DatasetGroupArn as string;
    };
    const arn = await create("bench");
    for (let i = 0; i < 20; i++) await create(`bench_${i}`);
    const requests: Record<Operation, Signed> = {
      DescribeDatasetGroup: await sign(
        host,
        "DescribeDatasetGroup",
        JSON.stringify({ DatasetGroupArn: arn }),
      ),
      ListDatasetGroups: await sign(host, "ListDatasetGroups", "{}"),
    };

    const run = (transport: Transport, req: Signed, n: number, c: number) =>
      transport === "inject" ? injectLoad(gateway, req, n, c) : socketLoad(Number(url.port), req, n, c);

    const session = task.profile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 100 });
    }
    const cells: CellResult[] = [];
    for (const transport of task.transports) {
      for (const operation of task.operations) {
        for (const concurrency of task.concurrency) {
          const req = requests[operation];
          await run(transport, req, task.warmup, concurrency);
          if (session) await session.post("Profiler.start");
          const cpu = process.cpuUsage();
          const started = performance.now();
          const blocks: number[] = [];
          for (let done = 0; done < task.requests; done += task.block) {
            const n = Math.min(task.block, task.requests - done);
            const before = process.cpuUsage();
            await run(transport, req, n, concurrency);
            const spent = process.cpuUsage(before);
            blocks.push((spent.user + spent.system) / n);
          }
          const wall = performance.now() - started;
          const used = process.cpuUsage(cpu);
          blocks.sort((a, b) => a - b);
          if (session && task.profile) {
            const { profile } = await session.post("Profiler.stop");
            const file = `${task.profile}-${transport}-${operation}-c${concurrency}.cpuprofile`;
            await fs.writeFile(file, JSON.stringify(profile));
          }
          cells.push({
            operation,
            transport,
            concurrency,
            requests: task.requests,
            cpuMicros: (used.user + used.system) / task.requests,
            wallMicros: (wall * 1000) / task.requests,
            minBlockMicros: blocks[0] as number,
            medianBlockMicros: blocks[Math.floor(blocks.length / 2)] as number,
          });
        }
      }
    }
    session?.disconnect();
    const result: ChildResult = { node: process.version, cells };
    await fs.writeFile(task.out, JSON.stringify(result));
  } finally {
    // A close that hangs (a job runner's timer, a socket) must not stall the whole bench.
    await Promise.race([service.close(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

// Run only as a program (the test imports `responseEnd`).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(JSON.parse(process.argv[2] as string) as ChildTask);
  process.exit(0);
}
