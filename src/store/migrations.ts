/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran. Append, never edit: a data
 * dir written by an older version must open with a newer one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE resources (
    arn          TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL,
    region       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    parent_arn   TEXT,
    status       TEXT NOT NULL,
    message      TEXT,
    created_at   INTEGER NOT NULL,
    modified_at  INTEGER NOT NULL,
    attrs        TEXT NOT NULL,
    lease_owner  TEXT,
    lease_until  INTEGER
  ) STRICT;
  CREATE INDEX resources_by_kind ON resources (account_id, region, kind, created_at DESC, arn);
  CREATE INDEX resources_by_parent ON resources (parent_arn);
  CREATE INDEX resources_by_status ON resources (status);

  CREATE TABLE resource_refs (
    from_arn TEXT NOT NULL REFERENCES resources (arn) ON DELETE CASCADE,
    to_arn   TEXT NOT NULL,
    PRIMARY KEY (from_arn, to_arn)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX resource_refs_to ON resource_refs (to_arn);

  CREATE TABLE tags (
    arn   TEXT NOT NULL REFERENCES resources (arn) ON DELETE CASCADE,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (arn, key)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;
  `,
  // 2: IAM roles of the STS/IAM stand-in (src/resources/iam-roles.ts). Role names are unique per account without
  // regard to case, as in IAM, hence the lower-cased key; policies go when their role goes.
  `
  CREATE TABLE iam_roles (
    account_id           TEXT NOT NULL,
    name_key             TEXT NOT NULL,
    name                 TEXT NOT NULL,
    path                 TEXT NOT NULL,
    role_id              TEXT NOT NULL,
    arn                  TEXT NOT NULL,
    assume_role_policy   TEXT NOT NULL,
    description          TEXT,
    max_session_duration INTEGER NOT NULL,
    created_at           INTEGER NOT NULL,
    tags                 TEXT NOT NULL,
    PRIMARY KEY (account_id, name_key)
  ) STRICT;

  CREATE TABLE iam_role_policies (
    account_id  TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('managed', 'inline')),
    policy      TEXT NOT NULL,
    document    TEXT,
    attached_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, name_key, kind, policy),
    FOREIGN KEY (account_id, name_key) REFERENCES iam_roles (account_id, name_key) ON DELETE CASCADE
  ) STRICT, WITHOUT ROWID;
  `,
];
