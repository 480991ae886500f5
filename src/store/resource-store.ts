import type Database from "better-sqlite3";
import type { Db } from "./database.js";

/** One resource as stored: the columns every kind shares, plus the kind's own attributes as JSON. */
export interface ResourceRecord {
  arn: string;
  accountId: string;
  region: string;
  kind: string;
  name: string;
  parentArn: string | null;
  status: string;
  message: string | null;
  /** Milliseconds since the epoch. */
  createdAt: number;
  modifiedAt: number;
  attrs: Record<string, unknown>;
}

export interface Scope {
  accountId: string;
  region: string;
}

/** A list query: kind within a scope, optional equality filters on columns or attributes, newest first. */
export interface ListQuery {
  kind: string;
  scope: Scope;
  /** Column (status, parentArn, arn) or attribute conditions; `equals: false` means IS_NOT. */
  conditions: { field: string; value: string; equals: boolean }[];
  /** Continue strictly after this (createdAt, arn) position. */
  after?: { createdAt: number; arn: string };
  limit: number;
}

interface Row {
  arn: string;
  account_id: string;
  region: string;
  kind: string;
  name: string;
  parent_arn: string | null;
  status: string;
  message: string | null;
  created_at: number;
  modified_at: number;
  attrs: string;
}

const COLUMN_OF: Record<string, string> = {
  status: "status",
  parentArn: "parent_arn",
  arn: "arn",
  name: "name",
};

function fromRow(row: Row): ResourceRecord {
  return {
    arn: row.arn,
    accountId: row.account_id,
    region: row.region,
    kind: row.kind,
    name: row.name,
    parentArn: row.parent_arn,
    status: row.status,
    message: row.message,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    attrs: JSON.parse(row.attrs) as Record<string, unknown>,
  };
}

/**
 * Resource records, their references and tags. Every method is one statement or one transaction, so a crash
 * leaves either the old or the new state. Uniqueness of names comes from the ARN being the primary key (the ARN
 * embeds the parent's name and the resource's name).
 */
export class ResourceStore {
  private readonly statements;

