/**
 * Which Java patterns V8's backtracking RegExp runs in time linear in the input, decided from their structure,
 * and their translation to JavaScript syntax with Java's meaning. Used by the generator (linear-pattern.ts):
 * a pattern that passes runs on V8 (several times faster than re2js), any other on RE2.
 *
 * The rule ("deterministic repetition"): split the pattern into its top-level alternatives, each a sequence of
 * atoms (a character set such as `a`, `\d`, `[a-z]`, `.`; an anchor; a group). Then
 * - a repeated group may only repeat a bounded number of times and hold no unbounded repetition itself;
 * - every atom repeated without bound (`*`, `+`, `{n,}`) must be a character set, and the next atom must be
 *   either the end of the alternative (or `$`) or a character set that must match once at least and shares
 *   no character with it.
 * Then, anchored at the start, each unbounded run has exactly one length that lets the next atom match (the run
 * stops at the first character outside its set, and shorter runs leave a character of the set where the next
 * atom needs another): backtracking retries each run position once, and fails there in constant time. Bounded
 * repetitions and alternatives multiply that by a constant of the pattern, not of the input.
 * Non-ASCII characters are not modelled one by one: two sets that may both hold some are taken to overlap.
 */

/** A set of characters: the ASCII ones exactly, the rest as "may hold some". */
interface CharSet {
  ascii: bigint;
  nonAscii: boolean;
}

type Atom =
  | { kind: "set"; set: CharSet; min: number; max: number }
  | { kind: "anchor" }
  | { kind: "group"; min: number; max: number };

const ALL_ASCII = (1n << 128n) - 1n;
const bit = (code: number): bigint => 1n << BigInt(code);

function rangeMask(from: number, to: number): bigint {
  let mask = 0n;
  for (let c = from; c <= to && c < 128; c++) mask |= bit(c);
  return mask;
}

const DIGITS = rangeMask(48, 57);
const WORD = DIGITS | rangeMask(65, 90) | rangeMask(97, 122) | bit(95);
const JAVA_SPACES = bit(32) | bit(9) | bit(10) | bit(11) | bit(12) | bit(13);
const LETTERS = rangeMask(65, 90) | rangeMask(97, 122);

function single(code: number): CharSet {
  return code < 128 ? { ascii: bit(code), nonAscii: false } : { ascii: 0n, nonAscii: true };
}

