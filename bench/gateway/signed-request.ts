import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { ACCOUNTS, REGION } from "../../test/e2e/harness.js";

/**
 * One Forecast API request signed once with account 1's key, for benches that replay it many times (wrk, inject):
 * the signature does not expire within a bench run.
 */
export async function signedForecastRequest(endpoint: string, target: string, body: string) {
  const url = new URL(endpoint);
  const key = ACCOUNTS[0];
  const signer = new SignatureV4({
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    region: REGION,
    service: "forecast",
    sha256: Sha256,
  });
  const request = await signer.sign(
    new HttpRequest({
      method: "POST",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: "/",
      headers: {
        host: url.host,
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": target,
        "content-length": String(Buffer.byteLength(body)),
      },
      body,
    }),
  );
  return { url, headers: request.headers, body };
}