  constructor(readonly db: Db) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO resources (arn, account_id, region, kind, name, parent_arn, status, message, created_at,
           modified_at, attrs) VALUES (@arn, @accountId, @region, @kind, @name, @parentArn, @status, @message,
           @createdAt, @modifiedAt, @attrs) ON CONFLICT (arn) DO NOTHING`,
      ),
      get: db.prepare("SELECT * FROM resources WHERE arn = ?"),
      update: db.prepare(
        "UPDATE resources SET status = ?, message = ?, attrs = ?, modified_at = ? WHERE arn = ?",
      ),
      delete: db.prepare("DELETE FROM resources WHERE arn = ?"),
      setLease: db.prepare("UPDATE resources SET lease_owner = ?, lease_until = ? WHERE arn = ?"),
      children: db.prepare("SELECT * FROM resources WHERE parent_arn = ? ORDER BY created_at, arn"),
      referrers: db.prepare(
        `SELECT r.* FROM resource_refs f JOIN resources r ON r.arn = f.from_arn WHERE f.to_arn = ?
         ORDER BY r.created_at, r.arn`,
      ),
      insertRef: db.prepare("INSERT OR IGNORE INTO resource_refs (from_arn, to_arn) VALUES (?, ?)"),
      deleteRefs: db.prepare("DELETE FROM resource_refs WHERE from_arn = ?"),
      byStatus: db.prepare("SELECT * FROM resources WHERE status = ? ORDER BY created_at, arn"),
      tags: db.prepare("SELECT key, value FROM tags WHERE arn = ? ORDER BY key"),
      countTags: db.prepare("SELECT count(*) AS n FROM tags WHERE arn = ? AND lower(key) NOT LIKE 'aws:%'"),
      upsertTag: db.prepare(
        "INSERT INTO tags (arn, key, value) VALUES (?, ?, ?) ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value",
      ),
      deleteTag: db.prepare("DELETE FROM tags WHERE arn = ? AND key = ?"),
      getSetting: db.prepare("SELECT value FROM settings WHERE key = ?"),
      insertSetting: db.prepare("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)"),
    };
  }

  /** Statements whose text depends on the query's shape (how many filters), prepared once per shape. */
  private readonly shaped = new Map<string, Database.Statement>();

  private cached(sql: string): Database.Statement {
    let statement = this.shaped.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.shaped.set(sql, statement);
    }
    return statement;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Inserts a new resource; false when one with the same ARN exists (the name is taken). */
  insert(record: ResourceRecord, refs: readonly string[] = []): boolean {
    return this.transaction(() => {
      const info = this.statements.insert.run({ ...record, attrs: JSON.stringify(record.attrs) });
      if (info.changes === 0) return false;
      for (const to of refs) this.statements.insertRef.run(record.arn, to);
      return true;
    });
  }

  get(arn: string): ResourceRecord | undefined {
    const row = this.statements.get.get(arn) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /**
   * Changes status, message and/or attributes (merged shallowly) and stamps the modification time. With
   * `expectStatus`, the change happens only if the resource is still in one of those statuses (a compare-and-set
   * so that, say, a finishing job cannot overwrite a stop). Returns the new record, or undefined if not applied.
   */
  update(
    arn: string,
    change: { status?: string; message?: string | null; attrs?: Record<string, unknown>; touch?: boolean },
    expectStatus?: readonly string[],
  ): ResourceRecord | undefined {
    return this.transaction(() => {
      const current = this.get(arn);
      if (!current) return undefined;
      if (expectStatus && !expectStatus.includes(current.status)) return undefined;
      const next: ResourceRecord = {
        ...current,
        status: change.status ?? current.status,
        message: change.message === undefined ? current.message : change.message,
        attrs: change.attrs ? { ...current.attrs, ...change.attrs } : current.attrs,
        modifiedAt: change.touch === false ? current.modifiedAt : Math.max(Date.now(), current.modifiedAt),
      };
      this.statements.update.run(next.status, next.message, JSON.stringify(next.attrs), next.modifiedAt, arn);
      return next;
    });
  }

  /** Records which job runner works on a resource, and until when its claim holds without a heartbeat. */
  setLease(arn: string, owner: string, until: number): void {
    this.statements.setLease.run(owner, until, arn);
  }

  /** Replaces the outgoing references of a resource (e.g. the datasets of a dataset group). */
  setRefs(arn: string, refs: readonly string[]): void {
    this.transaction(() => {
      this.statements.deleteRefs.run(arn);
      for (const to of refs) this.statements.insertRef.run(arn, to);
    });
  }

  delete(arn: string): boolean {
    return this.statements.delete.run(arn).changes > 0;
  }

  children(arn: string): ResourceRecord[] {
    return (this.statements.children.all(arn) as Row[]).map(fromRow);
  }

  /** Resources that reference this one (e.g. dataset groups that contain a dataset). */
  referrers(arn: string): ResourceRecord[] {
    return (this.statements.referrers.all(arn) as Row[]).map(fromRow);
  }

  withStatus(status: string): ResourceRecord[] {
    return (this.statements.byStatus.all(status) as Row[]).map(fromRow);
  }

  list(query: ListQuery): ResourceRecord[] {
    const where = ["account_id = ?", "region = ?", "kind = ?"];
    const params: (string | number)[] = [query.scope.accountId, query.scope.region, query.kind];
    for (const c of query.conditions) {
      const column = COLUMN_OF[c.field];
      const expr = column ?? `json_extract(attrs, '$.' || ?)`;
      if (!column) params.push(c.field);
      where.push(c.equals ? `${expr} IS ?` : `${expr} IS NOT ?`);
      params.push(c.value);
    }
    if (query.after) {
      where.push("(created_at < ? OR (created_at = ? AND arn > ?))");
      params.push(query.after.createdAt, query.after.createdAt, query.after.arn);
    }
    params.push(query.limit);
    const rows = this.cached(
      `SELECT * FROM resources WHERE ${where.join(" AND ")} ORDER BY created_at DESC, arn LIMIT ?`,
    ).all(...params) as Row[];
    return rows.map(fromRow);
  }

  countActive(kind: string, scope: Scope, statuses: readonly string[]): number {
    const marks = statuses.map(() => "?").join(", ");
    const row = this.cached(
      `SELECT count(*) AS n FROM resources WHERE account_id = ? AND region = ? AND kind = ? AND status IN (${marks})`,
    ).get(scope.accountId, scope.region, kind, ...statuses) as { n: number };
    return row.n;
  }

  tags(arn: string): { Key: string; Value: string }[] {
    return (this.statements.tags.all(arn) as { key: string; value: string }[]).map((t) => ({
      Key: t.key,
      Value: t.value,
    }));
  }

  /**
   * Adds or overwrites tags, refusing (by returning false, nothing written) if the user tags would then number
   * more than `maxUserTags`.
   */
  putTags(arn: string, tags: readonly { Key: string; Value: string }[], maxUserTags: number): boolean {
    try {
      return this.transaction(() => {
        for (const t of tags) this.statements.upsertTag.run(arn, t.Key, t.Value);
        const { n } = this.statements.countTags.get(arn) as { n: number };
        if (n > maxUserTags) throw new TagLimitRollback();
        return true;
      });
    } catch (error) {
      if (error instanceof TagLimitRollback) return false;
      throw error;
    }
  }

  removeTags(arn: string, keys: readonly string[]): void {
    this.transaction(() => {
      for (const k of keys) this.statements.deleteTag.run(arn, k);
    });
  }

  /** A value generated once per data dir (e.g. the key that signs pagination tokens). */
  setting(key: string, make: () => string): string {
    this.statements.insertSetting.run(key, make());
    return (this.statements.getSetting.get(key) as { value: string }).value;
  }
}

/** Thrown inside putTags' transaction to undo it. */
class TagLimitRollback extends Error {
  constructor() {
    super("tag limit exceeded");
  }
}