/** The set an escape stands for, and how many characters of the pattern it takes (after the backslash). */
function escapeSet(pattern: string, at: number): { set: CharSet; length: number } | undefined {
  const c = pattern.charAt(at);
  switch (c) {
    case "d":
      return { set: { ascii: DIGITS, nonAscii: false }, length: 1 };
    case "w":
      return { set: { ascii: WORD, nonAscii: false }, length: 1 };
    case "s":
      return { set: { ascii: JAVA_SPACES, nonAscii: false }, length: 1 };
    case "D":
      return { set: { ascii: ALL_ASCII & ~DIGITS, nonAscii: true }, length: 1 };
    case "W":
      return { set: { ascii: ALL_ASCII & ~WORD, nonAscii: true }, length: 1 };
    case "S":
      return { set: { ascii: ALL_ASCII & ~JAVA_SPACES, nonAscii: true }, length: 1 };
    case "n":
      return { set: single(10), length: 1 };
    case "t":
      return { set: single(9), length: 1 };
    case "r":
      return { set: single(13), length: 1 };
    case "f":
      return { set: single(12), length: 1 };
    case "p": {
      const m = /^p(?:\{([A-Z][a-z]?)\}|([A-Z]))/.exec(pattern.slice(at));
      if (!m) return undefined;
      const category = m[1] ?? m[2];
      const ascii = category === "L" ? LETTERS : category === "N" ? DIGITS : category === "Z" ? bit(32) : 0n;
      return { set: { ascii, nonAscii: true }, length: m[0].length };
    }
    case "u": {
      const hex = pattern.slice(at + 1, at + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
      return { set: single(Number.parseInt(hex, 16)), length: 5 };
    }
    default:
      return /[0-9A-Za-z]/.test(c) || c === "" ? undefined : { set: single(c.charCodeAt(0)), length: 1 };
  }
}

class Unsafe extends Error {}

/** Parses `[...]` starting at `at` (the bracket); returns the set and the index after `]`. */
function parseClass(pattern: string, at: number): { set: CharSet; next: number } {
  let i = at + 1;
  const negated = pattern.charAt(i) === "^";
  if (negated) i++;
  let ascii = 0n;
  let nonAscii = false;
  let previous: number | undefined; // last single character, for a range
  let first = true;
  for (; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === "]" && !first) break;
    first = false;
    if (c === "[" || (c === "&" && pattern.charAt(i + 1) === "&")) throw new Unsafe();
    if (c === "-" && previous !== undefined && pattern.charAt(i + 1) !== "]" && i + 1 < pattern.length) {
      let to: number;
      if (pattern.charAt(i + 1) === "\\") {
        const e = escapeSet(pattern, i + 2);
        if (e?.length !== 1 || e.set.nonAscii || "dwsDWS".includes(pattern.charAt(i + 2))) throw new Unsafe();
        to = charOfEscape(pattern, i + 2);
        i += 2;
      } else {
        to = pattern.charCodeAt(i + 1);
        i += 1;
      }
      if (to >= 128 || previous >= 128) nonAscii = true;
      ascii |= rangeMask(previous, to);
      previous = undefined;
      continue;
    }
    if (c === "\\") {
      const e = escapeSet(pattern, i + 1);
      if (!e) throw new Unsafe();
      ascii |= e.set.ascii;
      nonAscii ||= e.set.nonAscii;
      previous =
        e.length === 1 && !"dwsDWSp".includes(pattern.charAt(i + 1))
          ? charOfEscape(pattern, i + 1)
          : undefined;
      i += e.length;
      continue;
    }
    const code = c.charCodeAt(0);
    const s = single(code);
    ascii |= s.ascii;
    nonAscii ||= s.nonAscii;
    previous = code;
  }
  if (pattern.charAt(i) !== "]") throw new Unsafe();
  const set = negated ? { ascii: ALL_ASCII & ~ascii, nonAscii: true } : { ascii, nonAscii };
  return { set, next: i + 1 };
}

function charOfEscape(pattern: string, at: number): number {
  const c = pattern.charAt(at);
  return { n: 10, t: 9, r: 13, f: 12 }[c] ?? c.charCodeAt(0);
}

/** Parses a quantifier at `at`, if any: its bounds and the index after it. */
function parseQuantifier(pattern: string, at: number): { min: number; max: number; next: number } {
  const c = pattern.charAt(at);
  let q: { min: number; max: number; next: number };
  if (c === "*") q = { min: 0, max: Number.POSITIVE_INFINITY, next: at + 1 };
  else if (c === "+") q = { min: 1, max: Number.POSITIVE_INFINITY, next: at + 1 };
  else if (c === "?") q = { min: 0, max: 1, next: at + 1 };
  else if (c === "{") {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(at));
    if (!m) throw new Unsafe();
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
    q = { min, max, next: at + m[0].length };
  } else return { min: 1, max: 1, next: at };
  // Lazy (?) and possessive (+) forms: not in our models; refuse rather than reason about them.
  if ("?+".includes(pattern.charAt(q.next)) && pattern.charAt(q.next) !== "") throw new Unsafe();
  return q;
}

