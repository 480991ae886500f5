/**
 * What `openforecast serve` prints on every start: where the console is, where the credentials are, and the
 * environment that points the AWS CLI, boto3 and the AWS SDK for JavaScript at this service.
 *
 * The secret is printed when it is the one this service generated into its data dir (it is in a 0600 file of the
 * user who runs the service, and the terminal is theirs); a secret an operator configured is never printed, the
 * banner says where it is instead (docs/decisions.md, "First run").
 */
import { type AccessKey, formatKeyHelp } from "./identity/keys.js";

export interface BannerInput {
  forecastEndpoint: string;
  s3Endpoint: string;
  region: string;
  keys: readonly AccessKey[];
  /** Where the keys are: a file path or environment variables. */
  location: string;
  /** The keys are the generated ones in the data dir. */
  inDataDir: boolean;
  /** This start generated them. */
  generated: boolean;
}

export function formatBanner(input: BannerInput): string {
  const key = input.keys[0];
  const lines = [
    "OpenForecast is serving.",
    `  Forecast API (and STS, IAM):  ${input.forecastEndpoint}`,
    `  S3:                           ${input.s3Endpoint}`,
    `  Console:                      ${input.forecastEndpoint}/console (sign in with an access key id and its secret)`,
    `  Credentials:                  ${input.location}${input.generated ? " (generated now, mode 0600)" : ""}`,
  ];
  if (input.keys.length > 1) {
    lines.push(
      `  Accounts:                     ${[...new Set(input.keys.map((k) => k.accountId))].join(", ")}`,
    );
  }
  if (!key) return lines.join("\n");
  let secret: string | undefined;
  if (!input.inDataDir) {
    // The operator's secret stays where the operator put it; in the same shell the variable still holds it.
    secret = input.location.startsWith("the environment")
      ? '"$OPENFORECAST_SECRET_ACCESS_KEY"'
      : `'<secretAccessKey of ${key.accessKeyId} in ${input.location.replace(/'/g, "")}>'`;
  }
  const endpoints = { forecast: input.forecastEndpoint, s3: input.s3Endpoint, region: input.region };
  lines.push("", formatKeyHelp(key, endpoints, { secret }));
  return lines.join("\n");
}
