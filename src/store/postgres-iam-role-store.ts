import type pg from "pg";
import { type DeleteOutcome, type IamRole, type IamRoleStore, nameKey } from "./iam-role-store.js";
import { query } from "./postgres-sql.js";
import { placeholders, ROLE_COLUMNS, ROLE_SELECT, type RoleRow, roleFromRow, roleValues } from "./rows.js";

/** PostgreSQL's code for a foreign key violation: the role went while a policy was being attached. */
const FOREIGN_KEY_VIOLATION = "23503";

/** IAM roles in PostgreSQL. Each method is one statement or one transaction holding the role's row lock. */
export class PostgresIamRoleStore implements IamRoleStore {
  constructor(private readonly pool: pg.Pool) {}

  async insert(role: IamRole): Promise<boolean> {
    const result = await query(
      this.pool,
      `INSERT INTO iam_roles (${ROLE_COLUMNS}) VALUES (${placeholders(11, "postgres")})
       ON CONFLICT (account_id, name_key) DO NOTHING`,
      roleValues(role),
    );
    return (result.rowCount ?? 0) > 0;
  }

  async get(accountId: string, name: string): Promise<IamRole | undefined> {
    const { rows } = await query<RoleRow>(
      this.pool,
      `SELECT ${ROLE_SELECT} FROM iam_roles WHERE account_id = $1 AND name_key = $2`,
      [accountId, nameKey(name)],
    );
    return rows[0] ? roleFromRow(rows[0]) : undefined;
  }

  async count(accountId: string): Promise<number> {
    const { rows } = await query<{ n: number }>(
      this.pool,
      "SELECT count(*)::integer AS n FROM iam_roles WHERE account_id = $1",
      [accountId],
    );
    return rows[0]?.n ?? 0;
  }

  async delete(accountId: string, name: string): Promise<DeleteOutcome> {
    const key = nameKey(name);
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      // The row lock waits for policy inserts under way (their foreign key check holds a share lock on it).
      const found = await query(
        client,
        "SELECT 1 FROM iam_roles WHERE account_id = $1 AND name_key = $2 FOR UPDATE",
        [accountId, key],
      );
      if (found.rowCount === 0) {
        await client.query("ROLLBACK");
        return { deleted: false, found: false, managed: 0, inline: 0 };
      }
      const { rows } = await query<{ kind: string; n: number }>(
        client,
        `SELECT kind, count(*)::integer AS n FROM iam_role_policies WHERE account_id = $1 AND name_key = $2
         GROUP BY kind`,
        [accountId, key],
      );
      const managed = rows.find((c) => c.kind === "managed")?.n ?? 0;
      const inline = rows.find((c) => c.kind === "inline")?.n ?? 0;
      if (managed > 0 || inline > 0) {
        await client.query("ROLLBACK");
        return { deleted: false, found: true, managed, inline };
      }
      await query(client, "DELETE FROM iam_roles WHERE account_id = $1 AND name_key = $2", [accountId, key]);
      await client.query("COMMIT");
      return { deleted: true, found: true, managed: 0, inline: 0 };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async attach(accountId: string, roleName: string, policyArn: string): Promise<boolean> {
    return this.put(accountId, roleName, "managed", policyArn, null);
  }

  async detach(accountId: string, roleName: string, policyArn: string): Promise<boolean> {
    return this.deletePolicy(accountId, roleName, "managed", policyArn);
  }

  async attached(accountId: string, roleName: string): Promise<string[]> {
    const { rows } = await query<{ policy: string }>(
      this.pool,
      `SELECT policy FROM iam_role_policies WHERE account_id = $1 AND name_key = $2 AND kind = 'managed'
       ORDER BY attached_at, policy`,
      [accountId, nameKey(roleName)],
    );
    return rows.map((r) => r.policy);
  }

  async putInline(
    accountId: string,
    roleName: string,
    policyName: string,
    document: string,
  ): Promise<boolean> {
    return this.put(accountId, roleName, "inline", policyName, document);
  }

  async deleteInline(accountId: string, roleName: string, policyName: string): Promise<boolean> {
    return this.deletePolicy(accountId, roleName, "inline", policyName);
  }

  private async deletePolicy(
    accountId: string,
    roleName: string,
    kind: string,
    policy: string,
  ): Promise<boolean> {
    const result = await query(
      this.pool,
      "DELETE FROM iam_role_policies WHERE account_id = $1 AND name_key = $2 AND kind = $3 AND policy = $4",
      [accountId, nameKey(roleName), kind, policy],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** One statement; the foreign key refuses it when the role does not exist (or goes at the same instant). */
  private async put(
    accountId: string,
    roleName: string,
    kind: "managed" | "inline",
    policy: string,
    document: string | null,
  ): Promise<boolean> {
    try {
      await query(
        this.pool,
        `INSERT INTO iam_role_policies (account_id, name_key, kind, policy, document, attached_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (account_id, name_key, kind, policy) DO UPDATE SET document = excluded.document`,
        [accountId, nameKey(roleName), kind, policy, document, Date.now()],
      );
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) return false;
      throw error;
    }
  }
}
