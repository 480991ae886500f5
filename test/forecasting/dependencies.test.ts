// The numeric core stands alone: nothing under src/forecasting imports from the rest of the service (explain/,
// resources/, jobs/, ...), so that explain/ depends on forecasting/ and never the reverse (issue 10).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../contract/helpers.js";

const CORE = path.join(repoRoot, "src", "forecasting");
/** Packages the numeric core may use: augurs (ETS, MSTL, Prophet and its Stan model) and Node's fs (WASM). */
const ALLOWED_PACKAGES = [/^@bsull\/augurs(\/|$)/, /^@bsull\/augurs-prophet-wasmstan$/, /^node:fs$/];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

/** Every module specifier of a file: static imports and exports, and dynamic import() calls. */
export function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["']([^"']+)["']/g)) found.push(m[1] as string);
  return found;
}

test("the parser sees static, type-only, re-export and dynamic imports", () => {
  const text = `import { a } from "../x.js";\nimport type { B } from '../../explain/y.js';\nexport { c } from "./c.js";\nconst p = await import("./prophet.js");\nimport "side-effect";`;
  assert.deepEqual(specifiers(text), [
    "../x.js",
    "../../explain/y.js",
    "./c.js",
    "./prophet.js",
    "side-effect",
  ]);
});

test("no file under src/forecasting imports from outside the numeric core", () => {
  const files = sources(CORE);
  assert.ok(files.length > 30, `expected the forecasting sources under ${CORE}`);
  const outside: string[] = [];
  for (const file of files) {
    for (const spec of specifiers(readFileSync(file, "utf8"))) {
      const where = path.relative(repoRoot, file);
      if (spec.startsWith(".")) {
        const target = path.resolve(path.dirname(file), spec);
        if (!target.startsWith(CORE + path.sep)) outside.push(`${where} → ${spec}`);
      } else if (!ALLOWED_PACKAGES.some((p) => p.test(spec))) {
        outside.push(`${where} → ${spec}`);
      }
    }
  }
  assert.deepEqual(outside, []);
});
