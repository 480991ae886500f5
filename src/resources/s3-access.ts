import type { CreateForecastRequest, S3Config } from "../contract/generated/forecast.js";
import { invalidInput } from "../errors.js";
import { parseS3Path } from "../storage/s3-path.js";
import { StorageError } from "../storage/storage-error.js";
import { checkKmsKeyArn, checkRoleArn } from "./common.js";
import type { RequestContext } from "./context.js";

/** How long a create call waits on S3 for the check before leaving it to the job. */
const CHECK_TIMEOUT_MS = 3000;

/**
 * Refuses, at create time, an S3 path in a bucket the caller's account may not use, as Amazon Forecast refuses a
 * path its role cannot reach: InvalidInputException (the only client error the Create* operations list), with a
 * message that says AccessDenied. Nothing of the bucket is read or written: the check is one HeadBucket with the
 * account's own key, which the embedded endpoint refuses for a bucket another account owns.
 *
 * Only a refusal is decided here. A bucket that does not exist yet, or an S3 endpoint that does not answer in time,
 * is left to the job, which reports it in its Message (and which is refused the same way if the bucket changed
 * hands in between: the job acts with the same key).
 */
export async function requireS3Access(
  ctx: RequestContext,
  path: string,
  use: "read" | "write",
  roleArn: string,
): Promise<void> {
  const { bucket } = parseS3Path(path);
  const store = ctx.services.objectStoreFor(ctx.accountId);
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([store.bucketExists(bucket), gaveUp]);
  } catch (error) {
    if (error instanceof StorageError && error.kind === "AccessDenied") {
      const embedded = ctx.services.config.s3Endpoint === undefined;
      throw invalidInput(
        `AccessDenied: account ${ctx.accountId} may not ${use} ${path} with the role ${roleArn}: ` +
          (embedded
            ? `the bucket "${bucket}" belongs to another account (on this service's S3, a bucket belongs to the account that created it). `
            : `the S3 endpoint refused access to the bucket "${bucket}". `) +
          `Use a bucket of account ${ctx.accountId}.`,
      );
    }
    // Anything else (unreachable, throttled, ...) is the job's to report.
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The checks at creation of an S3Config that a job will read (a data source) or write (an export destination), in
 * the order every Create operation makes them: the role, the KMS key, the path (by `parse`, which throws a
 * user-readable error), then access to its bucket.
 */
export async function checkS3Config(
  ctx: RequestContext,
  s3: S3Config,
  use: "read" | "write",
  parse: (path: string) => unknown = parseS3Path,
): Promise<void> {
  await checkRoleArn(ctx, s3.RoleArn);
  if (s3.KMSKeyArn) checkKmsKeyArn(ctx, s3.KMSKeyArn);
  try {
    parse(s3.Path);
  } catch (error) {
    throw invalidInput((error as Error).message);
  }
  await requireS3Access(ctx, s3.Path, use, s3.RoleArn);
}

/**
 * A TimeSeriesSelector's checks at creation (CreateForecast, CreateWhatIfAnalysis): the identifier schema, then its
 * data source's (checkS3Config).
 */
export async function checkTimeSeriesSelector(
  ctx: RequestContext,
  timeSeriesSelector: CreateForecastRequest["TimeSeriesSelector"],
): Promise<void> {
  const selector = timeSeriesSelector?.TimeSeriesIdentifiers;
  if (selector) {
    if (!selector.DataSource || !selector.Schema?.Attributes?.length) {
      throw invalidInput(
        "TimeSeriesIdentifiers needs a DataSource and a Schema naming the identifier columns.",
      );
    }
    await checkS3Config(ctx, selector.DataSource.S3Config, "read");
  }
}
