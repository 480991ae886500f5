import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after } from "node:test";
import type { SchemaAttribute } from "../../src/data/schema.js";

/** A fresh directory under the OS temp dir, removed when the test file ends. */
export async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "openforecast-data-test-"));
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function writeText(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

/** Names in a directory, to see that nothing (temp files included) was left behind. */
export const listDir = (dir: string): Promise<string[]> => readdir(dir);

export const TARGET_SCHEMA: SchemaAttribute[] = [
  { AttributeName: "item_id", AttributeType: "string" },
  { AttributeName: "timestamp", AttributeType: "timestamp" },
  { AttributeName: "demand", AttributeType: "float" },
];
