import { Transform, type TransformCallback } from "node:stream";

/** A body that does not follow the aws-chunked framing: the client's fault (400), not the endpoint's. */
export class AwsChunkedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AwsChunkedError";
  }
}

/**
 * Strips the `aws-chunked` content encoding from a request body. AWS SDKs send a streamed upload of known length
 * (a file stream, for instance) as `<hex size>[;chunk-signature=...]\r\n<bytes>\r\n ... 0\r\n<trailers>\r\n`;
 * stored as received, the framing would become part of the object's content.
 *
 * Chunk signatures and trailing checksums are read past, not checked (see src/identity/sigv4-s3.ts on payloads).
 */
export class AwsChunkedDecoder extends Transform {
  private state: "size" | "data" | "data-end" | "trailers" | "done" = "size";
  private pending: Buffer = Buffer.alloc(0);
  private remaining = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state !== "done") {
      callback(new AwsChunkedError("The aws-chunked request body ended before its final chunk."));
    } else {
      callback();
    }
  }

  private consume(input: Buffer): void {
    let buffer = this.pending.length > 0 ? Buffer.concat([this.pending, input]) : input;
    this.pending = Buffer.alloc(0);
    while (buffer.length > 0 && this.state !== "done") {
      if (this.state === "data") {
        const take = Math.min(this.remaining, buffer.length);
        this.push(buffer.subarray(0, take));
        this.remaining -= take;
        buffer = buffer.subarray(take);
        if (this.remaining === 0) this.state = "data-end";
        continue;
      }
      const lineEnd = buffer.indexOf("\r\n");
      if (lineEnd === -1) {
        // Chunk headers are short; a long run without a line break is not this encoding.
        if (buffer.length > MAX_LINE) throw new AwsChunkedError("Malformed aws-chunked body: line too long.");
        this.pending = Buffer.from(buffer);
        return;
      }
      const line = buffer.subarray(0, lineEnd).toString("latin1");
      buffer = buffer.subarray(lineEnd + 2);
      this.readLine(line);
    }
  }

  private readLine(line: string): void {
    switch (this.state) {
      case "size": {
        const size = Number.parseInt(line.split(";")[0], 16);
        if (!Number.isSafeInteger(size) || size < 0) {
          throw new AwsChunkedError(`Malformed aws-chunked body: bad chunk size "${line.slice(0, 40)}".`);
        }
        this.remaining = size;
        this.state = size === 0 ? "trailers" : "data";
        return;
      }
      case "data-end":
        if (line !== "")
          throw new AwsChunkedError("Malformed aws-chunked body: chunk longer than its declared size.");
        this.state = "size";
        return;
      case "trailers":
        // Trailer lines (checksums, their signature) end with an empty line.
        if (line === "") this.state = "done";
        return;
      default:
        throw new AwsChunkedError(`Malformed aws-chunked body in state ${this.state}.`);
    }
  }
}

const MAX_LINE = 8192;

/** True when a request's headers say its body carries the aws-chunked framing. */
export function isAwsChunked(
  contentEncoding: string | undefined,
  contentSha256: string | undefined,
): boolean {
  const encodings = (contentEncoding ?? "").split(",").map((part) => part.trim().toLowerCase());
  return encodings.includes("aws-chunked") || (contentSha256 ?? "").startsWith("STREAMING-");
}

/** The Content-Encoding left once aws-chunked is removed (undefined when nothing is left). */
export function withoutAwsChunked(contentEncoding: string | undefined): string | undefined {
  const rest = (contentEncoding ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "" && part.toLowerCase() !== "aws-chunked");
  return rest.length > 0 ? rest.join(", ") : undefined;
}
