/**
 * The PostgreSQL schema, as migrations applied in order; the table schema_migrations records how many ran. Append,
 * never edit. Same tables and meaning as the SQLite schema (migrations.ts), in PostgreSQL 13+ SQL: attributes as
 * jsonb, times as bigint milliseconds, and text compared byte-wise (COLLATE "C") so that ordering and pagination
 * match SQLite's exactly whatever the database's locale.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE resources (
    arn          text COLLATE "C" PRIMARY KEY,
    account_id   text COLLATE "C" NOT NULL,
    region       text COLLATE "C" NOT NULL,
    kind         text COLLATE "C" NOT NULL,
    name         text COLLATE "C" NOT NULL,
    parent_arn   text COLLATE "C",
    status       text COLLATE "C" NOT NULL,
    message      text,
    created_at   bigint NOT NULL,
    modified_at  bigint NOT NULL,
    attrs        jsonb NOT NULL,
    lease_owner  text COLLATE "C",
    lease_until  bigint
  );
  CREATE INDEX resources_by_kind ON resources (account_id, region, kind, created_at DESC, arn);
  CREATE INDEX resources_by_parent ON resources (parent_arn);
  CREATE INDEX resources_by_status ON resources (status, created_at, arn);

  CREATE TABLE resource_refs (
    from_arn text COLLATE "C" NOT NULL REFERENCES resources (arn) ON DELETE CASCADE,
    to_arn   text COLLATE "C" NOT NULL,
    PRIMARY KEY (from_arn, to_arn)
  );
  CREATE INDEX resource_refs_to ON resource_refs (to_arn);

  CREATE TABLE tags (
    arn   text COLLATE "C" NOT NULL REFERENCES resources (arn) ON DELETE CASCADE,
    key   text COLLATE "C" NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (arn, key)
  );

  CREATE TABLE settings (
    key   text COLLATE "C" PRIMARY KEY,
    value text NOT NULL
  );

  CREATE TABLE iam_roles (
    account_id           text COLLATE "C" NOT NULL,
    name_key             text COLLATE "C" NOT NULL,
    name                 text NOT NULL,
    path                 text NOT NULL,
    role_id              text NOT NULL,
    arn                  text NOT NULL,
    assume_role_policy   text NOT NULL,
    description          text,
    max_session_duration integer NOT NULL,
    created_at           bigint NOT NULL,
    tags                 text NOT NULL,
    PRIMARY KEY (account_id, name_key)
  );

  CREATE TABLE iam_role_policies (
    account_id  text COLLATE "C" NOT NULL,
    name_key    text COLLATE "C" NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('managed', 'inline')),
    policy      text COLLATE "C" NOT NULL,
    document    text,
    attached_at bigint NOT NULL,
    PRIMARY KEY (account_id, name_key, kind, policy),
    FOREIGN KEY (account_id, name_key) REFERENCES iam_roles (account_id, name_key) ON DELETE CASCADE
  );
  `,
];
