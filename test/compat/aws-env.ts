import { ACCOUNTS, type Harness, REGION } from "../e2e/harness.js";

/** The environment an AWS program reads: endpoints by service, credentials, region, and no user config. */
export function awsEnv(h: Harness, account = 0): NodeJS.ProcessEnv {
  const a = ACCOUNTS[account] as (typeof ACCOUNTS)[number];
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: a.accessKeyId,
    AWS_SECRET_ACCESS_KEY: a.secretAccessKey,
    AWS_DEFAULT_REGION: REGION,
    AWS_ENDPOINT_URL_FORECAST: h.service.forecastEndpoint,
    AWS_ENDPOINT_URL_FORECASTQUERY: h.service.forecastEndpoint,
    AWS_ENDPOINT_URL_S3: h.service.s3Endpoint,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
}
