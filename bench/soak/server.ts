// The service under soak: `node dist/src/cli.js serve` in a child process on fixed ports and one data dir, so that
// it can be killed (-9) and restarted in place. Keeps the restart windows (kill → healthy again) so that client
// connection errors can be told apart: expected inside a window, a finding outside one.

import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";

const CLI = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../src/cli.js");
/** A restart window stays open this long after the service is healthy: pooled sockets of the dead process fail. */
const WINDOW_TAIL_MS = 5_000;
const START_TIMEOUT_MS = 120_000;

export interface RestartWindow {
  /** When the process was killed or stopped (ms since the epoch). */
  down: number;
  /** When /health answered again; undefined while it is down. */
  up?: number;
  kind: "kill -9" | "graceful";
}

export interface SoakServerOptions {
  dataDir: string;
  credentialsFile: string;
  port: number;
  s3Port: number;
  /** The service's output (pino JSON lines at warn level and up) goes here, appended across restarts. */
  logFile: string;
  jobConcurrency?: number;
}

export class SoakServer {
  readonly forecastEndpoint: string;
  readonly s3Endpoint: string;
  readonly windows: RestartWindow[] = [];
  private child: ChildProcess | undefined;
  private log: WriteStream;
  private upWaiters: Array<() => void> = [];
  private up = false;
  /** How many processes were started (1 = the first). */
  generation = 0;

  constructor(private readonly options: SoakServerOptions) {
    this.forecastEndpoint = `http://127.0.0.1:${options.port}`;
    this.s3Endpoint = `http://127.0.0.1:${options.s3Port}`;
    this.log = createWriteStream(options.logFile, { flags: "a" });
  }

  get pid(): number | undefined {
    return this.up ? this.child?.pid : undefined;
  }

  get logFile(): string {
    return this.options.logFile;
  }

  get isUp(): boolean {
    return this.up;
  }

  /** Starts a process and resolves when /health answers; the previous one must be gone. */
  async start(): Promise<void> {
    this.generation++;
    this.log.write(`--- start #${this.generation} at ${new Date().toISOString()}\n`);
    const args = [
      CLI,
      "serve",
      "--host",
      "127.0.0.1",
      "--port",
      String(this.options.port),
      "--s3-port",
      String(this.options.s3Port),
      "--data-dir",
      this.options.dataDir,
    ];
    if (this.options.jobConcurrency) args.push("--job-concurrency", String(this.options.jobConcurrency));
    const child = spawn(process.execPath, args, {
      env: {
        ...process.env,
        OPENFORECAST_CREDENTIALS_FILE: this.options.credentialsFile,
        OPENFORECAST_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    // pino writes JSON lines to stdout; warnings of Node.js itself go to stderr.
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`the service exited at start (code ${child.exitCode}); see ${this.options.logFile}`);
      }
      try {
        const res = await fetch(`${this.forecastEndpoint}/health`, { signal: AbortSignal.timeout(2_000) });
        if (res.ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline)
        throw new Error(`the service did not start within ${START_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const open = this.windows.at(-1);
    if (open && open.up === undefined) open.up = Date.now();
    this.up = true;
    for (const wake of this.upWaiters.splice(0)) wake();
  }

  /** kill -9, as a crash would; resolves when the process is gone. */
  async kill9(): Promise<void> {
    await this.terminate("SIGKILL", "kill -9");
  }

  /** SIGTERM (the service closes cleanly), SIGKILL after 30 s. */
  async stop(): Promise<void> {
    await this.terminate("SIGTERM", "graceful");
  }

  private async terminate(signal: NodeJS.Signals, kind: RestartWindow["kind"]): Promise<void> {
    const child = this.child;
    this.up = false;
    this.windows.push({ down: Date.now(), kind });
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(timer);
  }

  /** Synchronous SIGKILL for exit paths (Ctrl-C, errors): never leave the service running. */
  killNow(): void {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    this.up = false;
  }

  /** Resolves when the service is up (at once if it is). */
  waitUp(): Promise<void> {
    if (this.up) return Promise.resolve();
    return new Promise((resolve) => this.upWaiters.push(resolve));
  }

  /** Whether `t` falls in a restart window (from the kill until a few seconds after it is healthy again). */
  inRestartWindow(t: number): boolean {
    return this.windows.some((w) => t >= w.down && t <= (w.up ?? Number.POSITIVE_INFINITY) + WINDOW_TAIL_MS);
  }

  /** RSS of the running process in kB (threads included), or undefined while it is down. */
  async rssKb(): Promise<number | undefined> {
    const pid = this.pid;
    if (pid === undefined) return undefined;
    const status = await fs.readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb);
  }

  closeLog(done: () => void): void {
    this.log.end(done);
  }
}
