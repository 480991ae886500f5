import type pg from "pg";
import { Jsonb, type Queryable, query, transaction } from "./postgres-sql.js";
import type {
  ChangeCondition,
  ClaimedJob,
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

/** The columns of a record, for SELECT and RETURNING. */
const COLUMNS = resourceColumns();

/** A new record's row: its attributes (the last value) go to jsonb. */
const INSERT = `INSERT INTO resources (${COLUMNS}) VALUES (${placeholders(10, "postgres")}, $11::jsonb)
  ON CONFLICT (arn) DO NOTHING RETURNING arn`;

/** The database's clock in milliseconds: leases are compared on one clock, whatever the hosts' clocks say. */
const NOW_MS = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

/**
 * Resource records, their references and tags in PostgreSQL, shared by any number of processes. Each method is
 * one statement, or one short transaction that takes the row or advisory locks its check needs (an insert's
 * guard locks the parent row or the account's kind), so concurrent requests on any process stay correct at READ
 * COMMITTED. Reads (get, list, tags: what Describe and List make) are one round trip on a prepared statement.
 */
export class PostgresResourceStore implements ResourceStore {
  constructor(private readonly pool: pg.Pool) {}

  private tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return transaction(this.pool, fn);
  }

  private async rows(db: Queryable, sql: string, params: unknown[]): Promise<ResourceRecord[]> {
    return (await query<ResourceRow>(db, sql, params)).rows.map(resourceFromRow);
  }

  async get(arn: string): Promise<ResourceRecord | undefined> {
    return (await this.rows(this.pool, `SELECT ${COLUMNS} FROM resources WHERE arn = $1`, [arn]))[0];
  }

  async children(arn: string): Promise<ResourceRecord[]> {
    return this.rows(
      this.pool,
      `SELECT ${COLUMNS} FROM resources WHERE parent_arn = $1 ORDER BY created_at, arn`,
      [arn],
    );
  }

  async referrers(arn: string): Promise<ResourceRecord[]> {
    return this.rows(
      this.pool,
      `SELECT ${resourceColumns("r")} FROM resource_refs f JOIN resources r ON r.arn = f.from_arn
       WHERE f.to_arn = $1 ORDER BY r.created_at, r.arn`,
      [arn],
    );
  }

  async withStatus(status: string): Promise<ResourceRecord[]> {
    return this.rows(
      this.pool,
      `SELECT ${COLUMNS} FROM resources WHERE status = $1 ORDER BY created_at, arn`,
      [status],
    );
  }

  async list(q: ListQuery): Promise<ResourceRecord[]> {
    const params: unknown[] = [q.scope.accountId, q.scope.region, q.kind];
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = ["account_id = $1", "region = $2", "kind = $3"];
    for (const c of q.conditions) {
      const column = COLUMN_OF[c.field];
      const expr = column ?? `(attrs ->> ${p(c.field)})`;
      where.push(`${expr} ${c.equals ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM"} ${p(c.value)}::text`);
    }
    if (q.after) {
      const at = p(q.after.createdAt);
      where.push(`(created_at < ${at} OR (created_at = ${at} AND arn > ${p(q.after.arn)}))`);
    }
    return this.rows(
      this.pool,
      `SELECT ${COLUMNS} FROM resources WHERE ${where.join(" AND ")} ORDER BY created_at DESC, arn LIMIT ${p(q.limit)}`,
      params,
    );
  }

  private async countActiveIn(db: Queryable, kind: string, scope: Scope, statuses: readonly string[]) {
    const { rows } = await query<{ n: number }>(
      db,
      `SELECT count(*)::integer AS n FROM resources
       WHERE account_id = $1 AND region = $2 AND kind = $3 AND status = ANY($4::text[])`,
      [scope.accountId, scope.region, kind, statuses],
    );
    return rows[0]?.n ?? 0;
  }

  async countActive(kind: string, scope: Scope, statuses: readonly string[]): Promise<number> {
    return this.countActiveIn(this.pool, kind, scope, statuses);
  }

  /** Inside a transaction: checks the guard under a lock that serializes inserts it concerns, then inserts. */
  private async insertIn(client: pg.PoolClient, resource: NewResource): Promise<InsertOutcome> {
    const { record, guard } = resource;
    if (guard && "noChild" in guard) {
      const { parentArn, kind, statuses } = guard.noChild;
      // Every guarded insert under this parent locks the parent row first, so they take turns.
      await query(client, "SELECT 1 FROM resources WHERE arn = $1 FOR UPDATE", [parentArn]);
      const child = (
        await this.rows(
          client,
          `SELECT ${COLUMNS} FROM resources WHERE parent_arn = $1 AND ($2::text IS NULL OR kind = $2)
             AND ($3::text[] IS NULL OR status = ANY($3::text[])) ORDER BY created_at, arn LIMIT 1`,
          [parentArn, kind ?? null, statuses ?? null],
        )
      )[0];
      if (child) return { inserted: false, reason: "child", child };
    } else if (guard && "maxChildren" in guard) {
      const { parentArn, kind, limit } = guard.maxChildren;
      // Like noChild: the parent row's lock makes the guarded inserts under it take turns.
      await client.query("SELECT 1 FROM resources WHERE arn = $1 FOR UPDATE", [parentArn]);
      const { rows } = await client.query<{ n: number }>(
        "SELECT count(*)::integer AS n FROM resources WHERE parent_arn = $1 AND kind = $2",
        [parentArn, kind],
      );
      const count = rows[0]?.n ?? 0;
      if (count >= limit) return { inserted: false, reason: "limit", count };
    } else if (guard) {
      const { kind, scope, statuses, limit } = guard.maxActive;
      await query(client, "SELECT pg_advisory_xact_lock(hashtext($1))", [
        `max-active/${scope.accountId}/${scope.region}/${kind}`,
      ]);
      const count = await this.countActiveIn(client, kind, scope, statuses);
      if (count >= limit) return { inserted: false, reason: "limit", count };
    }
    const values = resourceValues(record);
    values[values.length - 1] = new Jsonb(record.attrs);
    const inserted = await query(client, INSERT, values);
    if (inserted.rowCount === 0) return { inserted: false, reason: "exists" };
    if (resource.refs?.length) await this.insertRefs(client, record.arn, resource.refs);
    if (resource.tags?.length) await this.upsertTags(client, record.arn, resource.tags);
    return { inserted: true };
  }

  private async insertRefs(client: pg.PoolClient, arn: string, refs: readonly string[]): Promise<void> {
    await query(
      client,
      "INSERT INTO resource_refs (from_arn, to_arn) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
      [arn, [...new Set(refs)]],
    );
  }

  private async upsertTags(client: Queryable, arn: string, tags: readonly Tag[]): Promise<void> {
    // One row per key (the last value wins, as when written one by one).
    const byKey = new Map(tags.map((t) => [t.Key, t.Value]));
    await query(
      client,
      `INSERT INTO tags (arn, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS t (k, v)
       ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value`,
      [arn, [...byKey.keys()], [...byKey.values()]],
    );
  }

  async insert(resource: NewResource): Promise<InsertOutcome> {
    return this.tx((client) => this.insertIn(client, resource));
  }

  /** One statement: the change applies only where the condition holds; attributes merge shallowly (jsonb ||). */
  private async updateIn(
    db: Queryable,
    arn: string,
    change: ResourceChange,
    condition: ChangeCondition | undefined,
  ): Promise<ResourceRecord | undefined> {
    const attrs = change.attrs;
    const removed = attrs ? Object.keys(attrs).filter((k) => attrs[k] === undefined) : [];
    const rows = await this.rows(
      db,
      `UPDATE resources SET
         status = COALESCE($2, status),
         message = CASE WHEN $3::boolean THEN $4 ELSE message END,
         attrs = CASE WHEN $5::jsonb IS NULL THEN attrs ELSE (attrs - $6::text[]) || $5::jsonb END,
         modified_at = CASE WHEN $7::boolean THEN GREATEST($8::bigint, modified_at) ELSE modified_at END
       WHERE arn = $1 AND ($9::text[] IS NULL OR status = ANY($9::text[]))
         AND ($10::text IS NULL OR lease_owner = $10)
       RETURNING ${COLUMNS}`,
      [
        arn,
        change.status ?? null,
        change.message !== undefined,
        change.message ?? null,
        attrs ? new Jsonb(attrs) : null,
        removed,
        change.touch !== false,
        Date.now(),
        condition?.status ?? null,
        condition?.leaseOwner ?? null,
      ],
    );
    return rows[0];
  }

  async update(
    arn: string,
    change: ResourceChange,
    condition?: ChangeCondition,
    refs?: readonly string[],
  ): Promise<ResourceRecord | undefined> {
    if (!refs) return this.updateIn(this.pool, arn, change, condition);
    return this.tx(async (client) => {
      const done = await this.updateIn(client, arn, change, condition);
      if (!done) return undefined;
      await query(client, "DELETE FROM resource_refs WHERE from_arn = $1", [arn]);
      await this.insertRefs(client, arn, refs);
      return done;
    });
  }

  async transition(arns: readonly string[], to: string, from: readonly string[]): Promise<string[]> {
    const { rows } = await query<{ arn: string }>(
      this.pool,
      `UPDATE resources SET status = $2, modified_at = GREATEST($4::bigint, modified_at)
       WHERE arn = ANY($1::text[]) AND status = ANY($3::text[]) RETURNING arn`,
      [arns, to, from, Date.now()],
    );
    return rows.map((r) => r.arn);
  }

  async complete(
    arn: string,
    change: ResourceChange,
    condition: ChangeCondition,
    writes: PublishWrites = {},
  ): Promise<ResourceRecord | undefined> {
    return this.tx(async (client) => {
      const done = await this.updateIn(client, arn, change, condition);
      if (!done) return undefined;
      for (const u of writes.updates ?? []) await this.updateIn(client, u.arn, { attrs: u.attrs }, undefined);
      for (const resource of writes.inserts ?? []) await this.insertIn(client, resource);
      return done;
    });
  }

  async delete(arn: string): Promise<boolean> {
    return ((await query(this.pool, "DELETE FROM resources WHERE arn = $1", [arn])).rowCount ?? 0) > 0;
  }

  async deleteChildren(arn: string): Promise<number> {
    return (await query(this.pool, "DELETE FROM resources WHERE parent_arn = $1", [arn])).rowCount ?? 0;
  }

  async tags(arn: string): Promise<Tag[]> {
    const { rows } = await query<{ key: string; value: string }>(
      this.pool,
      "SELECT key, value FROM tags WHERE arn = $1 ORDER BY key",
      [arn],
    );
    return rows.map((t) => ({ Key: t.key, Value: t.value }));
  }

  async putTags(arn: string, tags: readonly Tag[], maxUserTags: number): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      // Lock the resource so that two concurrent TagResource calls cannot together pass the limit.
      await query(client, "SELECT 1 FROM resources WHERE arn = $1 FOR UPDATE", [arn]);
      if (tags.length > 0) await this.upsertTags(client, arn, tags);
      const { rows } = await query<{ n: number }>(
        client,
        "SELECT count(*)::integer AS n FROM tags WHERE arn = $1 AND lower(key) NOT LIKE 'aws:%'",
        [arn],
      );
      const fits = (rows[0]?.n ?? 0) <= maxUserTags;
      await client.query(fits ? "COMMIT" : "ROLLBACK");
      return fits;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async removeTags(arn: string, keys: readonly string[]): Promise<void> {
    await query(this.pool, "DELETE FROM tags WHERE arn = $1 AND key = ANY($2::text[])", [arn, keys]);
  }

  async setting(key: string, make: () => string): Promise<string> {
    await query(this.pool, "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", [
      key,
      make(),
    ]);
    const { rows } = await query<{ value: string }>(this.pool, "SELECT value FROM settings WHERE key = $1", [
      key,
    ]);
    return (rows[0] as { value: string }).value;
  }

  async claimNext(
    owner: string,
    leaseMs: number,
    exclude: readonly string[],
  ): Promise<ClaimedJob | undefined> {
    // SKIP LOCKED: runners claiming at the same instant each get a different job instead of waiting in line.
    const rows = await this.rows(
      this.pool,
      `WITH next AS (
         SELECT arn FROM resources
         WHERE status IN ('DELETE_PENDING', 'CREATE_PENDING') AND NOT (arn = ANY($3::text[]))
         ORDER BY (status = 'DELETE_PENDING') DESC, created_at, arn
         LIMIT 1 FOR UPDATE SKIP LOCKED)
       UPDATE resources r SET
         status = CASE r.status WHEN 'DELETE_PENDING' THEN 'DELETE_IN_PROGRESS' ELSE 'CREATE_IN_PROGRESS' END,
         lease_owner = $1, lease_until = ${NOW_MS} + $2::bigint,
         modified_at = GREATEST($4::bigint, r.modified_at)
       FROM next WHERE r.arn = next.arn AND r.status IN ('DELETE_PENDING', 'CREATE_PENDING')
       RETURNING ${resourceColumns("r")}`,
      [owner, leaseMs, exclude, Date.now()],
    );
    const record = rows[0];
    return record ? { record, deleting: record.status === "DELETE_IN_PROGRESS" } : undefined;
  }

  async renewLeases(
    owner: string,
    arns: readonly string[],
    leaseMs: number,
  ): Promise<{ arn: string; status: string }[]> {
    const { rows } = await query<{ arn: string; status: string }>(
      this.pool,
      `UPDATE resources SET lease_until = ${NOW_MS} + $3::bigint
       WHERE arn = ANY($2::text[]) AND lease_owner = $1
         AND status IN ('CREATE_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'CREATE_STOPPING')
       RETURNING arn, status`,
      [owner, arns, leaseMs],
    );
    return rows;
  }

  async recoverExpired(owner: string, leaseMs: number, options: { all: boolean }): Promise<RecoveredJobs> {
    // $1: take back every lease; $2: the sweeping runner, which never takes back its own jobs (while it runs it
    // knows them: a late heartbeat is not a death).
    const expired = `($1::boolean OR lease_until IS NULL OR lease_until < ${NOW_MS}) AND lease_owner IS DISTINCT FROM $2`;
    return this.tx(async (client) => {
      const requeued = await query<{ arn: string }>(
        client,
        `UPDATE resources SET lease_owner = NULL, lease_until = NULL,
           status = CASE status WHEN 'CREATE_IN_PROGRESS' THEN 'CREATE_PENDING' ELSE 'DELETE_PENDING' END
         WHERE status IN ('CREATE_IN_PROGRESS', 'DELETE_IN_PROGRESS') AND ${expired}
         RETURNING arn`,
        [options.all, owner],
      );
      const stopping = await this.rows(
        client,
        `UPDATE resources SET lease_owner = $2, lease_until = ${NOW_MS} + $3::bigint
         WHERE status = 'CREATE_STOPPING' AND ${expired} RETURNING ${COLUMNS}`,
        [options.all, owner, leaseMs],
      );
      return { requeued: requeued.rows.map((r) => r.arn), stopping };
    });
  }

  async lease(arn: string): Promise<{ owner: string | null; until: number | null } | undefined> {
    const { rows } = await query<{ lease_owner: string | null; lease_until: number | null }>(
      this.pool,
      "SELECT lease_owner, lease_until FROM resources WHERE arn = $1",
      [arn],
    );
    const row = rows[0];
    return row ? { owner: row.lease_owner, until: row.lease_until } : undefined;
  }
}
