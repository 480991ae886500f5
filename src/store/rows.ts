import { type IamRole, nameKey } from "./iam-role-store.js";
import type { ResourceRecord } from "./resource-store.js";

/**
 * How records map to table rows, shared by the SQLite and PostgreSQL stores so that both read and write the same
 * columns the same way. Each engine hands over a row whose JSON columns are JSON text (the PostgreSQL store reads
 * jsonb as its text, see postgres-sql.ts), and takes the values of a new row in the column order given here.
 */

/** A row of `resources` as both engines return it (the lease columns are read on their own, see `lease`). */
export interface ResourceRow {
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
  /** JSON text. */
  attrs: string;
}

const RESOURCE_FIELDS = [
  "arn",
  "account_id",
  "region",
  "kind",
  "name",
  "parent_arn",
  "status",
  "message",
  "created_at",
  "modified_at",
  "attrs",
] as const satisfies readonly (keyof ResourceRow)[];

/** The columns a record is made of, in the order of `resourceValues`; with `alias`, qualified by it. */
export function resourceColumns(alias?: string): string {
  return RESOURCE_FIELDS.map((c) => (alias ? `${alias}.${c}` : c)).join(", ");
}

/** The values of a record's row, in the order of `resourceColumns()`, attributes as JSON text. */
export function resourceValues(record: ResourceRecord): unknown[] {
  return [
    record.arn,
    record.accountId,
    record.region,
    record.kind,
    record.name,
    record.parentArn,
    record.status,
    record.message,
    record.createdAt,
    record.modifiedAt,
    JSON.stringify(record.attrs),
  ];
}

export function resourceFromRow(row: ResourceRow): ResourceRecord {
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

/** The record fields a list may filter on that are columns; any other field is an attribute. */
export const COLUMN_OF: Readonly<Record<string, string>> = {
  status: "status",
  parentArn: "parent_arn",
  arn: "arn",
  name: "name",
};

/** A row of `iam_roles`; `tags` is JSON text. */
export interface RoleRow {
  account_id: string;
  name: string;
  path: string;
  role_id: string;
  arn: string;
  assume_role_policy: string;
  description: string | null;
  max_session_duration: number;
  created_at: number;
  tags: string;
}

/** The columns of a new role's row (with its case-insensitive key), in the order of `roleValues`. */
export const ROLE_COLUMNS =
  "account_id, name_key, name, path, role_id, arn, assume_role_policy, description, max_session_duration, " +
  "created_at, tags";

/** The columns a role is read from. */
export const ROLE_SELECT =
  "account_id, name, path, role_id, arn, assume_role_policy, description, max_session_duration, created_at, tags";

export function roleValues(role: IamRole): unknown[] {
  return [
    role.accountId,
    nameKey(role.name),
    role.name,
    role.path,
    role.roleId,
    role.arn,
    role.assumeRolePolicy,
    role.description,
    role.maxSessionDuration,
    role.createdAt,
    JSON.stringify(role.tags),
  ];
}

export function roleFromRow(row: RoleRow): IamRole {
  return {
    accountId: row.account_id,
    name: row.name,
    path: row.path,
    roleId: row.role_id,
    arn: row.arn,
    assumeRolePolicy: row.assume_role_policy,
    description: row.description,
    maxSessionDuration: row.max_session_duration,
    createdAt: row.created_at,
    tags: JSON.parse(row.tags) as IamRole["tags"],
  };
}

/** `n` placeholders for positional parameters: `?, ?, …` (SQLite) or `$1, $2, …` (PostgreSQL). */
export function placeholders(n: number, engine: "sqlite" | "postgres"): string {
  return Array.from({ length: n }, (_, i) => (engine === "sqlite" ? "?" : `$${i + 1}`)).join(", ");
}
