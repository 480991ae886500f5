import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { startEmbeddedS3 } from "../../src/storage/embedded-s3.js";

/** A key pair the embedded endpoint of a fixture accepts. */
export const TEST_KEY = { accessKeyId: "AKIAOPENFORECASTTEST", secretAccessKey: "test-secret-0123456789" };

export interface EmbeddedFixture {
  endpoint: string;
  directory: string;
  /** A plain SDK client, as a user would configure one. */
  userClient(options?: { region?: string; accessKeyId?: string; secretAccessKey?: string }): S3Client;
  close(): Promise<void>;
}

/**
 * The embedded endpoint on a free port over a fresh temporary directory. The directory sits alone inside a private
 * parent, so a test can check that nothing escapes to `..` without seeing what other tests do in the shared
 * temporary directory meanwhile.
 */
export async function startFixture(): Promise<EmbeddedFixture> {
  const parent = await mkdtemp(join(tmpdir(), "openforecast-s3-"));
  const directory = join(parent, "data");
  await mkdir(directory);
  const s3 = await startEmbeddedS3({ host: "127.0.0.1", port: 0, directory, keys: [TEST_KEY] });
  const clients: S3Client[] = [];
  return {
    endpoint: s3.endpoint,
    directory,
    userClient(options = {}) {
      const client = new S3Client({
        endpoint: s3.endpoint,
        region: options.region ?? "us-east-1",
        forcePathStyle: true,
        maxAttempts: 1,
        credentials: {
          accessKeyId: options.accessKeyId ?? TEST_KEY.accessKeyId,
          secretAccessKey: options.secretAccessKey ?? TEST_KEY.secretAccessKey,
        },
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await s3.close();
      await rm(parent, { recursive: true, force: true });
    },
  };
}
