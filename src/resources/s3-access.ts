import { invalidInput } from "../errors.js";
import { parseS3Path } from "../storage/s3-path.js";
import { StorageError } from "../storage/storage-error.js";
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
