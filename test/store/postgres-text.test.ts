import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { escapeJson, escapeText, unescapeJson, unescapeText } from "../../src/store/postgres-text.js";

const MARK = "\uffff";

describe("the PostgreSQL escape for NUL and lone surrogates", () => {
  test("text: known answers and round trips", () => {
    assert.equal(escapeText("plain"), "plain");
    assert.equal(escapeText("a\u0000b"), `a${MARK}0000b`);
    assert.equal(escapeText(MARK), MARK + MARK);
    assert.equal(escapeText(`${MARK}0000`), `${MARK}${MARK}0000`);
    for (const s of [
      "",
      "a\u0000b",
      MARK,
      `${MARK}0000`,
      `\u0000${MARK}\u0000`,
      "\\u0000",
      `${MARK}${MARK}0`,
    ]) {
      assert.equal(unescapeText(escapeText(s)), s);
      assert.ok(!escapeText(s).includes("\u0000"));
    }
  });

  test("JSON: the escapes jsonb refuses are replaced, every other escape is left alone", () => {
    const value = {
      nul: "a\u0000b",
      lone: "x\ud800y\udfff",
      pair: "\ud83d\ude00",
      control: "\u0001\n",
      backslashU: "\\u0000",
      mark: `${MARK}0000`,
      "k\u0000": [MARK, `${MARK}${MARK}`],
    };
    const json = JSON.stringify(value);
    const escaped = escapeJson(json);
    assert.ok(!/\\u0000|\\ud[89a-f]/i.test(escaped.replace(/\\\\/g, "")), escaped);
    assert.equal(escapeJson('{"a":"b"}'), '{"a":"b"}');
    assert.equal(escapeJson('"\\u0000"'), `"${MARK}0000"`);
    assert.equal(escapeJson('"\\\\u0000"'), '"\\\\u0000"');
    assert.equal(escapeJson('"\\ud800"'), `"${MARK}d800"`);
    assert.equal(escapeJson('"\\u0001"'), '"\\u0001"');
    assert.deepEqual(JSON.parse(unescapeJson(escaped)), value);
  });

  test("an attribute escaped as JSON equals the same string escaped as text (what attrs ->> compares)", () => {
    for (const s of ["a\u0000b", MARK, `${MARK}0000`, "plain"]) {
      const inJson = escapeJson(JSON.stringify(s));
      assert.equal(inJson.slice(1, -1), escapeText(s));
    }
  });
});
