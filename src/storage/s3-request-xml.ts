import type { Readable } from "node:stream";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { S3Error } from "./s3-error.js";

/**
 * The request bodies the endpoint reads as XML (DeleteObjects, CompleteMultipartUpload), read and parsed within
 * bounds: the body is read up to a size limit, refused if it declares a DTD (no entity expansion), if its elements
 * nest deeper than the document shapes need or are more than the request can hold (both checked in one linear
 * pass before the parser sees it: the parser costs about 10 µs an element, so a 2 MiB body of tiny elements would
 * hold the event loop for most of a second), or if it is not well-formed. Every refusal is S3's 400 MalformedXML (or MaxMessageLengthExceeded), never a server error.
 */
export const MAX_XML_BODY_BYTES = 2 * 1024 * 1024;
const MAX_DEPTH = 8;
const MAX_DELETE_KEYS = 1000;
/** Elements an <Object> of DeleteObjects or a <Part> of CompleteMultipartUpload holds at most (Key, VersionId,
 * ETag, LastModifiedTime, Size; PartNumber, ETag and the checksums), with the element itself. */
const ELEMENTS_PER_ITEM = 9;

const malformed = () =>
  new S3Error(
    "MalformedXML",
    "The XML you provided was not well-formed or did not validate against our published schema",
  );

/**
 * The body as text, refused past `limit` bytes: the rest is read and dropped, not kept, so that the client, still
 * sending, gets the answer rather than a reset connection.
 */
export function readBoundedBody(body: Readable, limit = MAX_XML_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      body.off("data", onData);
      body.off("end", onEnd);
      body.resume();
      reject(new S3Error("MaxMessageLengthExceeded", "Your request was too big."));
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString("utf8"));
    body.on("data", onData);
    body.once("end", onEnd);
    body.once("error", reject);
  });
}

/** How deep elements nest and how many there are, in one pass over the text (comments, declarations and CDATA
 * are not elements). */
export function elementShape(text: string): { depth: number; elements: number } {
  let depth = 0;
  let deepest = 0;
  let elements = 0;
  let at = text.indexOf("<");
  while (at !== -1) {
    const end = text.indexOf(">", at);
    if (end === -1) break;
    const next = text[at + 1];
    if (next === "/") depth -= 1;
    else if (next !== "?" && next !== "!") {
      elements += 1;
      // A self-closing element (<Quiet/>) opens nothing.
      if (text[end - 1] !== "/") depth += 1;
      if (depth > deepest) deepest = depth;
    }
    at = text.indexOf("<", end + 1);
  }
  return { depth: deepest, elements };
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  // Numeric character references (&#13;, &#x0A;), which SDKs use for control characters in keys.
  htmlEntities: true,
  isArray: (_name, path) => path === "Delete.Object" || path === "CompleteMultipartUpload.Part",
});

function parse(text: string, root: string, maxItems: number): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw malformed();
  const shape = elementShape(text);
  if (shape.depth > MAX_DEPTH || shape.elements > 2 + maxItems * ELEMENTS_PER_ITEM) throw malformed();
  if (XMLValidator.validate(text) !== true) throw malformed();
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(text) as Record<string, unknown>;
  } catch {
    throw malformed();
  }
  const content = parsed[root];
  if (content === null || typeof content !== "object" || Array.isArray(content)) throw malformed();
  return content as Record<string, unknown>;
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** DeleteObjects: the keys (1 to 1,000) and whether the answer is to be quiet. */
export function parseDeleteRequest(body: string): { keys: string[]; quiet: boolean } {
  const content = parse(body, "Delete", MAX_DELETE_KEYS);
  const objects = content.Object;
  if (!Array.isArray(objects) || objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw malformed();
  const keys = objects.map((object) => {
    const key = text((object as Record<string, unknown> | null)?.Key);
    if (key === undefined || key === "") throw malformed();
    return key;
  });
  return { keys, quiet: text(content.Quiet)?.trim().toLowerCase() === "true" };
}

/** CompleteMultipartUpload: the parts, as listed (1 to 10,000, and no more than the upload holds). */
export function parseCompleteRequest(
  body: string,
  uploadedParts = 10_000,
): { partNumber: number; etag: string }[] {
  const content = parse(body, "CompleteMultipartUpload", Math.max(1, Math.min(uploadedParts, 10_000)));
  const parts = content.Part;
  if (!Array.isArray(parts) || parts.length === 0 || parts.length > 10_000) throw malformed();
  return parts.map((part) => {
    const fields = (part ?? {}) as Record<string, unknown>;
    const number = text(fields.PartNumber)?.trim() ?? "";
    const etag = text(fields.ETag)?.trim();
    if (!/^\d{1,5}$/.test(number) || etag === undefined) throw malformed();
    const partNumber = Number(number);
    if (partNumber < 1 || partNumber > 10_000) {
      throw new S3Error("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive");
    }
    return { partNumber, etag };
  });
}
