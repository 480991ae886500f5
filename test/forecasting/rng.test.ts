import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  createRng,
  fillStandardNormal,
  seededStandardNormals,
  standardNormal,
} from "../../src/forecasting/rng.js";

describe("random draws", () => {
  test("the generator is reproducible from its seed and uniform on [0, 1)", () => {
    const a = Array.from({ length: 5 }, createRng(3));
    const b = Array.from({ length: 5 }, createRng(3));
    assert.deepEqual(a, b);
    const draws = Array.from({ length: 20_000 }, createRng(9));
    assert.ok(draws.every((u) => u >= 0 && u < 1));
    const mean = draws.reduce((s, u) => s + u, 0) / draws.length;
    assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  });

  const oneAtATime = (n: number): Float64Array => {
    const random = createRng(5);
    return Float64Array.from({ length: n }, () => standardNormal(random));
  };
  const inPairs = (n: number): Float64Array => fillStandardNormal(createRng(5), new Float64Array(n));
  for (const [name, draw] of [
    ["one at a time", oneAtATime],
    ["in Box–Muller pairs", inPairs],
  ] as const) {
    test(`standard normal draws ${name} have mean 0, variance 1 and normal tails`, () => {
      const z = draw(100_001);
      const n = z.length;
      const mean = z.reduce((s, v) => s + v, 0) / n;
      const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
      const beyond = z.filter((v) => Math.abs(v) > 1.959964).length / n;
      assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
      assert.ok(Math.abs(variance - 1) < 0.02, `variance ${variance}`);
      assert.ok(Math.abs(beyond - 0.05) < 0.005, `P(|z| > 1.96) = ${beyond}`);
    });
  }

  test("seeded normals are drawn once per seed and count, and are the generator's first draws", () => {
    const first = seededStandardNormals(42, 1000);
    assert.equal(seededStandardNormals(42, 1000), first);
    assert.deepEqual(first, fillStandardNormal(createRng(42), new Float64Array(1000)));
    assert.notDeepEqual(seededStandardNormals(43, 1000), first);
  });
});
