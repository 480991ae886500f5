import os from "node:os";
import path from "node:path";

/** Where this installation's own files are: its code (dist/src/jobs/ is three levels below it). */
const INSTALL_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..", "..");

/** The longest Message a resource shows; longer ones are cut (DuckDB can quote whole rows). */
export const MAX_MESSAGE_LENGTH = 2_000;

/** What stands in for a path of ours. */
export const INTERNAL_FILE = "<internal file>";

/** Characters that end a path inside a message: space, quotes, and the punctuation messages put after one. */
const PATH_END = new Set([" ", "\t", "\n", "\r", "'", '"', "`", ",", ";", ")", "]", "}", ">"]);

/** Characters that may come right before a path in a message (besides the start of it and PATH_END). */
const PATH_START = new Set(["=", "(", "[", "{", "<", ":"]);

/**
 * The directories whose paths a client must never see: the data directory, the OS temp directory (DuckDB spills
 * there) and the installation. "/" and other one-part paths are left out: replacing them would eat s3:// URIs.
 */
export function internalRoots(dataDir: string | undefined): string[] {
  const roots = [dataDir, os.tmpdir(), INSTALL_DIR]
    .filter((r): r is string => typeof r === "string" && r !== "")
    .map((r) => path.resolve(r))
    .filter((r) => r.split(path.sep).filter(Boolean).length >= 1 && r !== path.parse(r).root);
  return [...new Set(roots)].sort((a, b) => b.length - a.length);
}

/**
 * A job's failure message as a client may read it: every path under one of `roots` replaced by
 * "<internal file>" (the root and what follows it up to a space, quote or closing punctuation), and cut to
 * MAX_MESSAGE_LENGTH. One pass of indexOf per root: linear in the message, no pattern.
 */
export function publicMessage(message: string, roots: readonly string[]): string {
  let text = message.length > MAX_MESSAGE_LENGTH * 4 ? message.slice(0, MAX_MESSAGE_LENGTH * 4) : message;
  for (const root of roots) {
    let out = "";
    let from = 0;
    for (let at = text.indexOf(root, from); at !== -1; at = text.indexOf(root, from)) {
      const next = text[at + root.length];
      const previous = text[at - 1];
      // Only a whole path: the root itself or one below it (/tmpfoo is not under /tmp), and not the tail of a
      // longer path or URI (s3://tmp/... names a bucket).
      const startsPath = previous === undefined || PATH_END.has(previous) || PATH_START.has(previous);
      if (!startsPath || (next !== undefined && next !== path.sep && !PATH_END.has(next))) {
        out += text.slice(from, at + root.length);
        from = at + root.length;
        continue;
      }
      let end = at + root.length;
      while (end < text.length && !PATH_END.has(text[end] as string)) end++;
      out += text.slice(from, at) + INTERNAL_FILE;
      from = end;
    }
    text = out + text.slice(from);
  }
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}
