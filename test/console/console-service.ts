import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ForecastClient } from "@aws-sdk/client-forecast";
import type { S3Client } from "@aws-sdk/client-s3";
import { pino } from "pino";
import { type RunningService, startService } from "../../src/app.js";
import { resolveConfig } from "../../src/config/config.js";
import { ACCOUNTS, forecastClient, REGION, s3Client } from "../e2e/harness.js";

/** The whole service in this process, like test/e2e/harness.ts, but keeping every log line for inspection. */
export interface ConsoleService {
  service: RunningService;
  endpoint: string;
  logLines: string[];
  forecast(account?: number, region?: string): ForecastClient;
  s3(account?: number): S3Client;
  roleArn(account?: number): string;
  close(): Promise<void>;
}

export async function startConsoleService(): Promise<ConsoleService> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-console-"));
  const credentials = path.join(dataDir, "accounts.json");
  await fs.writeFile(credentials, JSON.stringify({ accounts: ACCOUNTS }), { mode: 0o600 });
  const env = { OPENFORECAST_CREDENTIALS_FILE: credentials };
  const config = resolveConfig(["--port", "0", "--s3-port", "0", "--data-dir", dataDir], env);
  const logLines: string[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void logLines.push(line) });
  const service = await startService(config, env, log);
  const clients: { destroy(): void }[] = [];
  return {
    service,
    endpoint: service.forecastEndpoint,
    logLines,
    forecast(account = 0, region?: string) {
      const c = forecastClient(service.forecastEndpoint, account, region);
      clients.push(c);
      return c;
    },
    s3(account = 0) {
      const c = s3Client(service.s3Endpoint, account);
      clients.push(c);
      return c;
    },
    roleArn(account = 0) {
      return `arn:aws:iam::${(ACCOUNTS[account] as (typeof ACCOUNTS)[number]).accountId}:role/ForecastAccess`;
    },
    async close() {
      for (const c of clients) c.destroy();
      await service.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in to the console at `endpoint` as a browser would, as ACCOUNTS[account]; the session cookie's `name=value`. */
export async function consoleSessionCookie(endpoint: string, account = 0): Promise<string> {
  const a = ACCOUNTS[account] as (typeof ACCOUNTS)[number];
  const res = await fetch(`${endpoint}/console/session`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      accessKeyId: a.accessKeyId,
      secretAccessKey: a.secretAccessKey,
      region: REGION,
    }),
  });
  const cookie = res.headers.getSetCookie()[0];
  if (res.status !== 303 || !cookie)
    throw new Error(`console sign-in answered ${res.status} without a session`);
  return cookie.split(";")[0] as string;
}
