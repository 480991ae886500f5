/**
 * Verification runs on every request, so its speed is measured here and reported as a test diagnostic
 * (`node --test --test-reporter=spec dist/test/identity/sigv4-speed.test.js`). The bound asserted is far below the
 * measured figure so that a busy machine does not fail it; a regression of an order of magnitude would.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Sha256 } from "@aws-crypto/sha256-js";
import { createVerifier, type IncomingSigned, type Sha256Constructor } from "../../src/identity/sigv4.js";
import { KEY, SIGNED_AT, signRequest } from "./signing.js";

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

test("verifications per second on one core", async (t) => {
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
  t.diagnostic(
    `node:crypto hash: ${Math.round(viaNode)} verifications/s; @aws-crypto/sha256-js: ${Math.round(viaJs)}/s`,
  );
  assert.ok(viaNode > 2000, `only ${Math.round(viaNode)} verifications/s`);
});
