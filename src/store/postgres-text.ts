/**
 * PostgreSQL cannot hold U+0000 (NUL) in text, nor a NUL or a lone UTF-16 surrogate in jsonb (it rejects the
 * escapes `\u0000` and an unpaired `\ud800`), while SQLite and JSON hold both. Some request members admit them
 * (patterns like `.+`: S3Config.Path, KMS key ARNs, ARNs looked up, what-if attribute values) and a job's failure
 * message may quote data. So that every value round-trips on PostgreSQL exactly as on SQLite and never makes a
 * request fail with a 5xx, the PostgreSQL store writes such characters escaped and reads them back unescaped
 * (docs/decisions.md, "NUL in text on PostgreSQL").
 *
 * The escape character is U+FFFF, a Unicode noncharacter (never assigned, so real text rarely holds it), which
 * PostgreSQL stores as any other character:
 * - U+FFFF itself is written twice;
 * - in text, NUL is written U+FFFF followed by "0000";
 * - in JSON text, the escapes JSON.stringify makes for NUL and for lone surrogates (`\u0000`, `\ud800`…`\udfff`)
 *   are written U+FFFF followed by their four hex digits.
 * Both forms decode with the same rule, so an attribute compared with `attrs ->> key` matches a parameter escaped
 * as text. Scans are linear: each pattern below matches a fixed number of characters at a time.
 */

const MARK = "\uffff";

/** NUL or the mark, in text. */
const TEXT_SPECIAL = /[\0\uffff]/g;
/** A JSON escape that jsonb refuses, any other escape (consumed whole, so `\\u0000` stays text), or the mark. */
const JSON_SPECIAL = /\\u(0000|d[89a-f][0-9a-f]{2})|\\.|\uffff/g;
/** The mark and what it stands for. */
const ESCAPED = /\uffff(\uffff|[0-9a-f]{4})/g;

/** Text as PostgreSQL can store it. */
export function escapeText(text: string): string {
  if (!text.includes("\0") && !text.includes(MARK)) return text;
  return text.replace(TEXT_SPECIAL, (c) => (c === MARK ? MARK + MARK : `${MARK}0000`));
}

/** Text as it was before escapeText. */
export function unescapeText(stored: string): string {
  if (!stored.includes(MARK)) return stored;
  return stored.replace(ESCAPED, (_, x: string) =>
    x === MARK ? MARK : String.fromCharCode(Number.parseInt(x, 16)),
  );
}

/** JSON text (as JSON.stringify writes it) as jsonb accepts it. */
export function escapeJson(json: string): string {
  if (!json.includes("\\u") && !json.includes(MARK)) return json;
  return json.replace(JSON_SPECIAL, (match: string, hex: string | undefined) =>
    hex !== undefined ? MARK + hex : match === MARK ? MARK + MARK : match,
  );
}

/** jsonb's text output back to the JSON text that was stored: the escapes JSON.parse reads. */
export function unescapeJson(stored: string): string {
  if (!stored.includes(MARK)) return stored;
  return stored.replace(ESCAPED, (_, x: string) => (x === MARK ? MARK : `\\u${x}`));
}
