// pg-boss is CommonJS with `export =`: imported once here so the rest of the code has a named class and types.
import PgBossModule from "pg-boss";

export const PgBoss = PgBossModule;
export type PgBoss = PgBossModule;
export type PgBossJob<T> = PgBossModule.JobWithMetadata<T>;
