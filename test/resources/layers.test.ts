// The layering of docs/architecture.md, checked on the sources: the API (resources/) never imports the job
// pipelines (pipelines/), which may use resources' shared semantics; the numeric core (forecasting/, explain/)
// imports nothing of the service.

import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

/** dist/test/resources/ -> the repository, whose sources are read. */
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * What a folder's modules reach under src/ by relative imports: the folders (`../pipelines/x.js` → "pipelines") and
 * the top-level modules ("errors.js"), each with the importing files.
 */
async function importedFolders(folder: string): Promise<Map<string, string[]>> {
  const dir = path.join(repoRoot, "src", folder);
  const reached = new Map<string, string[]>();
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = await fs.readFile(file, "utf8");
    for (const match of text.matchAll(/^(?:import|export)[^;]*? from "(\.[^"]+)";/gms)) {
      const target = path.relative(
        path.join(repoRoot, "src"),
        path.resolve(path.dirname(file), match[1] as string),
      );
      const top = target.split(path.sep)[0] as string;
      if (top === folder) continue;
      reached.set(top, [...(reached.get(top) ?? []), path.relative(repoRoot, file)]);
    }
  }
  return reached;
}

test("resources/ imports nothing of pipelines/", async () => {
  const reached = await importedFolders("resources");
  assert.ok(reached.has("store"), "the scan finds resources' imports of the store");
  assert.deepEqual(reached.get("pipelines") ?? [], []);
});

test("forecasting/ and explain/ import nothing of the service", async () => {
  for (const folder of ["forecasting", "explain"]) {
    const reached = await importedFolders(folder);
    const outside = [...reached.keys()].filter((f) => f !== "forecasting" && f !== "explain");
    assert.deepEqual(outside, [], `${folder}/ reaches ${outside.join(", ")}`);
  }
});
