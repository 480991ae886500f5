#!/usr/bin/env node
import path from "node:path";
import { type Logger, pino } from "pino";
import { startService } from "./app.js";
import { formatBanner } from "./banner.js";
import { ConfigError, OPTIONS, resolveConfig, type ServiceConfig } from "./config/config.js";
import { CredentialsError, loadAccessKeys } from "./identity/keys.js";
import { startEmbeddedS3 } from "./storage/embedded-s3.js";
import { DataDirInUse } from "./store/data-dir-lock.js";
import { startWorker } from "./worker-app.js";

const USAGE = `openforecast: an Amazon Forecast-compatible service

Usage:
  openforecast serve [options]    start the Forecast API and (unless --s3-endpoint is set) an embedded S3 endpoint
  openforecast worker [options]   scale-out: run jobs and their tasks (needs --database-url and --s3-endpoint)
  openforecast s3 [options]       serve the embedded S3 endpoint alone (--data-dir, --host, --s3-port), for a
                                  scale-out deployment on one machine or a test without an external S3
  openforecast --help

Options (each also read from its environment variable):
${OPTIONS.map((o) => `  ${o.flag.padEnd(42)} ${o.env.padEnd(52)} ${o.help}`).join("\n")}

Access keys: OPENFORECAST_ACCESS_KEY_ID, OPENFORECAST_SECRET_ACCESS_KEY and OPENFORECAST_ACCOUNT_ID, and/or
OPENFORECAST_CREDENTIALS_FILE (JSON: {"accounts":[{"accountId","accessKeyId","secretAccessKey"}]}). Without any,
the first start generates a key into <data dir>/credentials.json (mode 0600). Every start prints the console URL,
where the credentials are and the environment for the AWS CLI, boto3 and the AWS SDK for JavaScript (with the
secret when it is the generated one).
External S3 credentials for jobs: OPENFORECAST_S3_ACCESS_KEY_ID and OPENFORECAST_S3_SECRET_ACCESS_KEY.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || rest.includes("--help")) {
    process.stdout.write(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command !== "serve" && command !== "worker" && command !== "s3") {
    process.stderr.write(`unknown command ${command}\n\n${USAGE}`);
    return 2;
  }
  const config = resolveConfig(rest, process.env);
  const log = pino({ level: config.logLevel, base: undefined });
  if (command === "worker") {
    const worker = await startWorker(config, process.env, log);
    log.info({ threads: config.workerThreads, pid: process.pid }, "OpenForecast worker is running");
    onSignals(log, () => worker.close());
    return -1;
  }
  if (command === "s3") {
    const s3 = await startS3Only(config, process.env, log);
    log.info({ s3: s3.endpoint, dataDir: config.dataDir }, "OpenForecast S3 endpoint is serving");
    process.stdout.write(`S3 endpoint: ${s3.endpoint}\n`);
    onSignals(log, () => s3.close());
    return -1;
  }
  const service = await startService(config, process.env, log);
  const region = process.env.AWS_DEFAULT_REGION ?? process.env.AWS_REGION ?? "us-east-1";
  log.info(
    { forecast: service.forecastEndpoint, s3: service.s3Endpoint, dataDir: config.dataDir },
    "OpenForecast is serving",
  );
  // On every start, not only the first: after a restart the user still needs the console and the environment.
  process.stdout.write(
    `\n${formatBanner({
      forecastEndpoint: service.forecastEndpoint,
      s3Endpoint: service.s3Endpoint,
      region,
      keys: service.keys,
      location: service.keysLocation,
      inDataDir: service.keysInDataDir,
      generated: service.generatedKey,
    })}\n\n`,
  );
  onSignals(log, () => service.close());
  return -1;
}

/** Closes cleanly on SIGINT/SIGTERM, then exits. */
function onSignals(log: Logger, close: () => Promise<void>): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down");
    await close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

/** The embedded S3 endpoint alone, accepting the configured accounts' keys. */
async function startS3Only(config: ServiceConfig, env: NodeJS.ProcessEnv, log: Logger) {
  const { keys } = await loadAccessKeys({ dataDir: config.dataDir, env, log: (m) => log.info(m) });
  return startEmbeddedS3({
    host: config.s3Host,
    port: config.s3Port,
    directory: path.join(config.dataDir, "s3"),
    keys,
    log: (message) => log.warn(message),
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof CredentialsError || error instanceof DataDirInUse) {
      process.stderr.write(`openforecast: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(
      `openforecast: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
