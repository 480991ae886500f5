// Every request of the soak goes through here: counted per operation, answers sorted into 2xx / 4xx / 5xx, and
// connection errors retried once the service is back, counted apart (expected inside a restart window, a finding
// outside one). 5xx answers are kept with their operation and message for the report.

import type { SoakServer } from "./server.js";

export type OperationClass =
  | "create"
  | "describe/list"
  | "delete"
  | "query"
  | "tag/stop"
  | "S3 write"
  | "S3 read"
  | "fuzz";

export interface OpCounts {
  served: number;
  ok: number;
  client: number;
  server: number;
  /** Connection refused/reset while the service was being killed and restarted. */
  restart: number;
  /** Connection errors and timeouts while the service was up: findings. */
  unexpected: number;
}

export interface Incident {
  /** Seconds since the start of the soak. */
  at: number;
  account: number;
  operation: string;
  status: number | string;
  type: string;
  message: string;
  /** For fuzzed requests: what the generator did. */
  detail?: string;
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EHOSTUNREACH",
]);

const newCounts = (): OpCounts => ({ served: 0, ok: 0, client: 0, server: 0, restart: 0, unexpected: 0 });

export function classOf(operation: string, service: "forecast" | "s3" | "fuzz"): OperationClass {
  if (service === "fuzz") return "fuzz";
  if (service === "s3") {
    return /^(Put|Create|Delete|Upload|Copy)/.test(operation) ? "S3 write" : "S3 read";
  }
  if (operation === "QueryForecast") return "query";
  if (operation.startsWith("Create") || operation.startsWith("Update")) return "create";
  if (operation.startsWith("Delete")) return "delete";
  if (/^(Tag|Untag|Stop|Resume)/.test(operation)) return "tag/stop";
  return "describe/list";
}

/** Whether an error is the connection failing (no HTTP answer), as during a restart. */
export function isConnectionError(error: unknown): boolean {
  const e = error as {
    code?: string;
    name?: string;
    message?: string;
    cause?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  if (e?.$metadata?.httpStatusCode !== undefined) return false;
  if (e?.code && CONNECTION_CODES.has(e.code)) return true;
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return true;
  if (/socket hang up|ECONNREFUSED|ECONNRESET|EPIPE|other side closed|fetch failed/i.test(e?.message ?? ""))
    return true;
  return e?.cause !== undefined && isConnectionError(e.cause);
}

export class Stats {
  readonly byOperation = new Map<string, OpCounts>();
  readonly classes = new Map<string, OperationClass>();
  readonly fiveXX: Incident[] = [];
  readonly unexpected: Incident[] = [];
  /** 4xx answers by error type (`__type`), to see what the clients ran into. */
  readonly clientErrors = new Map<string, number>();
  /** Answers that were errors but not AWS-shaped ({__type, message}); fuzzed requests only. */
  readonly notAwsShaped: Incident[] = [];
  /** Responses slower than SLOW_MS, by operation (the longest kept). */
  readonly slow: Incident[] = [];
  readonly startedAt = Date.now();
  static readonly SLOW_MS = 2_000;

  constructor(readonly server: SoakServer) {}

  counts(operation: string, service: "forecast" | "s3" | "fuzz"): OpCounts {
    const key = service === "s3" ? `S3 ${operation}` : service === "fuzz" ? `fuzz ${operation}` : operation;
    let c = this.byOperation.get(key);
    if (!c) {
      c = newCounts();
      this.byOperation.set(key, c);
      this.classes.set(key, classOf(operation, service));
    }
    return c;
  }

  seconds(t = Date.now()): number {
    return Math.round((t - this.startedAt) / 100) / 10;
  }

  /** Records an HTTP answer. */
  answered(
    c: OpCounts,
    incident: Omit<Incident, "at" | "status"> & { status: number },
    elapsedMs: number,
  ): void {
    c.served++;
    const at = this.seconds();
    if (incident.status < 400) c.ok++;
    else if (incident.status < 500) {
      c.client++;
      this.clientErrors.set(incident.type, (this.clientErrors.get(incident.type) ?? 0) + 1);
    } else {
      c.server++;
      this.fiveXX.push({ ...incident, at });
    }
    if (elapsedMs > Stats.SLOW_MS) {
      this.slow.push({ ...incident, at, message: `${(elapsedMs / 1000).toFixed(1)} s; ${incident.message}` });
    }
  }

  /** Records a connection error; returns whether it was expected (inside a restart window). */
  connectionFailed(
    c: OpCounts,
    incident: Omit<Incident, "at" | "status" | "type">,
    startedAt: number,
    error: unknown,
  ): boolean {
    const now = Date.now();
    const expected =
      this.server.inRestartWindow(startedAt) || this.server.inRestartWindow(now) || !this.server.isUp;
    if (expected) c.restart++;
    else {
      c.unexpected++;
      const e = error as { code?: string; name?: string; message?: string };
      this.unexpected.push({
        ...incident,
        at: this.seconds(now),
        status: "no answer",
        type: e?.code ?? e?.name ?? "error",
        message: `${e?.message ?? String(error)} after ${((now - startedAt) / 1000).toFixed(1)} s`,
      });
    }
    return expected;
  }
}

/** A step gave up: the scenario that ran it stops and the client starts a new one. */
export class StepAborted extends Error {}

interface Sendable<O> {
  send(command: never): Promise<O>;
}

const MAX_CONNECTION_RETRIES = 30;

/**
 * Sends an SDK command, counted. Connection errors wait for the service and retry; a create retried after a
 * connection error may have been done already, so a conflict on a retry is StepAborted, not a finding.
 */
export async function call<O>(
  stats: Stats,
  account: number,
  service: "forecast" | "s3",
  client: { send(command: unknown): Promise<O> } | Sendable<O>,
  command: { constructor: { name: string } },
  stopping: () => boolean = () => false,
): Promise<O> {
  const operation = command.constructor.name.replace(/Command$/, "");
  const c = stats.counts(operation, service);
  for (let attempt = 1; ; attempt++) {
    const t0 = Date.now();
    try {
      const out = await (client as { send(command: unknown): Promise<O> }).send(command);
      stats.answered(c, { account, operation, status: 200, type: "", message: "" }, Date.now() - t0);
      return out;
    } catch (error) {
      const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode;
      if (status !== undefined) {
        stats.answered(
          c,
          { account, operation, status, type: e.name ?? "?", message: (e.message ?? "").slice(0, 300) },
          Date.now() - t0,
        );
        if (attempt > 1 && /AlreadyExists|BucketAlreadyOwnedByYou/.test(e.name ?? "")) {
          throw new StepAborted(`${operation} conflicted on a retry after a restart`);
        }
        throw error;
      }
      if (!isConnectionError(error)) throw error;
      stats.connectionFailed(c, { account, operation, message: "" }, t0, error);
      if (stopping() || attempt >= MAX_CONNECTION_RETRIES)
        throw new StepAborted(`${operation}: no connection`);
      await stats.server.waitUp();
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 800));
    }
  }
}

/** The error's type name when it is an HTTP error answer, else undefined. */
export function errorName(error: unknown): string | undefined {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.$metadata?.httpStatusCode !== undefined ? e.name : undefined;
}
