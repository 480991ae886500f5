/**
 * The model's `pattern` constraints are Java regular expressions (Coral matches them with java.util.regex against
 * the whole value). A backtracking engine, V8's included, takes polynomial or exponential time on some of them:
 * the Forecast ARN pattern `arn:([a-z\d-]+):forecast:.*:.*:.+` is cubic on `arn:aws:forecast:` followed by many
 * colons and a newline. So every pattern is matched in time linear in the value, by one of two means that the
 * generator picks and records in the contract (`patternMatch`):
 * - `v8`: the pattern, or a hand-made rewrite of it with the same meaning (LINEAR_REWRITES, with its proof),
 *   passes the structural rule of backtracking-safe.ts, under which V8's backtracking cannot blow up;
 * - `re2`: any other pattern runs on re2js, a pure-JavaScript RE2, linear whatever the pattern (and several
 *   times slower than V8 on the short values of this API, hence not used for everything).
 * A value longer than the member's max length is never matched (validate.ts).
 *
 * Both translations keep Java's meaning where the engines differ:
 * - `.` outside a class matches anything but Java's line terminators (\n \r \u0085 \u2028 \u2029); RE2's `.`
 *   only excludes \n, JavaScript's keeps \u0085.
 * - `\s` is Java's ASCII whitespace [ \t\n\x0B\f\r]; RE2's lacks \x0B, JavaScript's has Unicode spaces.
 * - `\uXXXX` becomes `\x{XXXX}` for RE2.
 * - Groups become non-capturing for RE2: only whether the whole value matches is asked.
 * Everything RE2 cannot express (lookaround, back-references, possessive quantifiers, nested classes, `\Q..\E`,
 * POSIX names like `\p{Alpha}`) throws, so that a model update with such a pattern fails generation loudly
 * instead of being matched with another meaning.
 */
import { RE2JS } from "re2js";
import { backtracksLinearly, javaPatternToJs } from "./backtracking-safe.js";
import type { Constraints, PatternMatch } from "./model.js";

const JAVA_DOT = "[^\\n\\r\\x{85}\\x{2028}\\x{2029}]";
const JAVA_SPACE_CLASS_BODY = "\\t\\n\\x0B\\f\\r ";
/** Unicode general categories RE2 knows by the same one- or two-letter names as Java. */
const CATEGORY = /^\\[pP](?:\{[A-Z][a-z]?\}|[A-Z])/;
/** Escapes with the same meaning in Java and RE2. */
const SAME_ESCAPES = new Set(["d", "D", "w", "W", "n", "t", "r", "f"]);

function unsupported(pattern: string, what: string): Error {
  return new Error(`pattern ${JSON.stringify(pattern)}: ${what} has no linear-time (RE2) equivalent`);
}

/** The RE2 source with the meaning of Java pattern `pattern` (to be matched against the whole value). */
export function javaPatternToRe2(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === "\\") {
      const next = pattern.charAt(i + 1);
      if (next === "") throw unsupported(pattern, "a trailing backslash");
      const category = CATEGORY.exec(pattern.slice(i));
      if (category) {
        out += category[0];
        i += category[0].length - 1;
      } else if (next === "s") {
        out += inClass ? JAVA_SPACE_CLASS_BODY : `[${JAVA_SPACE_CLASS_BODY}]`;
        i++;
      } else if (next === "S" && !inClass) {
        out += `[^${JAVA_SPACE_CLASS_BODY}]`;
        i++;
      } else if (next === "u" && /^[0-9a-fA-F]{4}$/.test(pattern.slice(i + 2, i + 6))) {
        out += `\\x{${pattern.slice(i + 2, i + 6)}}`;
        i += 5;
      } else if (SAME_ESCAPES.has(next) || !/[0-9A-Za-z]/.test(next)) {
        out += `\\${next}`;
        i++;
      } else {
        throw unsupported(pattern, `the escape \\${next}`);
      }
      continue;
    }
    if (inClass) {
      if (c === "[") throw unsupported(pattern, "a nested character class");
      if (c === "&" && pattern.charAt(i + 1) === "&") throw unsupported(pattern, "a class intersection");
      if (c === "]" && !out.endsWith("[") && !out.endsWith("[^")) inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
    } else if (c === ".") {
      out += JAVA_DOT;
    } else if (c === "(" && pattern.charAt(i + 1) === "?") {
      if (pattern.charAt(i + 2) !== ":") throw unsupported(pattern, "a group construct other than (?:");
      out += c;
    } else if (c === "(") {
      // Nothing reads captures; a capturing group makes re2js take a slower path (about 2x on the ARN pattern).
      out += "(?:";
    } else if ("*+?}".includes(c) && pattern.charAt(i + 1) === "+") {
      throw unsupported(pattern, "a possessive quantifier");
    } else {
      out += c;
    }
  }
  if (inClass) throw unsupported(pattern, "an unclosed character class");
  // Let RE2 itself refuse anything else it cannot parse.
  RE2JS.compile(out);
  return out;
}

