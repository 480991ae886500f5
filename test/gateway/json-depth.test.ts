import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { contractOf, serviceNames } from "../../src/contract/services.js";
import { ServiceError } from "../../src/errors.js";
import { jsonNestingDepth, MAX_JSON_DEPTH, parseJsonBody } from "../../src/gateway/aws-json.js";

/** How deep a valid input of `shape` can nest objects and arrays (the top-level object counts 1). */
function shapeDepth(
  service: (typeof serviceNames)[number],
  name: string,
  seen: readonly string[] = [],
): number {
  const shape = contractOf(service).shapes[name];
  assert.ok(shape, name);
  assert.ok(!seen.includes(name), `recursive shape ${name}: no depth bound from the model`);
  const children = [...Object.values(shape.members ?? {}), shape.member, shape.value].filter(
    (x): x is string => x !== undefined,
  );
  const own = ["structure", "list", "map"].includes(shape.type) ? 1 : 0;
  return own + Math.max(0, ...children.map((c) => shapeDepth(service, c, [...seen, name])));
}

describe("JSON nesting bound", () => {
  test("no input of either model nests anywhere near the bound", () => {
    let deepest = 0;
    for (const service of serviceNames) {
      for (const op of Object.values(contractOf(service).operations)) {
        if (op.input) deepest = Math.max(deepest, shapeDepth(service, op.input));
      }
    }
    assert.equal(deepest, 7);
    assert.ok(deepest * 2 <= MAX_JSON_DEPTH);
  });

  test("the byte scan skips strings, escapes included", () => {
    assert.equal(jsonNestingDepth(Buffer.from('{"a":"[[[{{{","b":"\\"[[[","c":[[1]]}'), 100), 3);
    assert.equal(jsonNestingDepth(Buffer.from('{"ü[":"é{"}'), 100), 1);
    assert.equal(jsonNestingDepth(Buffer.from("[".repeat(1_000_000)), 32), 33, "stops past the limit");
  });

  test(`${MAX_JSON_DEPTH} levels parse; one more is a SerializationException`, () => {
    const nest = (levels: number) => `{"X":${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}}`;
    assert.ok(parseJsonBody(Buffer.from(nest(MAX_JSON_DEPTH))));
    assert.throws(
      () => parseJsonBody(Buffer.from(nest(MAX_JSON_DEPTH + 1))),
      (e: unknown) =>
        e instanceof ServiceError && e.code === "SerializationException" && e.httpStatus === 400,
    );
  });
});
