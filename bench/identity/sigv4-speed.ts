/**
 * Verification runs on every request, so its speed matters: this benchmark (`npm run bench:sigv4`) measures
 * verifications per second on one core, with node:crypto's hash and with @aws-crypto/sha256-js. It was a timed
 * test with a bound until a loaded machine failed it; a figure like this belongs to a benchmark.
 */
import os from "node:os";
import { Sha256 } from "@aws-crypto/sha256-js";
import { createVerifier, type IncomingSigned, type Sha256Constructor } from "../../src/identity/sigv4.js";
import { KEY, SIGNED_AT, signRequest } from "../../test/identity/signing.js";

async function rate(
  requests: IncomingSigned[],
  sha256: Sha256Constructor | undefined,
  ms: number,
): Promise<number> {
  const verifier = createVerifier({ keys: [KEY], services: ["forecast"], now: () => SIGNED_AT, sha256 });
  for (const req of requests) await verifier.verify(req);
  let done = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (const req of requests) await verifier.verify(req);
    done += requests.length;
  }
  return done / ((performance.now() - start) / 1000);
}

async function main(): Promise<void> {
  // A typical awsJson request as the JS SDK signs it: nine signed headers and a few hundred bytes of body.
  const requests: IncomingSigned[] = [];
  for (let i = 0; i < 20; i++) {
    requests.push(
      await signRequest({
        applyChecksum: true,
        body: JSON.stringify({
          DatasetGroupName: `group_${i}`,
          Domain: "RETAIL",
          Tags: [{ Key: "k", Value: "v".repeat(200) }],
        }),
        headers: {
          "amz-sdk-invocation-id": `id-${i}`,
          "amz-sdk-request": "attempt=1; max=3",
          "x-amz-user-agent": "aws-sdk-js/3",
        },
      }),
    );
  }
  const viaNode = await rate(requests, undefined, 600);
  const viaJs = await rate(requests, Sha256, 600);
  console.log(
    `SigV4 verifications per second on one core (load average ${os.loadavg()[0]?.toFixed(1)}): ` +
      `node:crypto hash ${Math.round(viaNode)}, @aws-crypto/sha256-js ${Math.round(viaJs)}`,
  );
}

await main();