/**
 * Hand-made rewrites of model patterns into forms that backtrack linearly, each with the same meaning (the
 * proof beside it; test/contract/linear-pattern.test.ts compares the two on every short string of the
 * characters that matter). Keyed by the model's pattern, verbatim.
 */
export const LINEAR_REWRITES: Readonly<Record<string, string>> = {
  // The Forecast ARN. After the fixed `arn:<partition>:forecast:` (the partition cannot hold ':'), `.*:.*:.+`
  // accepts a rest without line terminators that has two colons before its last character. Taking the first
  // two colons for the two literal ones shows `[^:T]*:[^:T]*:.+` (T: line terminators) accepts the same rests;
  // and now each run stops at the next colon, so backtracking has one way to split.
  "arn:([a-z\\d-]+):forecast:.*:.*:.+":
    "arn:([a-z\\d-]+):forecast:[^:\\n\\r\\u0085\\u2028\\u2029]*:[^:\\n\\r\\u0085\\u2028\\u2029]*:.+",
};

/**
 * How a pattern is matched; the generator records it for each model pattern. V8 when the pattern (or its
 * rewrite) provably backtracks in linear time (backtracking-safe.ts), as V8 is several times faster than re2js;
 * RE2 otherwise, which is linear whatever the pattern.
 */
export function patternMatchOf(pattern: string): PatternMatch {
  const re2 = javaPatternToRe2(pattern); // also checks that RE2 could take it
  const candidate = LINEAR_REWRITES[pattern] ?? pattern;
  if (backtracksLinearly(candidate)) {
    const source = javaPatternToJs(candidate);
    new RegExp(`^(?:${source})$`, "u"); // throws if the translation is not valid JavaScript
    return { engine: "v8", source };
  }
  return { engine: "re2", source: re2 };
}

/** Constraints with their pattern's match recorded, for hand-written constraints (quirks.ts). */
export function withPatternMatch(constraints: Constraints): Constraints {
  return constraints.pattern === undefined
    ? constraints
    : { ...constraints, patternMatch: patternMatchOf(constraints.pattern) };
}

interface Matcher {
  test(value: string): boolean;
}

// Keyed by the contract's own PatternMatch objects (stable), so a lookup allocates nothing.
const compiled = new WeakMap<PatternMatch, Matcher>();
const derived = new Map<string, PatternMatch>();

function compile(match: PatternMatch): Matcher {
  let matcher = compiled.get(match);
  if (!matcher) {
    if (match.engine === "v8") {
      matcher = new RegExp(`^(?:${match.source})$`, "u");
    } else {
      const re = RE2JS.compile(match.source);
      matcher = { test: (value) => re.testExact(value) };
    }
    compiled.set(match, matcher);
  }
  return matcher;
}

/** The match for constraints written without one (tests, hand-made constraints), derived once per pattern. */
function matchOf(constraints: Constraints & { pattern: string }): PatternMatch {
  if (constraints.patternMatch) return constraints.patternMatch;
  let match = derived.get(constraints.pattern);
  if (!match) {
    match = patternMatchOf(constraints.pattern);
    derived.set(constraints.pattern, match);
  }
  return match;
}

/** Whether the whole of `value` matches; linear in value.length. */
export function matchesWhole(constraints: Constraints & { pattern: string }, value: string): boolean {
  return compile(matchOf(constraints)).test(value);
}
