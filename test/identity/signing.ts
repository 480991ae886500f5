/**
 * Test helper: signs requests with @smithy/signature-v4 and the pure-JS @aws-crypto Sha256 (the AWS SDK's own
 * signer, independent of the node:crypto hash the verifier uses) and turns them into what the verifier reads.
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AccessKey } from "../../src/identity/keys.js";
import type { IncomingSigned } from "../../src/identity/sigv4.js";

export const KEY: AccessKey = {
  accountId: "111122223333",
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

export const SIGNED_AT = new Date("2024-03-10T12:00:00Z");

export interface SignOptions {
  key?: Pick<AccessKey, "accessKeyId" | "secretAccessKey">;
  region?: string;
  service?: string;
  date?: Date;
  method?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
  applyChecksum?: boolean;
  signableHeaders?: Set<string>;
}

export async function signRequest(o: SignOptions = {}): Promise<IncomingSigned> {
  const key = o.key ?? KEY;
  const signer = new SignatureV4({
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    region: o.region ?? "us-west-2",
    service: o.service ?? "forecast",
    sha256: Sha256,
    applyChecksum: o.applyChecksum ?? false,
  });
  const body = o.body ?? '{"MaxResults":10}';
  const request = new HttpRequest({
    method: o.method ?? "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port: 8686,
    path: o.path ?? "/",
    query: o.query ?? {},
    headers: {
      host: "127.0.0.1:8686",
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "AmazonForecast.ListDatasetGroups",
      "content-length": String(Buffer.byteLength(body)),
      ...o.headers,
    },
    body,
  });
  const signed = await signer.sign(request, {
    signingDate: o.date ?? SIGNED_AT,
    signableHeaders: o.signableHeaders,
  });
  return {
    method: signed.method,
    path: signed.path,
    query: (signed.query ?? {}) as Record<string, string | string[]>,
    headers: { ...signed.headers },
    body: Buffer.from(body),
  };
}