/** Parses alternatives from `at` until `)` or the end; returns them and the index of the stop. */
function parseAlternatives(pattern: string, at: number): { alternatives: Atom[][]; next: number } {
  const alternatives: Atom[][] = [[]];
  let i = at;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    const current = alternatives[alternatives.length - 1] as Atom[];
    if (c === ")") break;
    if (c === "|") {
      alternatives.push([]);
      i++;
      continue;
    }
    if (c === "^" || c === "$") {
      current.push({ kind: "anchor" });
      i++;
      continue;
    }
    if (c === "(") {
      let start = i + 1;
      if (pattern.charAt(start) === "?") {
        if (pattern.charAt(start + 1) !== ":") throw new Unsafe();
        start += 2;
      }
      const inner = parseAlternatives(pattern, start);
      if (pattern.charAt(inner.next) !== ")") throw new Unsafe();
      const q = parseQuantifier(pattern, inner.next + 1);
      i = q.next;
      if (q.min === 1 && q.max === 1 && inner.alternatives.length === 1) {
        current.push(...(inner.alternatives[0] as Atom[])); // a plain group is its contents
      } else {
        // Repeated or with alternatives: fine only when nothing inside repeats without bound.
        if (!Number.isFinite(q.max) || inner.alternatives.some((alt) => alt.some(unbounded)))
          throw new Unsafe();
        current.push({ kind: "group", min: q.min, max: q.max });
      }
      continue;
    }
    let set: CharSet;
    if (c === "[") {
      const cls = parseClass(pattern, i);
      set = cls.set;
      i = cls.next;
    } else if (c === "\\") {
      const e = escapeSet(pattern, i + 1);
      if (!e) throw new Unsafe();
      set = e.set;
      i += 1 + e.length;
    } else if (c === ".") {
      set = { ascii: ALL_ASCII & ~(bit(10) | bit(13)), nonAscii: true };
      i++;
    } else if ("*+?{".includes(c)) {
      throw new Unsafe();
    } else {
      set = single(c.charCodeAt(0));
      i++;
    }
    const q = parseQuantifier(pattern, i);
    i = q.next;
    current.push({ kind: "set", set, min: q.min, max: q.max });
  }
  return { alternatives, next: i };
}

function unbounded(atom: Atom): boolean {
  return atom.kind !== "anchor" && !Number.isFinite(atom.max);
}

function disjoint(a: CharSet, b: CharSet): boolean {
  return (a.ascii & b.ascii) === 0n && !(a.nonAscii && b.nonAscii);
}

function sequenceIsDeterministic(atoms: readonly Atom[]): boolean {
  for (const [i, atom] of atoms.entries()) {
    if (!unbounded(atom)) continue;
    if (atom.kind !== "set") return false;
    const rest = atoms.slice(i + 1);
    const next = rest.find((a) => a.kind !== "anchor");
    if (next === undefined) continue; // end of the alternative (anchors are zero-width)
    if (next.kind !== "set" || next.min < 1 || !disjoint(atom.set, next.set)) return false;
  }
  return true;
}

/** Whether V8's backtracking matcher runs `^(?:pattern)$` in time linear in the input (rule above). */
export function backtracksLinearly(pattern: string): boolean {
  try {
    const { alternatives, next } = parseAlternatives(pattern, 0);
    if (next !== pattern.length) return false;
    return alternatives.every(sequenceIsDeterministic);
  } catch (error) {
    if (error instanceof Unsafe) return false;
    throw error;
  }
}

/** JavaScript (`u` flag) source with the meaning of a Java pattern: Java's `.`, `\s`; identity escapes only where legal. */
export function javaPatternToJs(pattern: string): string {
  const syntax = "^$\\.*+?()[]{}|/";
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === "\\") {
      const n = pattern.charAt(i + 1);
      i++;
      if (n === "s") out += inClass ? " \\t\\n\\x0B\\f\\r" : "[ \\t\\n\\x0B\\f\\r]";
      else if (n === "S" && !inClass) out += "[^ \\t\\n\\x0B\\f\\r]";
      else if (n === "p" || n === "P") {
        const m = /^[pP](?:\{([A-Z][a-z]?)\}|([A-Z]))/.exec(pattern.slice(i));
        if (!m) throw new Error(`pattern ${pattern}: unsupported \\${n}`);
        out += `\\${n}{${m[1] ?? m[2]}}`;
        i += m[0].length - 1;
      } else if (/[0-9A-Za-z]/.test(n)) out += `\\${n}`;
      else if (syntax.includes(n) || (inClass && n === "-")) out += `\\${n}`;
      else out += n;
      continue;
    }
    if (inClass) {
      if (c === "]" && !out.endsWith("[") && !out.endsWith("[^")) inClass = false;
      out += c;
    } else if (c === "[") {
      inClass = true;
      out += c;
    } else if (c === ".") out += "[^\\n\\r\\u0085\\u2028\\u2029]";
    else out += c;
  }
  return out;
}
