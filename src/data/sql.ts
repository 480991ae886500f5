/** SQL text for a string literal; the only quoting DuckDB needs is doubling the quote character. */
export const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** SQL text for an identifier, so attribute names are used exactly as the schema spells them. */
export const sqlIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A DuckDB list literal of strings, e.g. for the file list of read_csv. */
export const sqlStringList = (values: readonly string[]): string => `[${values.map(sqlString).join(", ")}]`;
