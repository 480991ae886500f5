/**
 * The two-account set-up of the embedded S3's cross-account tests (SDK and boto3/CLI): both accounts' keys, a
 * client of each, and account one's bucket with a file account two must never read.
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { type EmbeddedS3, startEmbeddedS3 } from "../../src/storage/embedded-s3.js";

export interface AccountKey {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export const ONE: AccountKey = {
  accountId: "111122223333",
  accessKeyId: "AKIACROSSACCOUNTONE1",
  secretAccessKey: "one-secret-0123456789",
};
export const TWO: AccountKey = {
  accountId: "444455556666",
  accessKeyId: "AKIACROSSACCOUNTTWO2",
  secretAccessKey: "two-secret-0123456789",
};

/** secret.csv in account one's bucket. */
export const SECRET_ROWS = "item_id,timestamp,demand\nsecret,2024-01-01,42\n";

export function accountClient(endpoint: string, key: AccountKey): S3Client {
  return new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
  });
}

export interface TwoAccountS3 {
  s3: EmbeddedS3;
  one: S3Client;
  two: S3Client;
  /** Closes the clients and the endpoint; the directory stays (a test may start again over it). */
  stop(): Promise<void>;
}

/** The embedded S3 on a free port over `directory`, accepting ONE's and TWO's keys, with a client of each. */
export async function startTwoAccountS3(directory: string): Promise<TwoAccountS3> {
  const s3 = await startEmbeddedS3({ host: "127.0.0.1", port: 0, directory, keys: [ONE, TWO] });
  const one = accountClient(s3.endpoint, ONE);
  const two = accountClient(s3.endpoint, TWO);
  return {
    s3,
    one,
    two,
    async stop() {
      one.destroy();
      two.destroy();
      await s3.close();
    },
  };
}

/** Creates `bucket` as account one and puts secret.csv (SECRET_ROWS) in it. */
export async function createSecretBucket(one: S3Client, bucket: string): Promise<void> {
  await one.send(new CreateBucketCommand({ Bucket: bucket }));
  await one.send(new PutObjectCommand({ Bucket: bucket, Key: "secret.csv", Body: SECRET_ROWS }));
}

/** A presigned GET URL made with the SDK's signer for `key`. */
export async function presignGet(
  endpoint: string,
  path: string,
  key: Pick<AccountKey, "accessKeyId" | "secretAccessKey">,
): Promise<string> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({
    service: "s3",
    region: "us-east-1",
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    sha256: Sha256,
    uriEscapePath: false,
  });
  const signed = await signer.presign(
    new HttpRequest({
      method: "GET",
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path,
      headers: { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    }),
    { expiresIn: 60 },
  );
  const query = Object.entries(signed.query ?? {})
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join("&");
  return `${endpoint}${path}?${query}`;
}
