import { open } from "node:fs/promises";

const QUOTE = '"';

/**
 * Parses the first `count` records of a CSV file (comma-separated, fields optionally in double quotes with
 * "" for a quote inside), skipping blank lines as DuckDB does. Reads at most `maxBytes`; a record cut off
 * there is dropped. Empty fields come back as null, like the CSV reader's NULLs. Only used to look at the
 * top of a file (header detection), never for the data itself.
 */
export async function readFirstRecords(
  path: string,
  count: number,
  maxBytes = 1 << 20,
): Promise<(string | null)[][]> {
  const handle = await open(path, "r");
  let text: string;
  let complete: boolean;
  try {
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
    text = buffer.subarray(0, bytesRead).toString("utf8");
    complete = bytesRead < maxBytes;
  } finally {
    await handle.close();
  }
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  return parseRecords(text, count, complete);
}

/** Splits CSV text into records; `complete` says the text is the whole file (so the last record counts). */
export function parseRecords(text: string, count: number, complete = true): (string | null)[][] {
  const records: (string | null)[][] = [];
  let fields: (string | null)[] = [];
  let field = "";
  let quoted = false;
  let inQuotes = false;
  let started = false;
  const endField = (): void => {
    fields.push(field === "" && !quoted ? null : field);
    field = "";
    quoted = false;
  };
  const endRecord = (): void => {
    if (started) {
      endField();
      records.push(fields);
    }
    fields = [];
    started = false;
  };
  for (let i = 0; i < text.length && records.length < count; i++) {
    const c = text[i] as string;
    if (inQuotes) {
      if (c === QUOTE && text[i + 1] === QUOTE) {
        field += QUOTE;
        i++;
      } else if (c === QUOTE) {
        inQuotes = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c === "\n" || c === "\r") {
      endRecord();
      if (c === "\r" && text[i + 1] === "\n") i++;
      continue;
    }
    started = true;
    if (c === ",") endField();
    else if (c === QUOTE) {
      inQuotes = true;
      quoted = true;
    } else field += c;
  }
  if (complete && records.length < count && !inQuotes) endRecord();
  return records;
}
