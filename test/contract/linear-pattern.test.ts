import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { backtracksLinearly, javaPatternToJs } from "../../src/contract/backtracking-safe.js";
import {
  javaPatternToRe2,
  LINEAR_REWRITES,
  matchesWhole,
  patternMatchOf,
} from "../../src/contract/linear-pattern.js";
import { contractOf } from "../../src/contract/services.js";
import { stringProblems } from "../../src/contract/validate.js";
import { adversarialStrings, patternSample, patternSites } from "./adversarial.js";

const ARN_PATTERN = "arn:([a-z\\d-]+):forecast:.*:.*:.+";
const MIB = 1024 * 1024;
const LIMIT_MS = 10;

/** The fastest of up to three runs, in ms: a check is slow only if it is slow every time (shared machine). */
function fastestMs(run: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3 && best > LIMIT_MS; i++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe("Java patterns translated to RE2", () => {
  test("'.' excludes Java's line terminators, not only \\n", () => {
    const dot = { pattern: ".+" };
    assert.equal(matchesWhole(dot, "abc"), true);
    for (const terminator of ["\n", "\r", "\u0085", "\u2028", "\u2029"])
      assert.equal(matchesWhole(dot, `a${terminator}b`), false, JSON.stringify(terminator));
    assert.equal(matchesWhole({ pattern: "^[.]+$" }, "..."), true, "'.' in a class stays a dot");
    assert.equal(matchesWhole({ pattern: "^[.]+$" }, "ab"), false);
  });

  test("\\s is Java's ASCII whitespace: \\x0B in, no-break space out", () => {
    const space = { pattern: "^[a\\s]+$" };
    assert.equal(matchesWhole(space, "a \t\n\u000b\f\ra"), true);
    assert.equal(matchesWhole(space, "a\u00a0a"), false);
    assert.equal(matchesWhole({ pattern: "a\\sb" }, "a\u000bb"), true);
  });

  test("\\p{L} and friends work on astral characters; whole-value match", () => {
    const tag = { pattern: "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$" };
    assert.equal(matchesWhole(tag, "projekt:größe 𝔘 ٣"), true);
    assert.equal(matchesWhole(tag, "a;b"), false);
    assert.equal(matchesWhole({ pattern: "^[a-zA-Z][a-zA-Z0-9_]*" }, "abc def"), false);
    // Anchors bind to one alternative each, but the match is of the whole value, as Java's matches().
    assert.equal(matchesWhole({ pattern: "^CSV|PARQUET$" }, "CSV"), true);
    assert.equal(matchesWhole({ pattern: "^CSV|PARQUET$" }, "CSVX"), false);
  });

  test("constructs RE2 cannot run in linear time are refused, not approximated", () => {
    for (const bad of ["(?=a)b", "(a)\\1", "a*+", "[a[b]]", "[a&&b]", "\\p{Alpha}", "\\Qa\\E", "a\\b"])
      assert.throws(() => javaPatternToRe2(bad), /no linear-time \(RE2\) equivalent|error/, bad);
  });

  test("the generated contract records how every model pattern is matched", () => {
    for (const site of patternSites()) {
      if (site.where.startsWith("quirk")) continue;
      assert.deepEqual(
        site.rules.patternMatch,
        patternMatchOf(site.rules.pattern),
        `${site.service} ${site.where}`,
      );
    }
    assert.equal(contractOf("forecastquery").shapes.Arn?.patternMatch?.engine, "v8");
  });
});

describe("which patterns may run on V8's backtracking engine", () => {
  test("known answers for the rule", () => {
    for (const safe of [
      "^[a-zA-Z][a-zA-Z0-9_]*",
      "[a-z]*[0-9]",
      "^s3://[a-z0-9].+$",
      "(^0?\\.\\d\\d?$|^mean$)",
      "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$",
      "^([1-9][0-9]?)?(Y|M|W|D|H)$|^[1-9][0-9]?min$",
      LINEAR_REWRITES[ARN_PATTERN] as string,
    ])
      assert.equal(backtracksLinearly(safe), true, safe);
    for (const unsafe of [
      ARN_PATTERN,
      "arn:aws:kms:.*:key/.*",
      "(a+)+",
      "(a|aa)*",
      "a*a*",
      "[a-z]*[a-c]",
      "\\p{L}*\\p{N}",
      "[^:]*[^a]",
      "a*b?a",
      "(?=a)a*",
    ])
      assert.equal(backtracksLinearly(unsafe), false, unsafe);
  });

  test("each rewrite means the same as the model's pattern, on every short string that matters", () => {
    for (const [pattern, rewrite] of Object.entries(LINEAR_REWRITES)) {
      const original = new RegExp(`^(?:${javaPatternToJs(pattern)})$`, "u");
      const rewritten = new RegExp(`^(?:${javaPatternToJs(rewrite)})$`, "u");
      const alphabet = ["a", ":", "\n", "\u0085", "-"];
      let compared = 0;
      for (const prefix of ["arn:", "arn:a:forecast:", "arn:aws-cn:forecast:a:", ""]) {
        const tails: string[] = [""];
        for (let length = 1; length <= 7; length++) {
          for (const tail of tails.filter((t) => t.length === length - 1))
            for (const c of alphabet) tails.push(tail + c);
        }
        for (const tail of tails) {
          const value = prefix + tail;
          assert.equal(rewritten.test(value), original.test(value), JSON.stringify(value));
          compared++;
        }
      }
      assert.ok(compared > 90_000);
    }
  });

  test("the V8 and RE2 translations of every pattern agree (both with Java's meaning)", () => {
    const extra = [
      "\n",
      "\r",
      "\u0085",
      "\u000b",
      "\u00a0",
      "é",
      "𝔘",
      " ",
      ":",
      "-",
      "_",
      "0",
      "a",
      "Z",
      "/",
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const site of patternSites()) {
      const { pattern } = site.rules;
      const alphabet = [...new Set([...patternSample(pattern), ...extra])];
      const re2 = { pattern, patternMatch: { engine: "re2" as const, source: javaPatternToRe2(pattern) } };
      const v8 = { pattern, patternMatch: { engine: "v8" as const, source: javaPatternToJs(pattern) } };
      const sample = patternSample(pattern);
      for (let i = 0; i < 400; i++) {
        let value = random() < 0.5 ? sample.slice(0, Math.floor(random() * (sample.length + 1))) : "";
        const n = Math.floor(random() * 8);
        for (let k = 0; k < n; k++) value += alphabet[Math.floor(random() * alphabet.length)];
        assert.equal(
          matchesWhole(v8, value),
          matchesWhole(re2, value),
          `${pattern} on ${JSON.stringify(value)}`,
        );
      }
    }
  });

  test("each model pattern accepts its own sample spelt out (the generator reaches past the prefix)", () => {
    const accepted = patternSites().filter((s) => matchesWhole(s.rules, patternSample(s.rules.pattern)));
    // The ARN, name, tag and S3 patterns all accept their sample: adversarial strings start inside them.
    for (const where of ["Arn", "LongArn", "Name", "TagKey", "S3Path", "TimestampFormat"])
      assert.ok(
        accepted.some((s) => s.where === where),
        `${where}: ${patternSample(contractOf("forecast").shapes[where]?.pattern ?? "")}`,
      );
  });
});

describe("every pattern answers in linear time, and only within its max length", () => {
  test(`adversarial values of the max length and of 1 MiB: each check under ${LIMIT_MS} ms`, () => {
    let checked = 0;
    for (const site of patternSites()) {
      const cases = [
        ...adversarialStrings(site.rules.pattern, site.rules.max),
        ...adversarialStrings(site.rules.pattern, MIB, ["\n"]),
      ];
      for (const value of cases) {
        const ms = fastestMs(() => stringProblems(value, site.rules));
        assert.ok(
          ms < LIMIT_MS,
          `${site.service} ${site.where}: ${value.length} chars took ${ms.toFixed(1)} ms`,
        );
        checked++;
      }
    }
    assert.ok(checked > 1000, `only ${checked} adversarial values`);
  });

  test("a value over the max length fails on length alone and is never matched", () => {
    const arn = contractOf("forecast").shapes.Arn as { pattern: string; max: number };
    const value = `arn:aws:forecast:${":".repeat(MIB)}\n`;
    assert.deepEqual(stringProblems(value, arn), ["Member must have length less than or equal to 256"]);
    // within the limit, the pattern is still checked
    assert.deepEqual(stringProblems("arn:aws:forecast:\n", arn), [
      `Member must satisfy regular expression pattern: ${ARN_PATTERN}`,
    ]);
  });

  test("the generator hits the ARN pattern's backtracking (slow on the old V8 path, not on the chosen matcher)", () => {
    const attack = `arn:a:forecast:${":".repeat(600 - 16)}\n`;
    assert.ok(adversarialStrings(ARN_PATTERN, 600).includes(attack));
    // What the validator did before: V8's backtracking RegExp, anchored. Cubic in the colons.
    const v8 = new RegExp(`^(?:${ARN_PATTERN})$`, "u");
    const v8Ms = fastestMs(() => assert.equal(v8.test(attack), false));
    const arn = contractOf("forecast").shapes.Arn as { pattern: string };
    const linearMs = fastestMs(() => assert.equal(matchesWhole(arn, attack), false));
    const re2Only = {
      pattern: ARN_PATTERN,
      patternMatch: { engine: "re2" as const, source: javaPatternToRe2(ARN_PATTERN) },
    };
    assert.ok(fastestMs(() => matchesWhole(re2Only, attack)) < LIMIT_MS);
    assert.ok(
      v8Ms > 5 * linearMs && v8Ms > LIMIT_MS,
      `old V8 path ${v8Ms.toFixed(1)} ms, now ${linearMs.toFixed(2)} ms`,
    );
  });
});
