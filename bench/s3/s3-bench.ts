/**
 * S3 endpoint benchmark: PutObject and GetObject of a 1 MiB and a 100 MiB object through the AWS SDK v3, against
 *  - the embedded endpoint (our own fastify endpoint, src/storage/s3-endpoint.ts: SigV4 from src/identity,
 *    ownership, s3rver's file layout, MD5 ETags, atomic writes);
 *  - a minimal fastify endpoint doing only Put/Get with the same SigV4 verification and ownership check, writing
 *    to a temporary file and renaming, without ETags or metadata: the floor of what an endpoint costs per request.
 * (Until the replacement, the first was s3rver 3.7.1 with our patches; its figures are in bench/RESULTS.md.)
 * Both run in this process, one after the other, each after a warm-up. Prints the median of the runs per cell.
 *
 * Run: npm run bench:s3   (env BENCH_RUNS, default 5 for 1 MiB and 3 for 100 MiB)
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import Fastify from "fastify";
import { createS3Verifier } from "../../src/identity/sigv4-s3.js";
import { AwsChunkedDecoder, isAwsChunked } from "../../src/storage/aws-chunked-decoder.js";
import { startEmbeddedS3 } from "../../src/storage/embedded-s3.js";

const KEY = {
  accessKeyId: "AKIAS3BENCHMARK00001",
  secretAccessKey: "bench-secret-0123456789",
  accountId: "111122223333",
};
const MiB = 1024 * 1024;

/** Put/Get only, with src/identity's verifier: the per-request work of a fastify S3 endpoint. */
async function startPrototype(directory: string): Promise<{ endpoint: string; close(): Promise<void> }> {
  const verifier = createS3Verifier({ keys: [KEY] });
  const owners = new Map<string, string>();
  const app = Fastify({ bodyLimit: 1024 * MiB });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, _payload, done) => done(null));
  const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  app.route({
    method: ["GET", "PUT"],
    url: "/*",
    handler: async (request, reply) => {
      const raw = request.raw;
      const caller = await verifier.verify({
        method: raw.method ?? "GET",
        rawUrl: raw.url ?? "/",
        rawHeaders: raw.rawHeaders,
      });
      const [bucket, ...rest] = decodeURIComponent((raw.url ?? "/").split("?")[0].slice(1)).split("/");
      const key = rest.join("/");
      if (key === "" && raw.method === "PUT") {
        owners.set(bucket, caller.accountId);
        await mkdir(join(directory, bucket), { recursive: true });
        return reply.code(200).send();
      }
      if (owners.get(bucket) !== caller.accountId) return reply.code(403).send("AccessDenied");
      const file = join(directory, bucket, encodeURIComponent(key));
      if (raw.method === "PUT") {
        const temporary = `${file}.tmp`;
        const chunked = isAwsChunked(
          header(raw.headers["content-encoding"]),
          header(raw.headers["x-amz-content-sha256"]),
        );
        await (chunked
          ? pipeline(raw, new AwsChunkedDecoder(), createWriteStream(temporary))
          : pipeline(raw, createWriteStream(temporary)));
        await rename(temporary, file);
        return reply.code(200).header("etag", '"0"').send();
      }
      const size = (await stat(file)).size;
      return reply.code(200).header("content-length", size).send(createReadStream(file));
    },
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => app.close() };
}

function client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: KEY,
    // As ObjectStore does against a custom endpoint.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(s3: S3Client, size: number, runs: number): Promise<{ put: number; get: number }> {
  const body = Buffer.alloc(size, 7);
  const puts: number[] = [];
  const gets: number[] = [];
  for (let i = 0; i < runs; i++) {
    let start = performance.now();
    await s3.send(new PutObjectCommand({ Bucket: "bench", Key: `object-${size}`, Body: body }));
    puts.push(performance.now() - start);
    start = performance.now();
    const got = await s3.send(new GetObjectCommand({ Bucket: "bench", Key: `object-${size}` }));
    let read = 0;
    for await (const chunk of got.Body as AsyncIterable<Buffer>) read += chunk.length;
    gets.push(performance.now() - start);
    if (read !== size) throw new Error(`read ${read} bytes of ${size}`);
  }
  return { put: median(puts), get: median(gets) };
}

async function main() {
  const runsSmall = Number(process.env.BENCH_RUNS ?? 5);
  const runsLarge = Math.max(1, Math.min(3, runsSmall));
  const rows: string[] = [];
  for (const name of ["embedded (own fastify endpoint)", "fastify prototype"] as const) {
    const directory = await mkdtemp(join(tmpdir(), "openforecast-s3-bench-"));
    const server =
      name === "fastify prototype"
        ? await startPrototype(directory)
        : await startEmbeddedS3({ host: "127.0.0.1", port: 0, directory, keys: [KEY] });
    const s3 = client(server.endpoint);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: "bench" }));
      // Warm-up (JIT, sockets, the SDK's lazily loaded parts), so the endpoint measured first is not penalised.
      await measure(s3, MiB, 3);
      for (const [size, runs] of [
        [MiB, runsSmall],
        [100 * MiB, runsLarge],
      ] as const) {
        const { put, get } = await measure(s3, size, runs);
        const rate = (ms: number) => ((size / MiB / ms) * 1000).toFixed(0);
        rows.push(
          `| ${name} | ${size / MiB} MiB | ${put.toFixed(1)} ms (${rate(put)} MiB/s) | ${get.toFixed(1)} ms (${rate(get)} MiB/s) | ${runs} |`,
        );
      }
    } finally {
      s3.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    }
  }
  console.log("| endpoint | object | PutObject (median) | GetObject (median) | runs |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const row of rows) console.log(row);
}

await main();
