/**
 * The XML documents of the embedded S3 endpoint: S3's response shapes (namespace
 * http://s3.amazonaws.com/doc/2006-03-01/) and its `<Error>` document. Documents are built from fixed templates;
 * every value that comes from a request or a key is escaped.
 */
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

/** Text content: markup characters as entities, and control characters too (S3 does the same). */
export function escapeXml(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is being escaped
  return text.replace(/[<>&"'\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export type XmlValue = string | number | boolean | undefined | XmlElement | XmlElement[];
export interface XmlElement {
  [name: string]: XmlValue;
}

/** `<Name>…</Name>` for each member, in order; undefined members are left out, arrays repeat the element. */
export function elements(members: XmlElement): string {
  let out = "";
  for (const [name, value] of Object.entries(members)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value) out += `<${name}>${elements(item)}</${name}>`;
    } else if (typeof value === "object") {
      out += `<${name}>${elements(value)}</${name}>`;
    } else {
      out += `<${name}>${escapeXml(String(value))}</${name}>`;
    }
  }
  return out;
}

/** A response document: the root element in S3's namespace. */
export function document(root: string, members: XmlElement): string {
  return `${DECLARATION}<${root} xmlns="${NAMESPACE}">${elements(members)}</${root}>`;
}

export function errorDocument(
  code: string,
  message: string,
  resource: string,
  requestId: string,
  details: Record<string, string>,
): string {
  return `${DECLARATION}<Error>${elements({
    Code: code,
    Message: message,
    ...details,
    Resource: resource,
    RequestId: requestId,
    HostId: requestId,
  })}</Error>`;
}

/** S3's timestamps in XML: ISO 8601 with milliseconds. */
export const isoDate = (date: Date) => date.toISOString();
