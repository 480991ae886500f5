// What the clients wrote and saw, to check at the end that nothing was lost or duplicated: every object a client
// uploaded (and did not delete) must still be there with the same bytes; every export a client saw ACTIVE must
// still hold the parts it held then, with the same bytes, no extra parts, and no row key twice.

import { createHash } from "node:crypto";
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
} from "@aws-sdk/client-s3";

/** Sends an S3 command for one account (counted and retried by the caller's `call`). */
export type S3Send = <O>(command: GetObjectCommand | ListObjectsV2Command) => Promise<O>;

export const sha256 = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

export interface UploadedObject {
  account: number;
  bucket: string;
  key: string;
  sha256: string;
  bytes: number;
}

export interface SeenExport {
  account: number;
  kind: string;
  arn: string;
  bucket: string;
  prefix: string;
  /** key → sha256 of the parts listed when the export was first seen ACTIVE. */
  parts: Map<string, string>;
  /** Data rows expected in all parts together, when known. */
  expectedRows?: number;
}

export interface Problem {
  account: number;
  what: string;
  where: string;
  detail: string;
}

export class Ledger {
  readonly uploads = new Map<string, UploadedObject>();
  /** Objects whose delete got no answer: they may or may not exist, so they are not checked. */
  readonly uncertain = new Set<string>();
  readonly exports: SeenExport[] = [];

  private static id(account: number, bucket: string, key: string): string {
    return `${account}|${bucket}|${key}`;
  }

  uploaded(o: UploadedObject): void {
    this.uploads.set(Ledger.id(o.account, o.bucket, o.key), o);
  }

  deleted(account: number, bucket: string, key: string, answered: boolean): void {
    const id = Ledger.id(account, bucket, key);
    this.uploads.delete(id);
    if (!answered) this.uncertain.add(id);
  }

  /** A random object this account uploaded, for read-back checks during the run. */
  pick(account: number, r: () => number): UploadedObject | undefined {
    const mine = [...this.uploads.values()].filter((o) => o.account === account);
    return mine[Math.floor(r() * mine.length)];
  }
}

export async function readObject(send: S3Send, bucket: string, key: string): Promise<Uint8Array> {
  const out = await send<GetObjectCommandOutput>(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await out.Body?.transformToByteArray()) ?? new Uint8Array();
}

export async function listKeys(send: S3Send, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await send<ListObjectsV2CommandOutput>(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Row keys (the first two fields: item and time) that occur more than once across CSV parts (header lines skipped). */
export function duplicatedRowKeys(parts: string[]): { rows: number; duplicates: string[] } {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  let rows = 0;
  for (const text of parts) {
    const lines = text.split("\n").filter((l) => l !== "");
    for (const line of lines.slice(1)) {
      rows++;
      const fields = line.split(",");
      const key = `${fields[0]},${fields[1]}`;
      if (seen.has(key)) duplicates.push(key);
      else seen.add(key);
    }
  }
  return { rows, duplicates };
}

/** Records an ACTIVE export: lists its parts and their content now; the content is checked for duplicate rows. */
export async function snapshotExport(
  s3: S3Send,
  e: Omit<SeenExport, "parts">,
): Promise<{ seen: SeenExport; problems: Problem[] }> {
  const keys = (await listKeys(s3, e.bucket, e.prefix)).filter((k) => k.endsWith(".csv"));
  const parts = new Map<string, string>();
  const texts: string[] = [];
  for (const key of keys) {
    const body = await readObject(s3, e.bucket, key);
    parts.set(key, sha256(body));
    texts.push(Buffer.from(body).toString("utf8"));
  }
  const seen = { ...e, parts };
  return { seen, problems: exportProblems(seen, texts) };
}

function exportProblems(e: SeenExport, texts: string[]): Problem[] {
  const problems: Problem[] = [];
  const where = `s3://${e.bucket}/${e.prefix} (${e.arn})`;
  if (e.parts.size === 0)
    problems.push({ account: e.account, what: "export empty", where, detail: "no CSV part" });
  const { rows, duplicates } = duplicatedRowKeys(texts);
  if (duplicates.length > 0) {
    problems.push({
      account: e.account,
      what: "export rows duplicated",
      where,
      detail: `${duplicates.length} repeated row keys in ${e.parts.size} parts, e.g. ${duplicates.slice(0, 3).join("; ")}`,
    });
  }
  if (e.expectedRows !== undefined && rows !== e.expectedRows && duplicates.length === 0) {
    problems.push({
      account: e.account,
      what: "export rows missing",
      where,
      detail: `${rows} rows, ${e.expectedRows} expected`,
    });
  }
  return problems;
}

/** The end check of everything in the ledger, through each account's own S3 client. */
export async function verifyLedger(
  ledger: Ledger,
  s3For: (account: number) => S3Send,
): Promise<{ objectsChecked: number; exportsChecked: number; problems: Problem[] }> {
  const problems: Problem[] = [];
  for (const o of ledger.uploads.values()) {
    const where = `s3://${o.bucket}/${o.key}`;
    try {
      const body = await readObject(s3For(o.account), o.bucket, o.key);
      if (sha256(body) !== o.sha256) {
        problems.push({
          account: o.account,
          what: "object changed",
          where,
          detail: `${body.length} bytes, ${o.bytes} uploaded`,
        });
      }
    } catch (error) {
      problems.push({
        account: o.account,
        what: "object lost",
        where,
        detail: (error as Error).name ?? String(error),
      });
    }
  }
  for (const e of ledger.exports) {
    const s3 = s3For(e.account);
    const where = `s3://${e.bucket}/${e.prefix} (${e.arn})`;
    const keys = (await listKeys(s3, e.bucket, e.prefix)).filter((k) => k.endsWith(".csv"));
    const extra = keys.filter((k) => !e.parts.has(k));
    if (extra.length > 0) {
      problems.push({
        account: e.account,
        what: "export parts duplicated",
        where,
        detail: `new parts after ACTIVE: ${extra.join(", ")}`,
      });
    }
    const texts: string[] = [];
    for (const [key, hash] of e.parts) {
      if (!keys.includes(key)) {
        problems.push({ account: e.account, what: "export part lost", where, detail: key });
        continue;
      }
      const body = await readObject(s3, e.bucket, key);
      texts.push(Buffer.from(body).toString("utf8"));
      if (sha256(body) !== hash)
        problems.push({ account: e.account, what: "export part changed", where, detail: key });
    }
    for (const p of exportProblems(e, texts)) if (p.what !== "export empty") problems.push(p);
  }
  return { objectsChecked: ledger.uploads.size, exportsChecked: ledger.exports.length, problems };
}
