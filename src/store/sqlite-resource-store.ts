import type Database from "better-sqlite3";
import type { Db } from "./database.js";
import type {
  ChangeCondition,
  ClaimedJob,
  InsertGuard,
  InsertOutcome,
  ListQuery,
  NewResource,
  PublishWrites,
  RecoveredJobs,
  ResourceChange,
  ResourceRecord,
  ResourceStore,
  Scope,
  Tag,
} from "./resource-store.js";
import {
  COLUMN_OF,
  placeholders,
  type ResourceRow,
  resourceColumns,
  resourceFromRow,
  resourceValues,
} from "./rows.js";

/** The columns of a record, for SELECT. */
const COLUMNS = resourceColumns();

const IN_PROGRESS = ["CREATE_IN_PROGRESS", "DELETE_IN_PROGRESS"];

/**
 * Resource records, their references and tags in the SQLite state database. better-sqlite3 is synchronous and
 * the process has one connection, so each method runs to its end without any other statement in between: a
 * method that needs several statements wraps them in a synchronous transaction, and no transaction is ever open
 * across an await. A crash leaves either the old or the new state.
 */
export class SqliteResourceStore implements ResourceStore {
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO resources (${COLUMNS}) VALUES (${placeholders(11, "sqlite")}) ON CONFLICT (arn) DO NOTHING`,
      ),
      get: db.prepare(`SELECT ${COLUMNS} FROM resources WHERE arn = ?`),
      update: db.prepare(
        "UPDATE resources SET status = ?, message = ?, attrs = ?, modified_at = ? WHERE arn = ?",
      ),
      delete: db.prepare("DELETE FROM resources WHERE arn = ?"),
      deleteChildren: db.prepare("DELETE FROM resources WHERE parent_arn = ?"),
      setLease: db.prepare("UPDATE resources SET lease_owner = ?, lease_until = ? WHERE arn = ?"),
      renewLease: db.prepare(
        `UPDATE resources SET lease_until = ? WHERE arn = ? AND lease_owner = ?
           AND status IN ('CREATE_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'CREATE_STOPPING') RETURNING arn, status`,
      ),
      children: db.prepare(`SELECT ${COLUMNS} FROM resources WHERE parent_arn = ? ORDER BY created_at, arn`),
      referrers: db.prepare(
        `SELECT ${resourceColumns("r")} FROM resource_refs f JOIN resources r ON r.arn = f.from_arn
         WHERE f.to_arn = ? ORDER BY r.created_at, r.arn`,
      ),
      insertRef: db.prepare("INSERT OR IGNORE INTO resource_refs (from_arn, to_arn) VALUES (?, ?)"),
      deleteRefs: db.prepare("DELETE FROM resource_refs WHERE from_arn = ?"),
      byStatus: db.prepare(`SELECT ${COLUMNS} FROM resources WHERE status = ? ORDER BY created_at, arn`),
      // The sweeping runner never takes back its own jobs: while it runs it knows them.
      expired: db.prepare(
        `SELECT ${COLUMNS} FROM resources WHERE status = ? AND (? OR lease_until IS NULL OR lease_until < ?)
           AND lease_owner IS NOT ?
         ORDER BY created_at, arn`,
      ),
      tags: db.prepare("SELECT key, value FROM tags WHERE arn = ? ORDER BY key"),
      countTags: db.prepare("SELECT count(*) AS n FROM tags WHERE arn = ? AND lower(key) NOT LIKE 'aws:%'"),
      upsertTag: db.prepare(
        "INSERT INTO tags (arn, key, value) VALUES (?, ?, ?) ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value",
      ),
      deleteTag: db.prepare("DELETE FROM tags WHERE arn = ? AND key = ?"),
      getSetting: db.prepare("SELECT value FROM settings WHERE key = ?"),
      insertSetting: db.prepare("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)"),
      lease: db.prepare("SELECT lease_owner, lease_until FROM resources WHERE arn = ?"),
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

  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  private getSync(arn: string): ResourceRecord | undefined {
    const row = this.statements.get.get(arn) as ResourceRow | undefined;
    return row ? resourceFromRow(row) : undefined;
  }

  async get(arn: string): Promise<ResourceRecord | undefined> {
    return this.getSync(arn);
  }

  async children(arn: string): Promise<ResourceRecord[]> {
    return (this.statements.children.all(arn) as ResourceRow[]).map(resourceFromRow);
  }

  async referrers(arn: string): Promise<ResourceRecord[]> {
    return (this.statements.referrers.all(arn) as ResourceRow[]).map(resourceFromRow);
  }

