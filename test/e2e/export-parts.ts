// Reads an explainability export's parts from S3 as a user would: lists the prefix, downloads every part and
// reads them together with DuckDB (CSV as text, so that empty fields stay visible as "" / null).

import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { DuckDBInstance } from "@duckdb/node-api";

export async function readParts(
  s3: S3Client,
  bucket: string,
  prefix: string,
  ext: "csv" | "parquet",
): Promise<Record<string, unknown>[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const keys = (listed.Contents ?? []).map((o) => o.Key as string).filter((k) => k.endsWith(`.${ext}`));
  assert.ok(keys.length > 0, `parts under ${prefix}`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "explain-parts-"));
  const files: string[] = [];
  for (const key of keys) {
    assert.match(
      path.basename(key),
      new RegExp(`^[A-Za-z0-9_]+_\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}Z_part\\d+\\.${ext}$`),
    );
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    ).Body?.transformToByteArray();
    const file = path.join(dir, path.basename(key));
    await fs.writeFile(file, body as Uint8Array);
    files.push(file);
  }
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  const list = files.map((f) => `'${f}'`).join(", ");
  const reader =
    ext === "csv" ? `read_csv([${list}], header = true, all_varchar = true)` : `read_parquet([${list}])`;
  const rows = (await con.runAndReadAll(`SELECT * FROM ${reader}`)).getRowObjectsJS() as Record<
    string,
    unknown
  >[];
  con.closeSync();
  await fs.rm(dir, { recursive: true, force: true });
  return rows;
}
