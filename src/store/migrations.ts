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
];
