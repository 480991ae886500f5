import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { javaPatternToRe2, matchesWhole } from "../../src/contract/linear-pattern.js";
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

  test("the generated contract records the RE2 form of every model pattern", () => {
    for (const site of patternSites()) {
      if (site.where.startsWith("quirk")) continue;
      assert.deepEqual(
        site.rules.patternMatch,
        { engine: "re2", source: javaPatternToRe2(site.rules.pattern) },
        `${site.service} ${site.where}`,
      );
    }
    assert.ok(contractOf("forecastquery").shapes.Arn?.patternMatch);
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

  test("the generator hits the ARN pattern's backtracking (the old V8 path is slow on it; RE2 is not)", () => {
    const attack = `arn:a:forecast:${":".repeat(600 - 16)}\n`;
    assert.ok(adversarialStrings(ARN_PATTERN, 600).includes(attack));
    // What the validator did before: V8's backtracking RegExp, anchored. Cubic in the colons.
    const v8 = new RegExp(`^(?:${ARN_PATTERN})$`, "u");
    const v8Ms = fastestMs(() => assert.equal(v8.test(attack), false));
    const re2Ms = fastestMs(() => assert.equal(matchesWhole({ pattern: ARN_PATTERN }, attack), false));
    assert.ok(v8Ms > 5 * re2Ms && v8Ms > LIMIT_MS, `V8 ${v8Ms.toFixed(1)} ms, RE2 ${re2Ms.toFixed(2)} ms`);
  });
});
