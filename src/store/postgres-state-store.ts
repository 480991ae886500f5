import pg from "pg";
import { PostgresIamRoleStore } from "./postgres-iam-role-store.js";
import { POSTGRES_MIGRATIONS } from "./postgres-migrations.js";
import { PostgresResourceStore } from "./postgres-resource-store.js";
import { TYPES } from "./postgres-sql.js";
import type { StateStore } from "./state-store.js";

/** Serializes schema migrations between processes starting at once (an arbitrary, fixed advisory lock key). */
const MIGRATION_LOCK = 861_861_001;

/**
 * The shared state store: PostgreSQL 13+ at this URL, reached through a connection pool. Any number of processes
 * may open it at once; the schema is brought up to date under an advisory lock.
 */
export async function openPostgresStore(
  url: string,
  options: { poolSize?: number } = {},
): Promise<StateStore> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types: TYPES });
  // An idle client that loses its connection (database restart) must not crash the process.
  pool.on("error", () => undefined);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw new Error(`Could not open the PostgreSQL state store: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    engine: "postgres",
    resources: new PostgresResourceStore(pool),
    iamRoles: new PostgresIamRoleStore(pool),
    singleRunner: false,
    async close() {
      await pool.end();
    },
  };
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY)");
    const { rows } = await client.query<{ v: number | null }>(
      "SELECT max(version) AS v FROM schema_migrations",
    );
    const current = rows[0]?.v ?? 0;
    if (current > POSTGRES_MIGRATIONS.length) {
      throw new Error(
        `the database was written by a newer OpenForecast (schema ${current}, this one knows ${POSTGRES_MIGRATIONS.length})`,
      );
    }
    for (let v = current; v < POSTGRES_MIGRATIONS.length; v++) {
      await client.query("BEGIN");
      try {
        await client.query(POSTGRES_MIGRATIONS[v] as string);
        await client.query("INSERT INTO schema_migrations (version) VALUES ($1)", [v + 1]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
