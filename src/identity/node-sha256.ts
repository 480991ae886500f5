/**
 * SHA-256 and HMAC-SHA-256 through node:crypto (OpenSSL), in the shape @smithy/signature-v4 expects of a hash
 * constructor (`new (secret?) => { update, digest(): Promise<Uint8Array> }`).
 *
 * Why not @aws-crypto/sha256-js: it is plain JavaScript, and a signature check hashes the canonical request and the
 * body and runs a few HMACs on every request; with OpenSSL a whole verification runs about twice as fast
 * (test/identity/sigv4-speed.test.ts measures both).
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";

type SourceData = string | ArrayBuffer | ArrayBufferView;

export class NodeSha256 {
  private readonly secret: SourceData | undefined;
  private hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.secret = secret;
    this.hash = NodeSha256.start(secret);
  }

  update(data: SourceData): void {
    this.hash.update(toBytes(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }

  reset(): void {
    this.hash = NodeSha256.start(this.secret);
  }

  private static start(secret: SourceData | undefined): Hash | Hmac {
    return secret === undefined ? createHash("sha256") : createHmac("sha256", toBytes(secret));
  }
}

function toBytes(data: SourceData): string | Uint8Array {
  if (typeof data === "string") return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
