import pg from "pg";
import { escapeJson, escapeText, unescapeJson, unescapeText } from "./postgres-text.js";

/**
 * How the PostgreSQL stores talk to the database: every statement with parameters goes through `query` here,
 * which prepares it once per connection under a name of its own (later executions skip parsing and planning on
 * the server) and escapes the text PostgreSQL cannot hold (postgres-text.ts); the pool's type parsers undo that
 * escape on the way back.
 */

/** A client of the pool, or the one client of an open transaction. */
export type Queryable = pg.Pool | pg.PoolClient;

const INT8_OID = 20;
const TEXT_OID = 25;
const JSONB_OID = 3802;

/**
 * Type parsers of the stores' pool: bigint columns hold milliseconds since the epoch (well within a double's
 * exact integers); text comes back unescaped; jsonb comes back as its JSON text, unescaped, for rows.ts to parse
 * (as SQLite hands it over).
 */
export const TYPES = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (format === "binary") return pg.types.getTypeParser(oid, format);
    if (oid === INT8_OID) return (value: string) => Number(value);
    if (oid === TEXT_OID) return unescapeText;
    if (oid === JSONB_OID) return unescapeJson;
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

/** A jsonb parameter: a value's JSON text, escaped for jsonb (and not escaped again as text). */
export class Jsonb {
  readonly text: string;
  constructor(value: unknown) {
    this.text = escapeJson(JSON.stringify(value));
  }
}

/** A parameter as it goes to the server: text escaped, arrays element by element, jsonb as its text. */
function param(value: unknown): unknown {
  if (typeof value === "string") return escapeText(value);
  if (value instanceof Jsonb) return value.text;
  if (Array.isArray(value)) return value.map(param);
  return value;
}

/** Statement names by text. The texts are the stores' own (a few per query shape), so this stays small. */
const names = new Map<string, string>();
const MAX_NAMED = 500;

function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `of_${names.size}`;
    names.set(text, name);
  }
  return name;
}

/** Runs one statement with parameters as a named prepared statement. */
export function query<R extends pg.QueryResultRow = pg.QueryResultRow>(
  db: Queryable,
  text: string,
  params: readonly unknown[],
): Promise<pg.QueryResult<R>> {
  return db.query<R>({ name: nameOf(text), text, values: params.map(param) });
}

/** Runs `fn` in a transaction on one client of the pool: committed if it returns, rolled back if it throws. */
export async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
