import type { Db } from "./database.js";
import { type DeleteOutcome, type IamRole, type IamRoleStore, nameKey } from "./iam-role-store.js";
import { placeholders, ROLE_COLUMNS, ROLE_SELECT, type RoleRow, roleFromRow, roleValues } from "./rows.js";

/** IAM roles in the SQLite state database. Each method is one statement or one (synchronous) transaction. */
export class SqliteIamRoleStore implements IamRoleStore {
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO iam_roles (${ROLE_COLUMNS}) VALUES (${placeholders(11, "sqlite")})
         ON CONFLICT (account_id, name_key) DO NOTHING`,
      ),
      get: db.prepare(`SELECT ${ROLE_SELECT} FROM iam_roles WHERE account_id = ? AND name_key = ?`),
      count: db.prepare("SELECT count(*) AS n FROM iam_roles WHERE account_id = ?"),
      delete: db.prepare("DELETE FROM iam_roles WHERE account_id = ? AND name_key = ?"),
      countPolicies: db.prepare(
        "SELECT kind, count(*) AS n FROM iam_role_policies WHERE account_id = ? AND name_key = ? GROUP BY kind",
      ),
      putPolicy: db.prepare(
        `INSERT INTO iam_role_policies (account_id, name_key, kind, policy, document, attached_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id, name_key, kind, policy) DO UPDATE SET document = excluded.document`,
      ),
      deletePolicy: db.prepare(
        "DELETE FROM iam_role_policies WHERE account_id = ? AND name_key = ? AND kind = ? AND policy = ?",
      ),
      policies: db.prepare(
        `SELECT policy FROM iam_role_policies WHERE account_id = ? AND name_key = ? AND kind = ?
         ORDER BY attached_at, policy`,
      ),
    };
  }

  /** Stores a new role; false when the account already has a role of that name (in any case). */
  async insert(role: IamRole): Promise<boolean> {
    const info = this.statements.insert.run(...roleValues(role));
    return info.changes > 0;
  }

  async get(accountId: string, name: string): Promise<IamRole | undefined> {
    const row = this.statements.get.get(accountId, nameKey(name)) as RoleRow | undefined;
    return row ? roleFromRow(row) : undefined;
  }

  /** How many roles the account has created (and not deleted). */
  async count(accountId: string): Promise<number> {
    return (this.statements.count.get(accountId) as { n: number }).n;
  }

  /** Deletes a role that has no policies left; reports what is in the way otherwise. */
  async delete(accountId: string, name: string): Promise<DeleteOutcome> {
    return this.db.transaction((): DeleteOutcome => {
      const key = nameKey(name);
      if (!this.statements.get.get(accountId, key))
        return { deleted: false, found: false, managed: 0, inline: 0 };
      const counts = this.statements.countPolicies.all(accountId, key) as { kind: string; n: number }[];
      const managed = counts.find((c) => c.kind === "managed")?.n ?? 0;
      const inline = counts.find((c) => c.kind === "inline")?.n ?? 0;
      if (managed > 0 || inline > 0) return { deleted: false, found: true, managed, inline };
      this.statements.delete.run(accountId, key);
      return { deleted: true, found: true, managed: 0, inline: 0 };
    })();
  }

  /** Attaches a managed policy by ARN (again is a no-op); false when the role does not exist. */
  async attach(accountId: string, roleName: string, policyArn: string): Promise<boolean> {
    return this.put(accountId, roleName, "managed", policyArn, null);
  }

  /** False when the policy was not attached to the role. */
  async detach(accountId: string, roleName: string, policyArn: string): Promise<boolean> {
    return this.statements.deletePolicy.run(accountId, nameKey(roleName), "managed", policyArn).changes > 0;
  }

  /** Managed policy ARNs attached to the role, in the order they were attached. */
  async attached(accountId: string, roleName: string): Promise<string[]> {
    return (
      this.statements.policies.all(accountId, nameKey(roleName), "managed") as { policy: string }[]
    ).map((r) => r.policy);
  }

  /** Adds or replaces an inline policy; false when the role does not exist. */
  async putInline(
    accountId: string,
    roleName: string,
    policyName: string,
    document: string,
  ): Promise<boolean> {
    return this.put(accountId, roleName, "inline", policyName, document);
  }

  /** False when the role has no inline policy of that name. */
  async deleteInline(accountId: string, roleName: string, policyName: string): Promise<boolean> {
    return this.statements.deletePolicy.run(accountId, nameKey(roleName), "inline", policyName).changes > 0;
  }

  private put(
    accountId: string,
    roleName: string,
    kind: "managed" | "inline",
    policy: string,
    document: string | null,
  ): boolean {
    return this.db.transaction(() => {
      const key = nameKey(roleName);
      if (!this.statements.get.get(accountId, key)) return false;
      this.statements.putPolicy.run(accountId, key, kind, policy, document, Date.now());
      return true;
    })();
  }
}
