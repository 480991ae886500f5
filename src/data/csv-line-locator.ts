import { createReadStream } from "node:fs";

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The 1-based line on which record number `recordIndex` (0-based, a header row counts as record 0) starts,
 * or undefined if the file has fewer records. Users count lines, not records; the two differ where quoted
 * values span lines or blank lines are skipped. Scans only up to that record; used once per failed import,
 * so plain byte-walking is fast enough.
 */
export async function lineOfRecord(path: string, recordIndex: number): Promise<number | undefined> {
  let line = 1;
  let records = 0;
  let inQuotes = false;
  let inRecord = false;
  let afterCR = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte === LF && afterCR) {
        // Second half of a CRLF already counted at the CR.
        afterCR = false;
        continue;
      }
      afterCR = byte === CR;
      if (byte === LF || byte === CR) {
        line++;
        if (!inQuotes && inRecord) {
          inRecord = false;
          records++;
        }
        continue;
      }
      if (!inRecord) {
        if (records === recordIndex) return line;
        inRecord = true;
      }
      if (byte === QUOTE) inQuotes = !inQuotes;
    }
  }
  return undefined;
}