  async withStatus(status: string): Promise<ResourceRecord[]> {
    return (this.statements.byStatus.all(status) as ResourceRow[]).map(resourceFromRow);
  }

  async list(query: ListQuery): Promise<ResourceRecord[]> {
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
      `SELECT ${COLUMNS} FROM resources WHERE ${where.join(" AND ")} ORDER BY created_at DESC, arn LIMIT ?`,
    ).all(...params) as ResourceRow[];
    return rows.map(resourceFromRow);
  }

  private countActiveSync(kind: string, scope: Scope, statuses: readonly string[]): number {
    const marks = statuses.map(() => "?").join(", ");
    const row = this.cached(
      `SELECT count(*) AS n FROM resources WHERE account_id = ? AND region = ? AND kind = ? AND status IN (${marks})`,
    ).get(scope.accountId, scope.region, kind, ...statuses) as { n: number };
    return row.n;
  }

  async countActive(kind: string, scope: Scope, statuses: readonly string[]): Promise<number> {
    return this.countActiveSync(kind, scope, statuses);
  }

  /** The guard's verdict, or undefined when the insert may go ahead. Runs inside the insert's transaction. */
  private guardFails(guard: InsertGuard | undefined): InsertOutcome | undefined {
    if (!guard) return undefined;
    if ("noChild" in guard) {
      const { parentArn, kind, statuses } = guard.noChild;
      const child = (this.statements.children.all(parentArn) as ResourceRow[])
        .map(resourceFromRow)
        .find((c) => (kind === undefined || c.kind === kind) && (!statuses || statuses.includes(c.status)));
      return child ? { inserted: false, reason: "child", child } : undefined;
    }
    if ("maxChildren" in guard) {
      const { parentArn, kind, limit } = guard.maxChildren;
      const { n } = this.cached("SELECT count(*) AS n FROM resources WHERE parent_arn = ? AND kind = ?").get(
        parentArn,
        kind,
      ) as { n: number };
      return n >= limit ? { inserted: false, reason: "limit", count: n } : undefined;
    }
    const { kind, scope, statuses, limit } = guard.maxActive;
    const count = this.countActiveSync(kind, scope, statuses);
    return count >= limit ? { inserted: false, reason: "limit", count } : undefined;
  }

  private insertSync(resource: NewResource): InsertOutcome {
    const refused = this.guardFails(resource.guard);
    if (refused) return refused;
    const { record } = resource;
    const info = this.statements.insert.run(...resourceValues(record));
    if (info.changes === 0) return { inserted: false, reason: "exists" };
    for (const to of resource.refs ?? []) this.statements.insertRef.run(record.arn, to);
    for (const t of resource.tags ?? []) this.statements.upsertTag.run(record.arn, t.Key, t.Value);
    return { inserted: true };
  }

  async insert(resource: NewResource): Promise<InsertOutcome> {
    return this.tx(() => this.insertSync(resource));
  }

  private leaseOwner(arn: string): string | null {
    return (
      (this.statements.lease.get(arn) as { lease_owner: string | null } | undefined)?.lease_owner ?? null
    );
  }

  private updateSync(
    arn: string,
    change: ResourceChange,
    condition: ChangeCondition | undefined,
    refs?: readonly string[],
  ): ResourceRecord | undefined {
    const current = this.getSync(arn);
    if (!current) return undefined;
    if (condition?.status && !condition.status.includes(current.status)) return undefined;
    if (condition?.leaseOwner !== undefined && this.leaseOwner(arn) !== condition.leaseOwner)
      return undefined;
    const next: ResourceRecord = {
      ...current,
      status: change.status ?? current.status,
      message: change.message === undefined ? current.message : change.message,
      attrs: change.attrs ? dropUndefined({ ...current.attrs, ...change.attrs }) : current.attrs,
      modifiedAt: change.touch === false ? current.modifiedAt : Math.max(Date.now(), current.modifiedAt),
    };
    this.statements.update.run(next.status, next.message, JSON.stringify(next.attrs), next.modifiedAt, arn);
    if (refs) {
      this.statements.deleteRefs.run(arn);
      for (const to of refs) this.statements.insertRef.run(arn, to);
    }
    return next;
  }

  async update(
    arn: string,
    change: ResourceChange,
    condition?: ChangeCondition,
    refs?: readonly string[],
  ): Promise<ResourceRecord | undefined> {
    return this.tx(() => this.updateSync(arn, change, condition, refs));
  }

  async transition(arns: readonly string[], to: string, from: readonly string[]): Promise<string[]> {
    return this.tx(() =>
      arns.filter((arn) => this.updateSync(arn, { status: to }, { status: from }) !== undefined),
    );
  }

  async complete(
    arn: string,
    change: ResourceChange,
    condition: ChangeCondition,
    writes: PublishWrites = {},
  ): Promise<ResourceRecord | undefined> {
    return this.tx(() => {
      const done = this.updateSync(arn, change, condition);
      if (!done) return undefined;
      for (const u of writes.updates ?? []) this.updateSync(u.arn, { attrs: u.attrs }, undefined);
      for (const resource of writes.inserts ?? []) this.insertSync(resource);
      return done;
    });
  }

  async delete(arn: string): Promise<boolean> {
    return this.statements.delete.run(arn).changes > 0;
  }

  async deleteChildren(arn: string): Promise<number> {
    return this.statements.deleteChildren.run(arn).changes;
  }

  async tags(arn: string): Promise<Tag[]> {
    return (this.statements.tags.all(arn) as { key: string; value: string }[]).map((t) => ({
      Key: t.key,
      Value: t.value,
    }));
  }

  async putTags(arn: string, tags: readonly Tag[], maxUserTags: number): Promise<boolean> {
    try {
      return this.tx(() => {
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

  async removeTags(arn: string, keys: readonly string[]): Promise<void> {
    this.tx(() => {
      for (const k of keys) this.statements.deleteTag.run(arn, k);
    });
  }

  async setting(key: string, make: () => string): Promise<string> {
    this.statements.insertSetting.run(key, make());
    return (this.statements.getSetting.get(key) as { value: string }).value;
  }

  async claimNext(
    owner: string,
    leaseMs: number,
    exclude: readonly string[],
  ): Promise<ClaimedJob | undefined> {
    return this.tx(() => {
      for (const [from, to, deleting] of [
        ["DELETE_PENDING", "DELETE_IN_PROGRESS", true],
        ["CREATE_PENDING", "CREATE_IN_PROGRESS", false],
      ] as const) {
        const row = (this.statements.byStatus.all(from) as ResourceRow[]).find(
          (r) => !exclude.includes(r.arn),
        );
        if (!row) continue;
        this.statements.setLease.run(owner, Date.now() + leaseMs, row.arn);
        const claimed = this.updateSync(row.arn, { status: to }, { status: [from] });
        if (claimed) return { record: claimed, deleting };
      }
      return undefined;
    });
  }

  async renewLeases(
    owner: string,
    arns: readonly string[],
    leaseMs: number,
  ): Promise<{ arn: string; status: string }[]> {
    return this.tx(() =>
      arns.flatMap(
        (arn) =>
          this.statements.renewLease.all(Date.now() + leaseMs, arn, owner) as {
            arn: string;
            status: string;
          }[],
      ),
    );
  }

  async recoverExpired(owner: string, leaseMs: number, options: { all: boolean }): Promise<RecoveredJobs> {
    return this.tx(() => {
      const now = Date.now();
      const all = options.all ? 1 : 0;
      const requeued: string[] = [];
      for (const status of IN_PROGRESS) {
        for (const row of this.statements.expired.all(status, all, now, owner) as ResourceRow[]) {
          this.statements.setLease.run(null, null, row.arn);
          const back = status === "CREATE_IN_PROGRESS" ? "CREATE_PENDING" : "DELETE_PENDING";
          this.updateSync(row.arn, { status: back, touch: false }, { status: [status] });
          requeued.push(row.arn);
        }
      }
      const stopping = (this.statements.expired.all("CREATE_STOPPING", all, now, owner) as ResourceRow[]).map(
        (row) => {
          this.statements.setLease.run(owner, now + leaseMs, row.arn);
          return resourceFromRow(row);
        },
      );
      return { requeued, stopping };
    });
  }

  async lease(arn: string): Promise<{ owner: string | null; until: number | null } | undefined> {
    const row = this.statements.lease.get(arn) as
      | { lease_owner: string | null; lease_until: number | null }
      | undefined;
    return row ? { owner: row.lease_owner, until: row.lease_until } : undefined;
  }
}

/** JSON has no undefined: a key set to undefined is a key removed (as JSON.stringify would drop it). */
function dropUndefined(attrs: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(attrs)) if (attrs[key] === undefined) delete attrs[key];
  return attrs;
}

/** Thrown inside putTags' transaction to undo it. */
class TagLimitRollback extends Error {
  constructor() {
    super("tag limit exceeded");
  }
}
